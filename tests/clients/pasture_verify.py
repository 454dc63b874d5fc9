#!/usr/bin/env python3
"""Runs fediverse-pasture's actor verifier against a real Ferrodon.

Starts the verifier (fediverse_pasture.verify_actor's Quart app, served by
uvicorn) on a free loopback port, then, once with AUTHORIZED_FETCH off and
once on, a Ferrodon instance (web and one worker, own database and Redis
namespace, another free port; mastodon_py_test's Instance) with a local
account. The verifier checks that account's actor as each of its test
actors: alice (unsigned GET, unsigned POST to the inbox), bob (signed GET
and POST), claire (like bob, and her own actor answers only signed GETs, so
fetching her key needs one), dean, emily and frank (alike, but without a
preferredUsername), and whether WebFinger gives back the actor.

Prints the verifier's table, with the status each POST to the inbox got,
and asserts what the verifier's own warnings ask of a server: unsigned POSTs
refused (401), bob and claire fetch the actor and their signed POSTs are
accepted (202), WebFinger matches. Prints 'N passed, N failed' and exits
non-zero on any failure.

`pasture_verify.py --serve-verifier PORT` is the verifier's launcher (run by
the test itself, in a scratch directory: the app keeps its keys in
./data.toml).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

# The Mastodon.py test's instance, made for federation below.
from mastodon_py_test import ADMIN_URL, BIN, Instance as ClientTestInstance, free_port

# The whole verification (every test actor, each request with the verifier's
# own 20 s limit) must be over by then.
VERIFY_TIMEOUT = 120
USERNAME = "pasture"
TEST_ACTORS = ["alice", "bob", "claire", "dean", "emily", "frank"]


def wait_healthy(url, proc, log, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer:\n" + open(log.name).read())


class Instance(ClientTestInstance):
    """The Mastodon.py test's instance (own database, Redis namespace and
    port; stop() drops them) without streaming, with one worker that also
    delivers and takes deliveries, allowed to fetch from loopback (where the
    verifier's actors are), logging requests and refused deliveries."""

    def __init__(self, authorized_fetch):
        super().__init__()
        self.env.update({
            "FERRODON_DEV_ALLOW_PRIVATE_FETCH": "true",
            "AUTHORIZED_FETCH": "true" if authorized_fetch else "false",
            "RUST_LOG": "info",
        })

    def start(self):
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", f"CREATE DATABASE {self.db}"],
                       check=True, capture_output=True, timeout=60)
        self.ctl("db", "migrate")
        self.proc = subprocess.Popen([os.path.join(BIN, "ferrodon-web")], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.worker = subprocess.Popen([os.path.join(BIN, "ferrodon-default"), "--queues",
                                        "default,push,pull,ingress,mailers"],
                                       env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_healthy(self.base + "/health", self.proc, self.log, 30)


class Verifier:
    """fediverse-pasture's verify_actor app, on http://127.0.0.1:PORT."""

    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="ferrodon-pasture-verifier-")
        self.log = tempfile.NamedTemporaryFile(prefix="pasture-verifier-", suffix=".log", delete=False)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve-verifier", str(self.port)],
                                     cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT)
        wait_healthy(self.base + "/static/styles.css", self.proc, self.log, 60)

    def verify(self, actor_uri):
        answer = requests.get(self.base + "/", params={"actor_uri": actor_uri},
                              headers={"Accept": "application/json"}, timeout=VERIFY_TIMEOUT)
        answer.raise_for_status()
        data = answer.json()
        return data["result"], json.loads(data["messages"])["steps"]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def serve_verifier(port):
    """The launcher: the verifier's app for 127.0.0.1:PORT over plain HTTP."""
    import uvicorn
    from fediverse_pasture.verify_actor import build_app

    # build_app(only_generate_config, domain, https, timeout): the domain is
    # what its actor ids are made of, the timeout is per request, in seconds.
    app = build_app(False, f"127.0.0.1:{port}", False, 20)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def inbox_statuses(steps):
    """The HTTP status each test actor's POST to the inbox got, from the
    verifier's log of steps (it counts a 400 as posted; we want 202)."""
    statuses, actor, previous = {}, None, None
    for step in steps:
        text = str(step)
        match = re.fullmatch(r"Running verification for (\w+)", text)
        if match:
            actor = match.group(1)
        elif actor and actor not in statuses:
            unsigned = re.fullmatch(r"Got (\d+) for unsigned POST", text)
            refused = re.search(r"status=(\d+)", text) if previous == "Failed to post to inbox" else None
            if unsigned:
                statuses[actor] = int(unsigned.group(1))
            elif previous == "Successfully posted to inbox with result" and re.fullmatch(r"\d{3}", text):
                statuses[actor] = int(text)
            elif refused:
                statuses[actor] = int(refused.group(1))
            elif text.startswith("Successfully posted to inbox but remote server"):
                statuses[actor] = 400
        previous = text
    return statuses


