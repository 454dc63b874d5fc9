#!/usr/bin/env python3
"""Drives a real ferrodon-web with Mastodon.py, a third-party client library.

Starts its own instance (own database, own Redis namespace, free port) from
the binaries in FERRODON_BIN_DIR, signs in through the OAuth authorization
page the way a user would, then posts, reads and interacts. Prints
'N passed, N failed' and exits non-zero on any failure.
"""
import os
import random
import re
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

import requests
from mastodon import Mastodon

BIN = os.environ.get("FERRODON_BIN_DIR", os.path.expanduser("~/.cache/ferrodon-target/debug"))
ADMIN_URL = os.environ.get("FERRODON_TEST_DATABASE_URL", "postgres://ferrodon:ferrodon@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("FERRODON_TEST_REDIS_URL", "redis://127.0.0.1:6379/")
OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow"]


def tiny_png():
    """A 2×2 PNG, built by hand (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x10\x20\xf0" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def db_url(name):
    parts = urllib.parse.urlsplit(ADMIN_URL)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


class Instance:
    """web, streaming and a worker (running worker_queues) on free ports, with
    their own database and Redis namespace; LOCAL_DOMAIN is HOST:PORT."""

    worker_queues = "default,mailers,pull"

    def __init__(self, host="127.0.0.1"):
        suffix = "".join(random.choice(string.ascii_lowercase) for _ in range(10))
        self.db = f"ferrodon_pytest_{suffix}"
        self.port = free_port()
        self.streaming_port = free_port()
        self.base = f"http://{host}:{self.port}"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LOCAL_DOMAIN": f"{host}:{self.port}",
            "FERRODON_DEV_ALLOW_HTTP": "true",
            "DATABASE_URL": db_url(self.db),
            "REDIS_URL": REDIS_URL,
            "REDIS_NAMESPACE": f"pytest_{suffix}",
            "SECRET_KEY_BASE": "python-client-test-secret-0123456789abcdef",
            "PORT": str(self.port),
            "STREAMING_PORT": str(self.streaming_port),
            "STREAMING_API_BASE_URL": f"ws://127.0.0.1:{self.streaming_port}",
            "WEB_CONCURRENCY": "1",
            "RUST_LOG": "warn",
            # E-mails (notifications) go to a throw-away directory, not ./tmp/mails.
            "FERRODON_MAIL_DIR": os.path.join(tempfile.gettempdir(), f"ferrodon-mail-py-{suffix}"),
            "PAPERCLIP_ROOT_PATH": os.path.join(tempfile.gettempdir(), f"ferrodon-media-py-{suffix}"),
        }
        self.proc = None
        self.streaming = None
        self.worker = None
        self.log = tempfile.NamedTemporaryFile(prefix="ferrodon-web-py-", suffix=".log", delete=False)

    def ctl(self, *args):
        out = subprocess.run([os.path.join(BIN, "ferrodonctl"), *args], env=self.env, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"ferrodonctl {' '.join(args)} failed: {out.stderr}")
        return out.stdout

    def start(self):
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", f"CREATE DATABASE {self.db}"], check=True, capture_output=True)
        self.ctl("db", "migrate")
        self.proc = subprocess.Popen([os.path.join(BIN, "ferrodon-web")], env=self.env, stdout=subprocess.DEVNULL, stderr=self.log)
        self.streaming = subprocess.Popen([os.path.join(BIN, "ferrodon-streaming")], env=self.env, stdout=subprocess.DEVNULL, stderr=self.log)
        # Fan-out to home feeds and streams runs in the default queue.
        self.worker = subprocess.Popen([os.path.join(BIN, "ferrodon-default"), "--queues", self.worker_queues], env=self.env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if requests.get(self.base + "/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("ferrodon-web did not become healthy: " + open(self.log.name).read())

    def stop(self):
        for proc in (self.proc, self.streaming, self.worker):
            if proc:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)"], capture_output=True)
        shutil.rmtree(self.env["FERRODON_MAIL_DIR"], ignore_errors=True)
        shutil.rmtree(self.env["PAPERCLIP_ROOT_PATH"], ignore_errors=True)


def sign_in_through_the_form(authorize_url, login, password):
    """Does what a person does in the browser: submit the sign-in form, read the code."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize_url).query))
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    assert 'name="password"' in page.text
    form = dict(query, login=login, password=password, decision="approve")
    answer = requests.post(authorize_url.split("?")[0], data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 200, answer.text
    match = re.search(r'<code id="code">([^<]+)</code>', answer.text)
    assert match, answer.text
    return match.group(1)


def main():
    inst = Instance()
    results = []
    try:
        inst.start()
        password = re.search(r"New password: (\S+)", inst.ctl("accounts", "create", "alice", "--email", "alice@example.com", "--confirmed")).group(1)
        bob_password = re.search(r"New password: (\S+)", inst.ctl("accounts", "create", "bob", "--email", "bob@example.com", "--confirmed")).group(1)
        state = {}

        def test(name):
            def wrap(fn):
                try:
                    fn()
                    results.append((name, None))
                    print(f"PASS {name}")
                except Exception:  # noqa: BLE001 - every failure is reported
                    results.append((name, traceback.format_exc()))
                    print(f"FAIL {name}\n{traceback.format_exc()}")
                return fn
            return wrap

        @test("create_app and log in through the authorization page")
        def _():
            client_id, client_secret = Mastodon.create_app("Mastodon.py test", api_base_url=inst.base, redirect_uris=OOB, scopes=SCOPES)
            app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=inst.base)
            url = app.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True)
            code = sign_in_through_the_form(url, "alice@example.com", password)
            token = app.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
            state["alice"] = Mastodon(access_token=token, api_base_url=inst.base, version_check_mode="created")
            state["client"] = (client_id, client_secret)
            me = state["alice"].account_verify_credentials()
            assert me.username == "alice", me

        @test("instance and version detection")
        def _():
            info = state["alice"].instance()
            assert "Ferrodon" in info.version, info.version
            assert state["alice"].verify_minimum_version("4.0.0", cached=False)

        @test("post, read the home timeline, favourite and bookmark")
        def _():
            api = state["alice"]
            posted = api.status_post("Hello from Mastodon.py #pytest", visibility="public")
            assert posted.content.startswith("<p>Hello from Mastodon.py"), posted.content
            home = api.timeline_home()
            assert home[0].id == posted.id, [s.id for s in home]
            fav = api.status_favourite(posted.id)
            assert fav.favourited and fav.favourites_count == 1
            assert api.status_bookmark(posted.id).bookmarked
            assert [s.id for s in api.bookmarks()] == [posted.id]
            tagged = api.timeline_hashtag("pytest")
            assert tagged[0].id == posted.id
            state["first"] = posted

        @test("a second user follows, replies and is notified")
        def _():
            client_id, client_secret = state["client"]
            app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=inst.base)
            code = sign_in_through_the_form(app.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True), "bob", bob_password)
            bob = Mastodon(access_token=app.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True), api_base_url=inst.base)
            alice_account = bob.account_lookup("alice")
            rel = bob.account_follow(alice_account.id)
            assert rel.following
            reply = bob.status_post("@alice nice post", in_reply_to_id=state["first"].id)
            assert reply.in_reply_to_id == state["first"].id
            assert any(s.id == state["first"].id for s in bob.timeline_home())
            notes = state["alice"].notifications()
            assert [n.type for n in notes][:2] == ["mention", "follow"], [n.type for n in notes]
            context = state["alice"].status_context(state["first"].id)
            assert context.descendants[0].id == reply.id

        @test("pagination helpers follow Link headers")
        def _():
            api = state["alice"]
            for i in range(5):
                api.status_post(f"page filler {i}")
            page = api.timeline_home(limit=2)
            assert len(page) == 2
            older = api.fetch_next(page)
            assert older and len(older) == 2 and older[0].id < page[-1].id
            newer = api.fetch_previous(older)
            assert newer and newer[-1].id > older[0].id

        @test("stream_user receives a new status")
        def _():
            from mastodon import StreamListener
            import threading
            received = threading.Event()
            got = {}

            class Listener(StreamListener):
                def on_update(self, status):
                    got["status"] = status
                    received.set()

            api = state["alice"]
            handle = api.stream_user(Listener(), run_async=True, reconnect_async=False)
            try:
                # Give the subscription a moment to reach Redis, then post until the event arrives.
                deadline = time.time() + 15
                posted = None
                while not received.is_set() and time.time() < deadline:
                    posted = api.status_post("streamed to Mastodon.py")
                    received.wait(2)
                assert received.is_set(), "no update event arrived"
                assert got["status"].content.startswith("<p>streamed to Mastodon.py"), got["status"].content
                assert posted is not None
            finally:
                handle.close()

        @test("media: an image and a video (processed by the worker) on a status")
        def _():
            api = state["alice"]
            image = api.media_post(tiny_png(), mime_type="image/png", description="a dot")
            assert image.type == "image" and image.url, image
            assert requests.get(image.url, timeout=10).status_code == 200
            video_path = os.path.join(tempfile.gettempdir(), f"ferrodon-py-{os.getpid()}.mp4")
            subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                            "testsrc=duration=1:size=160x120:rate=10", "-c:v", "libx264",
                            "-preset", "ultrafast", video_path], check=True)
            try:
                # synchronous=True polls GET /api/v1/media/:id until the worker is done.
                video = api.media_post(video_path, mime_type="video/mp4", synchronous=True)
            finally:
                os.unlink(video_path)
            assert video.type == "video" and video.url.endswith(".mp4"), video
            posted = api.status_post("with a picture", media_ids=[image.id])
            assert [m.id for m in posted.media_attachments] == [image.id]
            updated = api.media_update(image.id, description="a blue dot")
            assert updated.description == "a blue dot"

        @test("errors surface as Mastodon.py exceptions")
        def _():
            from mastodon import MastodonNotFoundError, MastodonAPIError
            try:
                state["alice"].status(1)
                raise AssertionError("expected a 404")
            except MastodonNotFoundError:
                pass
            try:
                state["alice"].status_post("")
                raise AssertionError("expected a 422")
            except MastodonAPIError as e:
                assert "can't be blank" in str(e), str(e)
    finally:
        inst.stop()
        if not [r for r in results if r[1]]:
            os.unlink(inst.log.name)
    failed = [r for r in results if r[1]]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
