#!/usr/bin/env python3
"""Runs Mastodon.py's own test suite live against a real Ferrodon.

Mastodon.py's source distribution (the version pinned in scripts/test) ships
its tests with VCR cassettes recorded against a Mastodon development server
on http://localhost:3000. This script:

- downloads that sdist once into ~/.cache/ferrodon-mastodon-py/ and
  installs the suite's test dependencies (mastodon_py_suite.requirements.txt,
  pinned) into the running Python's environment when they are missing;
- starts a Ferrodon instance (mastodon_py_test's Instance: own database,
  Redis namespace and free ports; every queue in one worker) with
  LOCAL_DOMAIN localhost:PORT, and reproduces the suite's set-up
  (tests/setup.sql and README.markdown) with ferrodonctl and the API: the
  accounts admin and admin2 (Owners), mastodonpy_test (locked) and mastodonpy_test_2
  (discoverable), open registrations, the application with the fixed client
  id and secret and the three fixed access tokens;
- extracts the tests, points every `localhost:3000` in them (tests and
  cassettes) at the instance, drops the recorded WebSocket cassettes and
  times (the tests then record their own), and
  runs pytest in VCR's record mode `all`, the way the suite's authors run
  it against their server: every request reaches Ferrodon, nothing is
  replayed (the streaming tests need VCR's hooks, so VCR stays on and
  records into the scratch copy). Tests that load a cassette of an old
  server themselves still replay it. The tests' own waits (written for
  Sidekiq) are shortened by SLEEP_FACTOR (mastodon_py_suite_plugin.py).
  tests/test_entities.py is left out: it reads recordings of
  mastodon.social, not a server of ours;
- reads the JUnit XML: prints passed/failed/skipped, how many of the passed
  tests talked to Ferrodon (mastodon_py_suite_plugin.py counts each test's
  connections) and every failed test with the first line of its error.

Exits non-zero when fewer tests passed than the floor recorded in
mastodon_py_suite.floor (raise it when Ferrodon passes more), when the run
overran its time limit, or when the instance could not be set up.

Options: --report FILE writes the per-test outcomes as JSON (for
docs/compatibility.md); -k EXPR is passed to pytest (a floor is then not
checked); --keep-log keeps pytest's and Ferrodon's logs.
"""
import argparse
import importlib.metadata
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET

import requests

from mastodon_py_test import Instance as ClientTestInstance

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REQUIREMENTS = os.path.join(HERE, "mastodon_py_suite.requirements.txt")
FLOOR_FILE = os.path.join(HERE, "mastodon_py_suite.floor")
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "ferrodon-mastodon-py")
# Per test, and for the whole pytest run (seconds).
TEST_TIMEOUT = 20
RUN_TIMEOUT = 360
# The tests' own time.sleep calls are this much shorter: Ferrodon's workers
# take milliseconds where the suite allows Sidekiq seconds.
SLEEP_FACTOR = 0.5
# What the suite's conftest.py and setup.sql expect.
RECORDED_BASE = "localhost:3000"
CLIENT_ID = "__MASTODON_PY_TEST_CLIENT_ID"
CLIENT_SECRET = "__MASTODON_PY_TEST_CLIENT_SECRET"
APP_SCOPES = "read write follow push admin:read admin:write"
USER_SCOPES = "read write follow push"
# (username, e-mail, role, token, token scopes). `admin` is the account
# Mastodon's seeds make (user 1, whom setup.sql gives token 2); admin2 is
# the README's.
ACCOUNTS = [
    ("admin", "admin@localhost", "Owner", "__MASTODON_PY_TEST_ACCESS_TOKEN_2", APP_SCOPES),
    ("admin2", "zerocool@example.com", "Owner", None, None),
    ("mastodonpy_test", "mastodonpy_test@localhost", "User", "__MASTODON_PY_TEST_ACCESS_TOKEN", USER_SCOPES),
    ("mastodonpy_test_2", "mastodonpy_test_2@localhost", "User", "__MASTODON_PY_TEST_ACCESS_TOKEN_3", USER_SCOPES),
]
# Profile settings setup.sql makes, through PATCH update_credentials.
PROFILES = {
    "__MASTODON_PY_TEST_ACCESS_TOKEN": {"locked": "true"},
    "__MASTODON_PY_TEST_ACCESS_TOKEN_3": {"locked": "false", "discoverable": "true", "indexable": "true"},
}
# Left out: recordings of other servers, never requests to ours.
IGNORED = ["tests/test_entities.py"]


def pinned_version(variable):
    """The version scripts/test pins as VARIABLE (e.g. MASTODON_PY_VERSION),
    unless the environment names one."""
    if os.environ.get(variable):
        return os.environ[variable]
    with open(os.path.join(REPO, "scripts", "test")) as f:
        match = re.search(rf"^{variable}=(\S+)$", f.read(), re.M)
    if not match:
        raise RuntimeError(f"scripts/test pins no {variable}")
    return match.group(1)