def table(result, statuses):
    x = lambda v: "X" if v else " "  # noqa: E731
    lines = ["| Name   | GET Actor | POST Inbox | inbox answered |",
             "| ------ | --------- | ---------- | -------------- |"]
    for name in TEST_ACTORS:
        if name in result:
            lines.append(f"| {name:<6} | {x(result[name]['get_actor']):^9} | {x(result[name]['post_inbox']):^10} "
                         f"| {str(statuses.get(name, '-')):^14} |")
    lines.append(f"webfinger: {'matches' if result.get('webfinger') else 'DOES NOT MATCH'}")
    return "\n".join(lines)


def expectations(result, statuses):
    """(name, ok) for what the verifier's own warnings ask of a server, with
    the inbox's actual answers: 401 for unsigned, 202 for signed."""
    def get(actor, key):
        return bool(result.get(actor, {}).get(key))
    return [
        ("alice's unsigned POST to the inbox is refused (401)",
         "alice" in result and not get("alice", "post_inbox") and statuses.get("alice") == 401),
        ("dean's unsigned POST to the inbox is refused (401)",
         "dean" in result and not get("dean", "post_inbox") and statuses.get("dean") == 401),
        ("bob can retrieve the actor", get("bob", "get_actor")),
        ("claire can retrieve the actor", get("claire", "get_actor")),
        ("bob's signed POST to the inbox is accepted (202)", get("bob", "post_inbox") and statuses.get("bob") == 202),
        ("claire's signed POST to the inbox is accepted (202; fetching her key needs a signed GET)",
         get("claire", "post_inbox") and statuses.get("claire") == 202),
        ("WebFinger gives back the actor", bool(result.get("webfinger"))),
    ]


def verify_instance(verifier, authorized_fetch):
    """Runs the verifier against a fresh instance; returns [(name, ok)]."""
    mode = f"AUTHORIZED_FETCH={'true' if authorized_fetch else 'false'}"
    inst = Instance(authorized_fetch)
    checks = []
    try:
        inst.start()
        inst.ctl("accounts", "create", USERNAME, "--email", f"{USERNAME}@example.com", "--confirmed")
        actor_uri = f"{inst.base}/users/{USERNAME}"
        print(f"\n{mode}: verifying {actor_uri}")
        result, steps = verifier.verify(actor_uri)
        statuses = inbox_statuses(steps)
        print(table(result, statuses))
        checks = [(f"{mode}: {name}", ok) for name, ok in expectations(result, statuses)]
        for name, ok in checks:
            print(f"{'PASS' if ok else 'FAIL'} {name}")
        if not all(ok for _, ok in checks):
            print("\nthe verifier's log of steps:")
            print("\n".join(str(s) for s in steps))
    except Exception as e:  # noqa: BLE001 - reported with the log
        checks.append((f"{mode}: the instance started and the verifier ran", False))
        print(f"FAIL {mode}: the instance started and the verifier ran: {e!r}")
    finally:
        inst.stop()
        if not all(ok for _, ok in checks):
            show_log(f"ferrodon ({mode})", inst.log.name)
        os.unlink(inst.log.name)
    return checks


def show_log(title, path, lines=80):
    print(f"\n--- {title} log (last {lines} lines) ---")
    with open(path, errors="replace") as f:
        print("".join(f.readlines()[-lines:]))


def main():
    verifier = Verifier()
    checks = []
    try:
        verifier.start()
        print(f"fediverse-pasture's verifier on {verifier.base}")
        for authorized_fetch in (False, True):
            checks += verify_instance(verifier, authorized_fetch)
    except Exception as e:  # noqa: BLE001 - reported with the log
        checks.append(("the verifier started", False))
        print(f"FAIL the verifier started: {e!r}")
    finally:
        verifier.stop()
        if not all(ok for _, ok in checks):
            verifier.log.flush()
            show_log("verifier", verifier.log.name)
        os.unlink(verifier.log.name)
    failed = [name for name, ok in checks if not ok]
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not checks else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-verifier":
        serve_verifier(int(sys.argv[2]))
    else:
        # A time limit around this script (SIGTERM) still stops the servers
        # and drops the database.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        sys.exit(main())
