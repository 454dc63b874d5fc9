"""pytest plugin loaded into Mastodon.py's own test suite by mastodon_py_suite.py.

The suite's tests wait with time.sleep for Mastodon's Sidekiq (20 s for a
video to be processed, 25 s of streaming): those waits, made by the test
modules themselves, are scaled by FERRODON_SUITE_SLEEP_FACTOR (default 1),
uniformly, so the order of a test's timed steps (a thread posting while the
test listens to a stream) is kept. Mastodon.py's own waits are not changed.

Many of that suite's tests never reach a server (parsers, mocked responses,
recorded cassettes the tests load themselves). To tell them apart, every
test records in its JUnit XML properties how many TCP connections it (with
its fixtures) opened to the Ferrodon instance: `ferrodon_connections`. The
instance's ports come from FERRODON_SUITE_PORTS (comma-separated).
"""
import os
import socket
import sys
import time

import pytest

PORTS = {int(p) for p in os.environ.get("FERRODON_SUITE_PORTS", "").split(",") if p}
_connections = 0
_real_connect = socket.socket.connect


def _counting_connect(sock, address):
    global _connections
    if isinstance(address, tuple) and len(address) >= 2 and address[1] in PORTS:
        _connections += 1
    return _real_connect(sock, address)


# requests (urllib3) and websocket-client both connect through socket.socket.
socket.socket.connect = _counting_connect

SLEEP_FACTOR = float(os.environ.get("FERRODON_SUITE_SLEEP_FACTOR", "1"))
_real_sleep = time.sleep


def _scaled_sleep(seconds):
    caller = os.path.basename(sys._getframe(1).f_code.co_filename)
    if caller.startswith("test_"):
        seconds *= SLEEP_FACTOR
    return _real_sleep(seconds)


time.sleep = _scaled_sleep


@pytest.fixture(autouse=True)
def _ferrodon_connections(record_property):
    before = _connections
    yield
    record_property("ferrodon_connections", _connections - before)