def ensure_pinned(requirements, extra_pins):
    """pip-installs the pins of the REQUIREMENTS file plus EXTRA_PINS
    (`name==version`) into the running Python unless all are present."""
    with open(requirements) as f:
        pins = [line.split("#")[0].strip() for line in f]
    pins = [p for p in pins if p] + list(extra_pins)
    try:
        if all(importlib.metadata.version(name) == wanted
               for name, wanted in (p.split("==") for p in pins)):
            return
    except importlib.metadata.PackageNotFoundError:
        pass
    print(f"installing the test dependencies into {sys.prefix}", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", *pins],
                   check=True)


def sdist(requirement, cache):
    """The path of REQUIREMENT's (`name==version`) sdist, downloaded once
    into a folder of its own under CACHE."""
    folder = os.path.join(cache, requirement.replace("==", "-"))
    os.makedirs(folder, exist_ok=True)
    found = [f for f in os.listdir(folder) if f.endswith(".tar.gz")]
    if not found:
        print(f"downloading the {requirement} sdist into {folder}", flush=True)
        with tempfile.TemporaryDirectory(dir=cache) as scratch:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                            "--no-deps", "--no-binary", ":all:", "-d", scratch, requirement],
                           check=True)
            found = os.listdir(scratch)
            os.replace(os.path.join(scratch, found[0]), os.path.join(folder, found[0]))
    return os.path.join(folder, found[0])


def extract_tests(archive, into, recorded, base):
    """Extracts the sdist into INTO; returns its root with every RECORDED
    address (e.g. localhost:3000) in tests/ pointing at BASE, and without the WebSocket
    cassettes and the recorded times of the live tests (tests/cassettes/*.pkl)."""
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (root,) = [os.path.join(into, d) for d in os.listdir(into)]
    tests = os.path.join(root, "tests")
    for folder, _, files in os.walk(tests):
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".ws.yaml") or (name.endswith(".pkl") and os.path.basename(folder) == "cassettes"):
                # Recorded streams would replay instead of connecting, and
                # recorded times stand in for the present.
                os.unlink(path)
            elif name.endswith((".py", ".yaml", ".yml")):
                with open(path, encoding="utf-8", errors="surrogateescape") as f:
                    text = f.read()
                if recorded in text:
                    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                        f.write(text.replace(recorded, base))
    return root


class Instance(ClientTestInstance):
    """The client test's instance on localhost (the suite's tests look up
    accounts as user@localhost:PORT), with every queue in its worker and
    no rate limits (one token makes the suite's hundreds of requests)."""

    worker_queues = "default,push,pull,ingress,mailers,scheduler"

    def __init__(self):
        super().__init__(host="localhost")
        self.env.update({"FERRODON_API_RATE_LIMIT": "0", "FERRODON_AUTH_RATE_LIMIT": "0"})

    def set_up_suite(self):
        """What the suite's README.markdown and setup.sql do to a fresh Mastodon."""
        for username, email, role, _, _ in ACCOUNTS:
            self.ctl("accounts", "create", username, "--email", email, "--confirmed", "--role", role)
        self.ctl("settings", "registrations", "open")
        self.ctl("apps", "create", "Mastodon.py test suite", "--client-id", CLIENT_ID,
                 "--client-secret", CLIENT_SECRET, "--scopes", APP_SCOPES)
        for username, _, _, token, scopes in ACCOUNTS:
            if token:
                self.ctl("tokens", "create", username, "--app", CLIENT_ID, "--token", token, "--scopes", scopes)
        for token, fields in PROFILES.items():
            answer = requests.patch(self.base + "/api/v1/accounts/update_credentials", data=fields,
                                    headers={"Authorization": f"Bearer {token}"}, timeout=10)
            if answer.status_code != 200:
                raise RuntimeError(f"update_credentials {fields}: {answer.status_code} {answer.text}")


def run_pytest(root, inst, junit, log, keyword, run_timeout, sleep_factor):
    """Runs the suite; returns pytest's exit code, or None when it overran run_timeout."""
    env = dict(os.environ,
               PYTHONPATH=HERE,
               PYTHONDONTWRITEBYTECODE="1",
               FERRODON_SUITE_PORTS=f"{inst.port},{inst.streaming_port}",
               FERRODON_SUITE_SLEEP_FACTOR=str(sleep_factor))
    command = [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-o", "junit_family=legacy",
               "-p", "mastodon_py_suite_plugin", "--record-mode=all",
               f"--timeout={TEST_TIMEOUT}", f"--junitxml={junit}", "-v", "-rN", "--durations=20"]
    command += [f"--ignore={path}" for path in IGNORED]
    if keyword:
        command += ["-k", keyword]
    return run_logged(command, root, env, log, run_timeout)


