#!/usr/bin/env python3
"""Runs toot's integration test suite live against a real Ferrodon.

toot (the Mastodon command-line client, version pinned in scripts/test as
TOOT_VERSION) ships tests/integration in its source distribution, written
to run against a Mastodon development server on localhost:3000: each test
signs up fresh accounts through POST /api/v1/accounts and uses their tokens
at once. This script:

- downloads that sdist once into ~/.cache/ferrodon-toot/ and installs toot
  and the test dependencies (toot_suite.requirements.txt, pinned) into the
  running Python's environment when they are missing;
- starts a Ferrodon instance (mastodon_py_suite's Instance: LOCAL_DOMAIN
  localhost:PORT, every queue in one worker, no rate limits) with open
  registrations, FERRODON_DEV_CONFIRM_SIGN_UPS, which confirms a
  sign-up's e-mail at once as Mastodon's development mode does, and the
  password grant `toot login_cli` signs in with;
- extracts the tests, points every `localhost:3000` in them at the
  instance, runs pytest on tests/integration with TOOT_TEST_BASE_URL set,
  and reads the JUnit XML: passed/failed/skipped and every failure's first
  line.

Exits non-zero when fewer tests passed than toot_suite.floor (raise it when
Ferrodon passes more), when the run overran its time limit, or when the
instance could not be set up. Options: -k EXPR (passed to pytest; no floor
check then), --keep-log.
"""
import argparse
import os
import signal
import sys
import time

from mastodon_py_suite import Instance as SuiteInstance, ensure_pinned, judge, pinned_version, run_logged, run_suite, sdist

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIREMENTS = os.path.join(HERE, "toot_suite.requirements.txt")
FLOOR_FILE = os.path.join(HERE, "toot_suite.floor")
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "ferrodon-toot")
TEST_TIMEOUT = 30
RUN_TIMEOUT = 300


class Instance(SuiteInstance):
    """The suite instance, with sign-ups usable at once and the OAuth
    password grant on: `toot login_cli` uses it (Mastodon removed it in
    4.3; Ferrodon keeps it behind FERRODON_ENABLE_PASSWORD_GRANT)."""

    def __init__(self):
        super().__init__()
        self.env["FERRODON_DEV_CONFIRM_SIGN_UPS"] = "true"
        self.env["FERRODON_ENABLE_PASSWORD_GRANT"] = "true"

    def set_up_suite(self):
        self.ctl("settings", "registrations", "open")


def run_pytest(root, base, junit, log, keyword, run_timeout):
    """Runs tests/integration; returns pytest's exit code, or None when it overran run_timeout."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TOOT_TEST_BASE_URL=base)
    command = [sys.executable, "-m", "pytest", "tests/integration", "-o", "addopts=", "-p", "no:cacheprovider",
               "-o", "junit_family=legacy", f"--timeout={TEST_TIMEOUT}", f"--junitxml={junit}", "-v", "-rN"]
    if keyword:
        command += ["-k", keyword]
    return run_logged(command, root, env, log, run_timeout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", dest="keyword", help="pytest -k expression (no floor check then)")
    parser.add_argument("--keep-log", action="store_true", help="keep pytest's and Ferrodon's logs")
    args = parser.parse_args()

    version = pinned_version("TOOT_VERSION")
    ensure_pinned(REQUIREMENTS, [f"toot=={version}"])
    archive = sdist(f"toot=={version}", CACHE)
    started = time.time()

    def run(inst, root, junit, log):
        base = f"http://localhost:{inst.port}"
        print(f"toot {version}'s integration tests against {base} (pytest log: {log})", flush=True)
        code = run_pytest(root, base, junit, log, args.keyword, RUN_TIMEOUT)
        return judge(code, junit, log, RUN_TIMEOUT, args.keyword, FLOOR_FILE, started)

    return run_suite(Instance(), archive, "ferrodon-toot-suite-", args.keep_log, run)

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
