#!/usr/bin/env python3
"""Federates a real Ferrodon with software nobody here wrote, both ways.

Run by scripts/interop (which installs the peers' dependencies and puts the
names below in /etc/hosts); needs root for port 80 on loopback addresses.

Three servers, each on port 80 of its own loopback address under a
port-less name (snac's mention parser cannot match a handle with a port):

  ferrodon.interop.test  127.0.0.2  ferrodon-web + one worker on all queues
                                    (FERRODON_BIN_DIR), own database and Redis
                                    namespace; account alice
  snac.interop.test      127.0.0.3  snac2 (Debian's package), own data
                                    directory, plain HTTP; account bob
  fedify.interop.test    127.0.0.4  tests/interop/fedify-peer (the npm library
                                    @fedify/fedify); account carol

For each peer it checks, in both directions and on both sides: WebFinger,
Follow/Accept, a post reaching the follower's timeline, a reply, a mention,
Like, Announce, Update, Delete, a followers-only post, a direct message,
Undo Follow, and fetching a post by its URL. Ferrodon's side is read
through its Mastodon REST API; snac's from its data directory (it is driven
through its CLI and its own web forms); the Fedify peer's from its control
API (every POST to its inboxes, with the status Fedify answered).

A check that fails is an error unless tests/interop/interop.floor lists it
(one check name a line, '#' and the reason after it): the step passes at
the floor and fails below it. A listed check that passes is reported, so the
floor can be lowered. Prints 'N passed, N failed' (expected failures are not
counted as failed) and exits non-zero on an unexpected failure.
"""
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("FERRODON_BIN_DIR", os.path.expanduser("~/.cache/ferrodon-target/debug"))
ADMIN_URL = os.environ.get("FERRODON_TEST_DATABASE_URL", "postgres://ferrodon:ferrodon@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("FERRODON_TEST_REDIS_URL", "redis://127.0.0.1:6379/")
FLOOR_FILE = os.path.join(HERE, "interop.floor")

FERRODON = ("ferrodon.interop.test", "127.0.0.2")
SNAC = ("snac.interop.test", "127.0.0.3")
FEDIFY = ("fedify.interop.test", "127.0.0.4")
HOSTS = [FERRODON, SNAC, FEDIFY]

# How long one federated effect may take to show on the other side. snac
# polls its queues every 3 s; Ferrodon's worker and Fedify deliver at once.
WAIT = float(os.environ.get("FERRODON_INTEROP_WAIT", "25"))
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marker(what):
    return f"{what}-" + "".join(random.choice(string.ascii_lowercase) for _ in range(8))


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def wait_for(what, probe, seconds=WAIT):
    """Polls probe() until it returns something truthy; returns that, or
    raises AssertionError naming what did not happen (with the last value)."""
    deadline = time.time() + seconds
    last = None
    while True:
        try:
            last = probe()
            if last:
                return last
        except (requests.RequestException, OSError, ValueError, KeyError) as e:
            last = e
        if time.time() > deadline:
            raise AssertionError(f"{what}: not within {seconds:.0f}s (last: {str(last)[:500]})")
        time.sleep(0.3)


def wait_http(url, proc, log_path, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer:\n" + tail(log_path))


def tail(path, lines=60):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def strip_html(html):
    return re.sub(r"<[^>]+>", "", html or "")


# --- Ferrodon -------------------------------------------------------------------


class Ferrodon:
    """ferrodon-web on 127.0.0.2:80 as ferrodon.interop.test and one worker on
    every queue, with their own database and Redis namespace."""

    host, addr = FERRODON

    def __init__(self, workdir):
        suffix = "".join(random.choice(string.ascii_lowercase) for _ in range(10))
        self.db = f"ferrodon_interop_{suffix}"
        self.base = f"http://{self.host}"
        parts = urllib.parse.urlsplit(ADMIN_URL)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LOCAL_DOMAIN": self.host,
            "BIND": self.addr,
            "PORT": "80",
            "STREAMING_PORT": str(free_port()),  # config wants one; streaming is not started
            "FERRODON_DEV_ALLOW_HTTP": "true",
            "FERRODON_DEV_ALLOW_PRIVATE_FETCH": "true",
            "DATABASE_URL": urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + self.db, "", "")),
            "REDIS_URL": REDIS_URL,
            "REDIS_NAMESPACE": f"interop_{suffix}",
            "SECRET_KEY_BASE": "interop-test-secret-0123456789abcdef0123456789",
            "WEB_CONCURRENCY": "1",
            # The checks poll the API.
            "FERRODON_API_RATE_LIMIT": "0",
            "RUST_LOG": os.environ.get("FERRODON_INTEROP_RUST_LOG", "info"),
            "FERRODON_MAIL_DIR": os.path.join(workdir, "ferrodon-mail"),
            "PAPERCLIP_ROOT_PATH": os.path.join(workdir, "ferrodon-media"),
        }
        self.log_path = os.path.join(workdir, "ferrodon.log")
        self.procs = []
        self.token = None
        self.created_db = False

    def ctl(self, *args):
        out = subprocess.run([os.path.join(BIN, "ferrodonctl"), *args], env=self.env,
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"ferrodonctl {' '.join(args)} failed: {out.stderr}")
        return out.stdout

    def start(self):
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", f"CREATE DATABASE {self.db}"],
                       check=True, capture_output=True, timeout=60)
        self.created_db = True
        self.ctl("db", "migrate")
        log = open(self.log_path, "ab")
        self.procs.append(subprocess.Popen([os.path.join(BIN, "ferrodon-web")], env=self.env,
                                           stdout=log, stderr=subprocess.STDOUT))
        self.procs.append(subprocess.Popen([os.path.join(BIN, "ferrodon-default"), "--queues",
                                            "default,push,pull,ingress,mailers,scheduler"],
                                           env=self.env, stdout=log, stderr=subprocess.STDOUT))
        wait_http(self.base + "/health", self.procs[0], self.log_path, 30)
        self.ctl("accounts", "create", "alice", "--email", "alice@example.com", "--confirmed")
        self.token = self.ctl("tokens", "create", "alice", "--scopes", "read write follow").strip().split()[-1]
        self.me = self.api("GET", "/api/v1/accounts/verify_credentials")
        self.actor = f"{self.base}/users/alice"

    def stop(self):
        for proc in self.procs:
            stop(proc)
        if self.created_db:
            subprocess.run(["psql", ADMIN_URL, "-q", "-c", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)"],
                           capture_output=True, timeout=60)

    def api(self, method, path, expect=(200,), **kwargs):
        r = requests.request(method, self.base + path, headers={"Authorization": f"Bearer {self.token}"},
                             timeout=30, **kwargs)
        if r.status_code not in expect:
            raise AssertionError(f"{method} {path}: {r.status_code} {r.text[:500]}")
        return r.json() if r.content else None

    def resolve(self, handle):
        """The account for @user@host, resolved through WebFinger."""
        found = self.api("GET", "/api/v2/search", params={"q": handle, "resolve": "true", "type": "accounts"})
        user, host = handle.lstrip("@").split("@")
        return next((a for a in found["accounts"] if a["acct"] == f"{user}@{host}"), None)

    def status_by_uri(self, uri):
        found = self.api("GET", "/api/v2/search", params={"q": uri, "resolve": "true", "type": "statuses"})
        return next((s for s in found["statuses"] if s["uri"] == uri), None)

    def home_with(self, text):
        return next((s for s in self.api("GET", "/api/v1/timelines/home", params={"limit": 40})
                     if text in s["content"]), None)

    def notification(self, kind, text=None, account_url=None):
        for n in self.api("GET", "/api/v1/notifications", params={"limit": 40}):
            if n["type"] != kind:
                continue
            if text and text not in (n.get("status") or {}).get("content", ""):
                continue
            if account_url and n["account"]["uri"] != account_url:
                continue
            return n
        return None

    def followers(self):
        return self.api("GET", f"/api/v1/accounts/{self.me['id']}/followers", params={"limit": 80})

    def relationship(self, account_id):
        return self.api("GET", "/api/v1/accounts/relationships", params={"id[]": account_id})[0]