def run_logged(command, cwd, env, log, run_timeout):
    """Runs COMMAND with its output in LOG; returns its exit code, or None
    when it overran RUN_TIMEOUT (it and its children are then killed)."""
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            return proc.wait(run_timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            # Also when this script is stopped (SIGTERM): no pytest outlives it.
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def results(junit):
    """[(test id, outcome, first line of the error, connections to Ferrodon)]."""
    rows = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        skipped = case.find("skipped")
        if problem is not None:
            outcome = "failed"
            message = (problem.get("message") or problem.text or "").strip().splitlines()
        elif skipped is not None:
            outcome, message = "skipped", (skipped.get("message") or "").strip().splitlines()
        else:
            outcome, message = "passed", []
        connections = 0
        for prop in case.iter("property"):
            if prop.get("name") == "ferrodon_connections":
                connections = int(prop.get("value"))
        rows.append((test_id, outcome, message[0][:200] if message else "", connections))
    return rows


def judge(code, junit, log, run_timeout, keyword, floor_file, started, report=None):
    """Reads a suite's pytest run (exit CODE, None when it overran
    RUN_TIMEOUT): prints every failure and the counts, writes the REPORT
    JSON when asked, and returns the exit status: 1 when the run gave no
    results or, without a -k KEYWORD, fewer tests passed than FLOOR_FILE."""
    if code is None or not os.path.exists(junit):
        print(f"FAIL the suite did not finish within {run_timeout} s" if code is None
              else f"FAIL pytest exited {code} without results")
        show_tail("pytest", log)
        return 1
    rows = results(junit)
    if report:
        with open(report, "w") as f:
            json.dump([{"test": t, "outcome": o, "message": m, "ferrodon_connections": c}
                       for t, o, m, c in rows], f, indent=1)
    counts = {o: sum(1 for r in rows if r[1] == o) for o in ("passed", "failed", "skipped")}
    # Counted by mastodon_py_suite_plugin, when the suite loads it.
    live = sum(1 for r in rows if r[1] == "passed" and r[3] > 0)
    talked = f" ({live} of them talked to Ferrodon)" if live else ""
    for test_id, outcome, message, _ in rows:
        if outcome == "failed":
            print(f"FAIL {test_id}: {message}")
    print(f"\n{counts['passed']} of {len(rows)} tests passed{talked}, "
          f"{counts['failed']} failed, {counts['skipped']} skipped, in {time.time() - started:.0f} s")
    if keyword:
        return 0
    with open(floor_file) as f:
        floor = int(f.read().strip())
    if counts["passed"] < floor:
        print(f"FAIL fewer tests passed than the floor, {floor} ({os.path.relpath(floor_file, REPO)})")
        return 1
    print(f"at or above the floor of {floor} passed tests")
    return 0


def show_tail(title, path, lines=60):
    print(f"\n--- {title} (last {lines} lines of {path}) ---")
    with open(path, errors="replace") as f:
        print("".join(f.readlines()[-lines:]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", help="write per-test outcomes as JSON to this file")
    parser.add_argument("-k", dest="keyword", help="pytest -k expression (no floor check then)")
    parser.add_argument("--run-timeout", type=int, default=RUN_TIMEOUT,
                        help=f"seconds for the whole pytest run (default {RUN_TIMEOUT})")
    parser.add_argument("--sleep-factor", type=float, default=SLEEP_FACTOR,
                        help=f"scale of the tests' own waits (default {SLEEP_FACTOR})")
    parser.add_argument("--keep-log", action="store_true", help="keep pytest's and Ferrodon's logs")
    args = parser.parse_args()

    version = pinned_version("MASTODON_PY_VERSION")
    ensure_pinned(REQUIREMENTS, [f"Mastodon.py=={version}"])
    archive = sdist(f"Mastodon.py=={version}", CACHE)
    started = time.time()

    def run(inst, root, junit, log):
        print(f"Mastodon.py {version}'s test suite against {inst.base} (pytest log: {log})", flush=True)
        code = run_pytest(root, inst, junit, log, args.keyword, args.run_timeout, args.sleep_factor)
        return judge(code, junit, log, args.run_timeout, args.keyword, FLOOR_FILE, started, args.report)

    return run_suite(Instance(), archive, "ferrodon-mastodon-py-suite-", args.keep_log, run)


def run_suite(inst, archive, prefix, keep_log, run):
    """Starts INST and sets up its suite, extracts ARCHIVE's tests (the
    recorded localhost:3000 pointed at the instance) into a scratch folder
    named PREFIX…, and returns RUN(inst, root, junit, log)'s exit status.
    The instance is stopped in any case; its log and the scratch folder are
    kept when the run failed or KEEP_LOG asks."""
    scratch = tempfile.mkdtemp(prefix=prefix)
    ok = False
    try:
        inst.start()
        inst.set_up_suite()
        root = extract_tests(archive, os.path.join(scratch, "sdist"), RECORDED_BASE, f"localhost:{inst.port}")
        code = run(inst, root, os.path.join(scratch, "junit.xml"), os.path.join(scratch, "pytest.log"))
        ok = code == 0
        return code
    finally:
        inst.stop()
        if ok and not keep_log:
            shutil.rmtree(scratch, ignore_errors=True)
            os.unlink(inst.log.name)
        else:
            print(f"logs kept: {scratch}, Ferrodon's: {inst.log.name}")

if __name__ == "__main__":
    # A time limit around this script (SIGTERM) still stops the instance and
    # drops its database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