# --- snac --------------------------------------------------------------------------


class Snac:
    """snac2 on 127.0.0.3:80 as snac.interop.test, over plain HTTP; user bob."""

    name = "snac"
    host, addr = SNAC
    user = "bob"
    # Its web form (2.75) posts publicly or to the mentioned accounts only.
    posts_followers_only = False

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "snac")
        self.log_path = os.path.join(workdir, "snac.log")
        self.proc = None
        self.actor = f"http://{self.host}/{self.user}"
        self.handle = f"@{self.user}@{self.host}"

    def snac(self, *args, stdin=None):
        out = subprocess.run(["snac", args[0], self.dir, *args[1:]], input=stdin, capture_output=True,
                             text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"snac {' '.join(args)} failed ({out.returncode}): {out.stdout} {out.stderr}")
        return out.stdout + out.stderr

    def start(self):
        # init asks: address, port, host name, URL prefix, admin e-mail.
        subprocess.run(["snac", "init", self.dir], input=f"{self.addr}\n80\n{self.host}\n\n\n",
                       capture_output=True, text=True, check=True, timeout=60)
        path = os.path.join(self.dir, "server.json")
        with open(path) as f:
            config = json.load(f)
        config.update({"protocol": "http", "dbglevel": 1, "queue_retry_minutes": 1})
        with open(path, "w") as f:
            json.dump(config, f, indent=4)
        out = self.snac("adduser", self.user)
        self.password = re.search(r"User password is (\S+)", out).group(1)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(["snac", "httpd", self.dir], stdout=log, stderr=subprocess.STDOUT)
        wait_http(f"http://{self.host}/", self.proc, self.log_path, 20)

    def stop(self):
        stop(self.proc)

    # Reading the data directory.
    def user_dir(self, *parts):
        return os.path.join(self.dir, "user", self.user, *parts)

    def object(self, object_id):
        path = os.path.join(self.dir, "object", md5(object_id)[:2], md5(object_id) + ".json")
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def index_has(self, path, actor):
        try:
            with open(path) as f:
                lines = {line.strip() for line in f}
        except OSError:
            return False
        return actor in lines or md5(actor) in lines

    def object_index(self, object_id, suffix):
        return os.path.join(self.dir, "object", md5(object_id)[:2], md5(object_id) + suffix)

    def timeline_with(self, text):
        """A post in bob's timeline (user/bob/private) containing text."""
        for path in glob.glob(self.user_dir("private", "*.json")):
            try:
                with open(path) as f:
                    obj = json.load(f)
            except (OSError, ValueError):
                continue
            if text in (obj.get("content") or ""):
                return obj
        return None

    def notification(self, text):
        for path in glob.glob(self.user_dir("notify", "*.json")):
            try:
                with open(path) as f:
                    noti = json.load(f)
            except (OSError, ValueError):
                continue
            if text in json.dumps(noti):
                return noti
        return None

    def has_follower(self, actor):
        return os.path.exists(self.user_dir("followers", md5(actor) + ".json")) or \
            self.index_has(self.user_dir("followers.idx"), actor)

    def following(self, actor):
        try:
            with open(self.user_dir("following", md5(actor) + ".json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def newest_own_post(self):
        with open(self.user_dir("public.idx")) as f:
            ids = [line.strip() for line in f if line.strip()]
        with open(os.path.join(self.dir, "object", ids[-1][:2], ids[-1] + ".json")) as f:
            return json.load(f)

    # Its own web forms (HTTP basic auth as bob).
    def form(self, path, fields):
        r = requests.post(f"http://{self.host}/{self.user}/admin/{path}", data=fields,
                          auth=(self.user, self.password), allow_redirects=False, timeout=30)
        if r.status_code not in (200, 303):
            raise AssertionError(f"snac {path} {fields}: {r.status_code} {r.text[:300]}")

    # What the checks ask a peer to do.
    def webfinger(self, handle):
        return self.snac("webfinger", handle)

    def follow(self, actor):
        self.snac("follow", self.user, actor)

    def unfollow(self, actor):
        self.snac("unfollow", self.user, actor)

    def post(self, text, in_reply_to=None, visibility=None, **_):
        """Posts text (a reply when in_reply_to is a post's id; visibility
        "direct" through the web form); returns the note's id."""
        if in_reply_to or visibility:
            # private.idx is bob's whole timeline, his own posts included
            # (public.idx lacks direct ones).
            before = set(open(self.user_dir("private.idx")).read().split())
            fields = {"content": text}
            if in_reply_to:
                fields["in_reply_to"] = in_reply_to
            if visibility == "direct":
                fields["mentioned_only"] = "on"  # 2.75's form: to the mentioned accounts only
            elif visibility:
                raise ValueError(f"snac 2.75 cannot post with visibility {visibility}")
            self.form("note", fields)
            return wait_for("snac stored the post", lambda: self._new_post(before, text.split()[-1]), 10)["id"]
        self.snac("note", self.user, text)
        post = self.newest_own_post()
        # snac turns handles into links: look for the text's last word.
        assert text.split()[-1] in post["content"], post
        return post["id"]

    def _new_post(self, before, text):
        for line in open(self.user_dir("private.idx")).read().split():
            if line not in before:
                obj = self.object_by_md5(line)
                if obj and text in obj.get("content", ""):
                    return obj
        return None

    def object_by_md5(self, digest):
        try:
            with open(os.path.join(self.dir, "object", digest[:2], digest + ".json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def edit(self, note_id, text):
        self.form("note", {"content": text, "edit_id": note_id})

    def delete(self, note_id):
        self.form("action", {"id": note_id, "actor": self.actor, "action": "Delete"})

    def like(self, note_id, author):
        self.form("action", {"id": note_id, "actor": author, "action": "Like"})

    def announce(self, note_id, author):
        self.form("action", {"id": note_id, "actor": author, "action": "Boost"})

    # What the checks read on the peer's side.
    def got_post(self, text):
        return self.timeline_with(text)

    def got_reply(self, text, parent):
        post = self.timeline_with(text) or self._object_with(text)
        return post if post and post.get("inReplyTo") == parent else None

    def _object_with(self, text):
        for path in glob.glob(os.path.join(self.dir, "object", "*", "*.json")):
            try:
                with open(path) as f:
                    obj = json.load(f)
            except (OSError, ValueError):
                continue
            if text in (obj.get("content") or ""):
                return obj
        return None

    def received_note(self, text):
        return self.timeline_with(text) or self._object_with(text)

    def got_mention(self, text):
        noti = self.notification(text)
        return noti if noti and noti.get("type") in ("Create", "Mention") else None

    def got_like(self, note_id, actor):
        return self.index_has(self.object_index(note_id, "_l.idx"), actor)

    def got_announce(self, note_id, actor):
        return self.index_has(self.object_index(note_id, "_a.idx"), actor)

    def got_update(self, note_id, text):
        obj = self.object(note_id)
        return obj if obj and text in (obj.get("content") or "") else None

    def has_object(self, note_id):
        return self.object(note_id) is not None

    def fetch(self, url):
        """The object at url as snac fetches it (a signed GET); its JSON."""
        out = subprocess.run(["snac", "request", self.dir, self.user, url], capture_output=True,
                             text=True, timeout=60)
        status, _, body = out.stdout.partition("\n")
        assert status.strip() == "status: 200", out.stdout + out.stderr
        return json.loads(body)

    def got_delete(self, note_id):
        # snac drops a deleted post from the timeline and the object store.
        return self.object(note_id) is None and not os.path.exists(self.user_dir("private", md5(note_id) + ".json"))

    def follow_accepted(self, actor):
        follow = self.following(actor)
        return follow if follow and follow.get("type") == "Accept" else None

    def follower_of_peer(self, actor):
        return self.has_follower(actor)

    def webfinger_ok(self, handle, actor):
        out = self.webfinger(handle)
        assert actor in out, out
        return True


# --- the Fedify peer ---------------------------------------------------------------


class Fedify:
    """tests/interop/fedify-peer on 127.0.0.4:80 as fedify.interop.test; user carol."""

    name = "fedify"
    host, addr = FEDIFY
    user = "carol"
    posts_followers_only = True

    def __init__(self, workdir):
        self.log_path = os.path.join(workdir, "fedify.log")
        self.proc = None
        self.base = f"http://{self.host}"
        self.actor = f"{self.base}/users/{self.user}"
        self.handle = f"@{self.user}@{self.host}"

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(["node", "peer.mjs", "--host", self.host, "--bind", self.addr,
                                      "--port", "80", "--user", self.user],
                                     cwd=os.path.join(HERE, "fedify-peer"), stdout=log, stderr=subprocess.STDOUT)
        wait_http(self.base + "/_control/followers", self.proc, self.log_path, 60)

    def stop(self):
        stop(self.proc)

    def control(self, command, **body):
        r = requests.post(f"{self.base}/_control/{command}", json=body, timeout=60)
        if r.status_code != 200:
            raise AssertionError(f"fedify peer {command} {body}: {r.status_code} {r.text[:800]}")
        return r.json()

    def inbox(self, kind):
        """Activities of type kind that Fedify accepted (2xx) in an inbox."""
        log = requests.get(f"{self.base}/_control/inbox", timeout=10).json()
        return [e["activity"] for e in log
                if isinstance(e["activity"], dict) and e["activity"].get("type") == kind and e["status"] < 300]

    @staticmethod
    def object_of(activity):
        obj = activity.get("object")
        return obj if isinstance(obj, dict) else {"id": obj}

    def webfinger_ok(self, _handle, actor):
        # Fedify looks acct: URIs up over https only; with the actor's URL as
        # the resource it asks that URL's own scheme and host.
        jrd = self.control("webfinger", resource=actor)["jrd"]
        assert jrd, "no JRD"
        assert jrd["subject"] == "acct:alice@" + FERRODON[0], jrd
        assert any(link.get("rel") == "self" and link.get("href") == actor for link in jrd["links"]), jrd
        found = self.control("lookup", url=actor)
        assert found["found"], found
        return True

    def follow(self, actor):
        self.control("follow", actor=actor)

    def unfollow(self, actor):
        self.control("unfollow", actor=actor)

    def post(self, text, in_reply_to=None, reply_to_actor=None, mention=None, visibility=None):
        body = {"content": f"<p>{text}</p>"}
        if visibility:
            body["visibility"] = visibility
        if in_reply_to:
            body.update(inReplyTo=in_reply_to, replyToActor=reply_to_actor)
        if mention:
            body["mention"] = mention
        return self.control("note", **body)["id"]

    def edit(self, note_id, text):
        self.control("update", id=note_id, content=f"<p>{text}</p>")

    def delete(self, note_id):
        self.control("delete", id=note_id)

    def like(self, note_id, author):
        self.control("like", object=note_id, actor=author)

    def announce(self, note_id, author):
        self.control("announce", object=note_id, actor=author)

    def _created(self, text):
        for activity in self.inbox("Create"):
            note = self.object_of(activity)
            if text in (note.get("content") or ""):
                return note
        return None

    def got_post(self, text):
        return self._created(text)

    def received_note(self, text):
        return self._created(text)

    def got_reply(self, text, parent):
        note = self._created(text)
        return note if note and note.get("inReplyTo") == parent else None

    def got_mention(self, text):
        note = self._created(text)
        if not note:
            return None
        tags = note.get("tag") or []
        tags = tags if isinstance(tags, list) else [tags]
        return note if any(t.get("type") == "Mention" and t.get("href") == self.actor for t in tags) else None

    def got_like(self, note_id, actor):
        return any(self.object_of(a)["id"] == note_id and a.get("actor") == actor for a in self.inbox("Like"))

    def got_announce(self, note_id, actor):
        return any(self.object_of(a)["id"] == note_id and a.get("actor") == actor for a in self.inbox("Announce"))

    def got_update(self, note_id, text):
        return any(self.object_of(a)["id"] == note_id and text in (self.object_of(a).get("content") or "")
                   for a in self.inbox("Update"))

    def has_object(self, note_id):
        return any(self.object_of(a)["id"] == note_id for a in self.inbox("Create"))

    def fetch(self, url):
        found = self.control("lookup", url=url)
        assert found["found"], found
        return found["object"]

    def got_delete(self, note_id):
        return any(self.object_of(a)["id"] == note_id for a in self.inbox("Delete"))

    def follow_accepted(self, actor):
        for accept in self.inbox("Accept"):
            follow = self.object_of(accept)
            # Accept{Follow{actor: carol, object: alice}} from alice; the Follow
            # may also be given by its id only.
            if accept.get("actor") == actor and follow.get("actor") in (None, self.actor) \
                    and follow.get("object") in (None, actor):
                return accept
        return None

    def follower_of_peer(self, actor):
        return actor in requests.get(f"{self.base}/_control/followers", timeout=10).json()


# --- the checks ----------------------------------------------------------------------


class Run:
    def __init__(self, floor):
        self.floor = floor
        self.results = []  # (name, ok, detail)

    def check(self, name, fn):
        started = time.time()
        try:
            fn()
            ok, detail = True, ""
        except Exception as e:  # noqa: BLE001 - every failure is reported
            ok = False
            detail = f"{e}" if isinstance(e, AssertionError) else traceback.format_exc()
        self.results.append((name, ok, detail))
        took = f"{time.time() - started:.1f}s"
        if ok:
            print(f"PASS {name} ({took}){'  [listed in the floor: remove it]' if name in self.floor else ''}")
        elif name in self.floor:
            print(f"XFAIL {name} ({took}): {self.floor[name]}\n      {detail.strip()[:400]}")
        else:
            print(f"FAIL {name} ({took})\n      {detail.strip()}")
        sys.stdout.flush()
        return ok


def federate(run, ferrodon, peer):
    """Every check between Ferrodon's alice and the peer's user, both ways."""
    p = peer.name
    state = {}
    alice = ferrodon.actor
    alice_handle = f"@alice@{FERRODON[0]}"

    def check(direction, what, fn):
        return run.check(f"{p}: {direction} {what}", fn)

    to_peer, to_ferrodon = "ferrodon->peer", "peer->ferrodon"

    # WebFinger.
    def ferrodon_finds_peer():
        account = wait_for(f"Ferrodon resolves {peer.handle}", lambda: ferrodon.resolve(peer.handle), 15)
        assert account["uri"] == peer.actor, account
        state["account"] = account
    check(to_peer, "WebFinger (Ferrodon resolves the peer's handle)", ferrodon_finds_peer)
    check(to_ferrodon, "WebFinger (the peer resolves alice)", lambda: peer.webfinger_ok(alice_handle, alice))

    # Follow / Accept, both ways.
    def ferrodon_follows():
        account = state["account"]
        ferrodon.api("POST", f"/api/v1/accounts/{account['id']}/follow")
        wait_for("the peer has alice as a follower", lambda: peer.follower_of_peer(alice))
        wait_for("Ferrodon got the Accept (relationship following)",
                 lambda: ferrodon.relationship(account["id"])["following"])
    check(to_peer, "Follow/Accept", ferrodon_follows)

    def peer_follows():
        peer.follow(alice)
        wait_for("alice's followers list the peer's user",
                 lambda: any(a["uri"] == peer.actor for a in ferrodon.followers()))
        wait_for("the peer got Ferrodon's Accept", lambda: peer.follow_accepted(alice))
    check(to_ferrodon, "Follow/Accept", peer_follows)

    # Posts to the followers' timelines.
    def peer_posts():
        text = marker(f"hello-from-{p}")
        state["peer_note"] = peer.post(f"Hello Ferrodon {text}")
        status = wait_for("the post is in alice's home timeline", lambda: ferrodon.home_with(text))
        assert status["uri"] == state["peer_note"], status
        assert status["account"]["uri"] == peer.actor, status["account"]
        state["peer_status"] = status
    check(to_ferrodon, "post reaches the follower's timeline", peer_posts)

    def ferrodon_posts():
        text = marker("hello-from-ferrodon")
        status = ferrodon.api("POST", "/api/v1/statuses", data={"status": f"Hello {p} {text}", "visibility": "public"})
        state["alice_status"] = status
        wait_for(f"{p} received the post", lambda: peer.got_post(text))
    check(to_peer, "post reaches the follower's timeline", ferrodon_posts)

    # Replies.
    def ferrodon_replies():
        text = marker("reply-from-ferrodon")
        parent = state["peer_status"]
        reply = ferrodon.api("POST", "/api/v1/statuses",
                             data={"status": f"@{parent['account']['acct']} nice post {text}",
                                   "in_reply_to_id": parent["id"]})
        assert reply["in_reply_to_id"] == parent["id"], reply
        wait_for(f"{p} received the reply to its post", lambda: peer.got_reply(text, state["peer_note"]))
    check(to_peer, "reply", ferrodon_replies)

    def peer_replies():
        text = marker(f"reply-from-{p}")
        parent = state["alice_status"]
        kwargs = {"reply_to_actor": alice} if p == "fedify" else {}
        peer.post(f"Thanks {text}", in_reply_to=parent["uri"], **kwargs)
        context = wait_for("the reply is a descendant of alice's post",
                           lambda: [s for s in ferrodon.api("GET", f"/api/v1/statuses/{parent['id']}/context")["descendants"]
                                    if text in s["content"]])
        assert context[0]["in_reply_to_id"] == parent["id"], context[0]
    check(to_ferrodon, "reply", peer_replies)

    # Mentions.
    def peer_mentions():
        text = marker(f"mention-from-{p}")
        if p == "snac":
            peer.post(f"{alice_handle} look {text}")
        else:
            peer.post(f'<a href="{alice}" class="mention">{alice_handle}</a> look {text}',
                      mention={"actor": alice, "name": alice_handle})
        wait_for("alice has a mention notification", lambda: ferrodon.notification("mention", text))
    check(to_ferrodon, "mention", peer_mentions)

    def ferrodon_mentions():
        text = marker("mention-from-ferrodon")
        status = ferrodon.api("POST", "/api/v1/statuses", data={"status": f"{peer.handle} hi {text}"})
        assert [m["url"] for m in status["mentions"]] and status["mentions"][0]["acct"] == peer.handle[1:], status["mentions"]
        wait_for(f"{p} shows the mention", lambda: peer.got_mention(text))
    check(to_peer, "mention", ferrodon_mentions)

    # Likes.
    def ferrodon_likes():
        ferrodon.api("POST", f"/api/v1/statuses/{state['peer_status']['id']}/favourite")
        wait_for(f"{p} recorded alice's Like", lambda: peer.got_like(state["peer_note"], alice))
    check(to_peer, "Like", ferrodon_likes)

    def peer_likes():
        status = state["alice_status"]
        peer.like(status["uri"], alice)
        wait_for("alice has a favourite notification",
                 lambda: ferrodon.notification("favourite", account_url=peer.actor))
        wait_for("the post counts the favourite",
                 lambda: ferrodon.api("GET", f"/api/v1/statuses/{status['id']}")["favourites_count"] == 1)
    check(to_ferrodon, "Like", peer_likes)

    # Announces.
    def ferrodon_announces():
        ferrodon.api("POST", f"/api/v1/statuses/{state['peer_status']['id']}/reblog")
        wait_for(f"{p} recorded alice's Announce", lambda: peer.got_announce(state["peer_note"], alice))
    check(to_peer, "Announce", ferrodon_announces)

    def peer_announces():
        status = state["alice_status"]
        peer.announce(status["uri"], alice)
        wait_for("alice has a reblog notification", lambda: ferrodon.notification("reblog", account_url=peer.actor))
        wait_for("the post counts the reblog",
                 lambda: ferrodon.api("GET", f"/api/v1/statuses/{status['id']}")["reblogs_count"] == 1)
    check(to_ferrodon, "Announce", peer_announces)

    # Updates.
    def peer_edits():
        text = marker(f"edited-by-{p}")
        peer.edit(state["peer_note"], f"Hello again {text}")
        status = wait_for("Ferrodon shows the edited post",
                          lambda: (lambda s: s if text in s["content"] else None)(
                              ferrodon.api("GET", f"/api/v1/statuses/{state['peer_status']['id']}")))
        assert status["edited_at"], status
    check(to_ferrodon, "Update", peer_edits)

    def ferrodon_edits():
        text = marker("edited-by-ferrodon")
        status = state["alice_status"]
        ferrodon.api("PUT", f"/api/v1/statuses/{status['id']}", data={"status": f"Hello, edited {text}"})
        wait_for(f"{p} shows the edited post", lambda: peer.got_update(status["uri"], text))
    check(to_peer, "Update", ferrodon_edits)

    # Deletes.
    def peer_deletes():
        peer.delete(state["peer_note"])
        url = f"{ferrodon.base}/api/v1/statuses/{state['peer_status']['id']}"
        wait_for("the post is gone from Ferrodon (404)",
                 lambda: requests.get(url, headers={"Authorization": f"Bearer {ferrodon.token}"},
                                      timeout=10).status_code == 404)
    check(to_ferrodon, "Delete", peer_deletes)

    def ferrodon_deletes():
        status = state["alice_status"]
        assert peer.has_object(status["uri"]), f"{p} never had {status['uri']}"
        ferrodon.api("DELETE", f"/api/v1/statuses/{status['id']}")
        wait_for(f"{p} dropped the post", lambda: peer.got_delete(status["uri"]))
    check(to_peer, "Delete", ferrodon_deletes)

    # Followers-only posts and direct messages: the addressing survives.
    def peer_followers_only():
        text = marker(f"followers-only-from-{p}")
        peer.post(f"Only for followers {text}", visibility="followers")
        status = wait_for("the followers-only post is in alice's home timeline", lambda: ferrodon.home_with(text))
        assert status["visibility"] == "private", status["visibility"]
    if peer.posts_followers_only:
        check(to_ferrodon, "followers-only post", peer_followers_only)
    else:
        print(f"SKIP {p}: {to_ferrodon} followers-only post ({p} cannot post one)")

    def ferrodon_followers_only():
        text = marker("followers-only-from-ferrodon")
        ferrodon.api("POST", "/api/v1/statuses", data={"status": f"Only for followers {text}", "visibility": "private"})
        note = wait_for(f"{p} received the followers-only post", lambda: peer.got_post(text))
        assert PUBLIC not in addressees(note), note
    check(to_peer, "followers-only post", ferrodon_followers_only)

    def peer_direct():
        text = marker(f"direct-from-{p}")
        if p == "snac":
            peer.post(f"{alice_handle} just for you {text}", visibility="direct")
        else:
            peer.post(f'<a href="{alice}" class="mention">{alice_handle}</a> just for you {text}',
                      mention={"actor": alice, "name": alice_handle}, visibility="direct")
        notification = wait_for("alice has a mention notification", lambda: ferrodon.notification("mention", text))
        assert notification["status"]["visibility"] == "direct", notification["status"]["visibility"]
    check(to_ferrodon, "direct message", peer_direct)

    def ferrodon_direct():
        text = marker("direct-from-ferrodon")
        ferrodon.api("POST", "/api/v1/statuses",
                     data={"status": f"{peer.handle} just for you {text}", "visibility": "direct"})
        wait_for(f"{p} shows the mention", lambda: peer.got_mention(text))
        note = peer.received_note(text)
        assert note and addressees(note) == {peer.actor}, note
    check(to_peer, "direct message", ferrodon_direct)

    # Undo Follow, both ways.
    def peer_unfollows():
        assert any(a["uri"] == peer.actor for a in ferrodon.followers()), "the peer's user was no follower"
        peer.unfollow(alice)
        wait_for("alice's followers no longer list the peer's user",
                 lambda: not any(a["uri"] == peer.actor for a in ferrodon.followers()))
    check(to_ferrodon, "Undo Follow", peer_unfollows)

    def ferrodon_unfollows():
        account = state["account"]
        assert peer.follower_of_peer(alice), "alice was no follower on the peer"
        ferrodon.api("POST", f"/api/v1/accounts/{account['id']}/unfollow")
        assert not ferrodon.relationship(account["id"])["following"]
        wait_for(f"{p} no longer has alice as a follower", lambda: not peer.follower_of_peer(alice))
    check(to_peer, "Undo Follow", ferrodon_unfollows)

    # Fetching a post by its URL (nobody follows anybody any more, so
    # neither post is delivered).
    def ferrodon_fetches():
        text = marker(f"fetched-from-{p}")
        note = peer.post(f"Fetch me {text}")
        status = wait_for("Ferrodon resolves the post's URL", lambda: ferrodon.status_by_uri(note), 15)
        assert text in status["content"] and status["account"]["uri"] == peer.actor, status
    check(to_peer, "fetch a post by its URL", ferrodon_fetches)

    def peer_fetches():
        text = marker("fetched-from-ferrodon")
        status = ferrodon.api("POST", "/api/v1/statuses", data={"status": f"Fetch me {text}", "visibility": "public"})
        fetched = peer.fetch(status["uri"])
        assert text in json.dumps(fetched), fetched
    check(to_ferrodon, "fetch a post by its URL", peer_fetches)


def addressees(note):
    """A note's to and cc, as a set of ids."""
    ids = set()
    for key in ("to", "cc"):
        value = note.get(key) or []
        for item in value if isinstance(value, list) else [value]:
            ids.add(item if isinstance(item, str) else item.get("id"))
    return ids


def read_floor():
    floor = {}
    if os.path.exists(FLOOR_FILE):
        with open(FLOOR_FILE) as f:
            for line in f:
                name, _, reason = line.partition("#")
                if name.strip():
                    floor[name.strip()] = reason.strip()
    return floor


def main():
    peers_wanted = os.environ.get("FERRODON_INTEROP_PEERS", "snac,fedify").split(",")
    workdir = tempfile.mkdtemp(prefix="ferrodon-interop-")
    floor = read_floor()
    run = Run(floor)
    started = time.time()
    servers = []
    ferrodon = Ferrodon(workdir)
    peers = [cls(workdir) for cls in (Snac, Fedify) if cls.name in peers_wanted]
    logs = [("ferrodon", ferrodon.log_path)] + [(peer.name, peer.log_path) for peer in peers]
    try:
        for server in [ferrodon, *peers]:
            servers.append(server)
            server.start()
        print(f"servers up in {time.time() - started:.1f}s: ferrodon ({FERRODON[0]}), "
              + ", ".join(f"{peer.name} ({peer.host})" for peer in peers))
        for peer in peers:
            federate(run, ferrodon, peer)
    except Exception:  # noqa: BLE001 - reported with the logs
        run.results.append(("the servers started", False, traceback.format_exc()))
        print(f"FAIL the servers started\n{traceback.format_exc()}")
    finally:
        for server in reversed(servers):
            server.stop()
    unexpected = [name for name, ok, _ in run.results if not ok and name not in floor]
    expected = [name for name, ok, _ in run.results if not ok and name in floor]
    passed = [name for name, ok, _ in run.results if ok]
    if unexpected:
        for name, path in logs:
            print(f"\n--- {name} log (last 60 lines) ---\n{tail(path)}")
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"\ninterop: wall time {time.time() - started:.0f}s")
    if expected:
        print(f"{len(expected)} expected failures listed in {os.path.relpath(FLOOR_FILE)}: " + "; ".join(expected))
    print(f"{len(passed)} passed, {len(unexpected)} failed")
    return 1 if unexpected or not passed else 0


if __name__ == "__main__":
    # A time limit around this script (SIGTERM) still stops the servers and
    # drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
