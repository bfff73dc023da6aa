"""Local stand-ins for the outside world: a feed server and a fake WeChat API, both real HTTP in a thread.

`feeds` serves the files in data/ and a few special paths:
- /conditional.xml: rss.xml with an ETag and Last-Modified; answers 304 to a matching conditional GET;
- /error500: HTTP 500; /gone: HTTP 404; /slow.xml: answers after `feeds.delay` seconds.
Every request is recorded (path and headers). `feeds.files[path] = bytes` changes what a path serves.

`wechat` speaks the documented API (GET /cgi-bin/token, POST /cgi-bin/freepublish/batchget): it issues tokens
for the right AppID and AppSecret, refuses unknown or invalidated tokens with 40001 (or 42001 once they are
marked expired), pages over `wechat.published` newest first, and answers the next call to an endpoint with
an errcode queued by `wechat.fail_next(...)`.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from mediagov.connectors.models import Source
from mediagov.registry.platforms import Platform

from ..registry.factories import register

DATA = Path(__file__).parent / "data"
APP_ID = "wx1234567890abcdef"
APP_SECRET = "s3cr3t-AppSecret-0123456789abcdef"
ETAG = '"v1-rss"'
LAST_MODIFIED = "Mon, 09 Mar 2026 08:45:00 GMT"


def _serve(handler_class):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


# ---------------------------------------------------------------- feeds


@dataclass
class FeedServer:
    port: int = 0
    files: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)  # (path, headers dict)
    delay: float = 2.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[dict]:
        with self.lock:
            return [h for p, h in self.requests if p == path]


def _feed_handler(feeds: FeedServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = urlsplit(self.path).path
            with feeds.lock:
                feeds.requests.append((path, dict(self.headers)))
            if path == "/error500":
                return self._send(500, b"internal error", "text/plain")
            if path == "/slow.xml":
                time.sleep(feeds.delay)
                return self._send(200, feeds.files["/rss.xml"])
            if path == "/conditional.xml":
                if self.headers.get("If-None-Match") == ETAG:
                    self.send_response(304)
                    self.send_header("ETag", ETAG)
                    self.end_headers()
                    return None
                return self._send(
                    200, feeds.files["/rss.xml"], extra={"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
                )
            body = feeds.files.get(path)
            if body is None:
                return self._send(404, b"not found", "text/plain")
            return self._send(200, body)

        def _send(self, status, body, content_type="application/xml; charset=utf-8", extra=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
                pass

    return Handler


@pytest.fixture
def feeds():
    state = FeedServer(files={f"/{p.name}": p.read_bytes() for p in DATA.glob("*.xml")})
    server, thread = _serve(_feed_handler(state))
    state.port = server.server_address[1]
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# ---------------------------------------------------------------- WeChat


def published_item(i: int, *, articles: int = 1, base: int = 1772409600) -> dict:
    """The i-th published message (i=0 newest), update_time one hour apart from 2026-03-02 08:00 Beijing."""
    return {
        "article_id": f"ART{i:04d}",
        "update_time": base + 86400 * 7 - 3600 * i,
        "content": {
            "news_item": [
                {
                    "title": f"推文{i}-{j}：化工学院新闻",
                    "author": "化工学院",
                    "digest": f"第{i}条推送的第{j}篇摘要",
                    "content": "",
                    "url": f"https://mp.weixin.qq.com/s/ART{i:04d}-{j}",
                    "is_deleted": False,
                }
                for j in range(articles)
            ]
        },
    }


@dataclass
class WechatApi:
    port: int = 0
    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    published: list = field(default_factory=list)
    tokens: dict = field(default_factory=dict)  # token -> "valid" | "expired" | "invalid"
    token_hits: int = 0
    batchget_calls: list = field(default_factory=list)  # (token, body)
    failures: dict = field(default_factory=dict)  # endpoint -> [(errcode, errmsg), ...]
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, endpoint: str, errcode: int, errmsg: str, times: int = 1, after: int = 0) -> None:
        """The endpoint's next `times` calls (after `after` normal ones) answer with `errcode`."""
        with self.lock:
            queue = self.failures.setdefault(endpoint, [])
            queue.extend([None] * after + [(errcode, errmsg)] * times)

    def mark_tokens(self, state: str) -> None:
        """Every token issued so far becomes "expired" (42001) or "invalid" (40001)."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = state

    def _failure(self, endpoint: str):
        with self.lock:
            queue = self.failures.get(endpoint) or []
            return queue.pop(0) if queue else None


def _wechat_handler(api: WechatApi):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path != "/cgi-bin/token":
                return self._json({"errcode": 404, "errmsg": "not found"}, status=404)
            with api.lock:
                api.token_hits += 1
            failure = api._failure("token")
            if failure:
                return self._json({"errcode": failure[0], "errmsg": failure[1]})
            if query.get("grant_type") != "client_credential":
                return self._json({"errcode": 40002, "errmsg": "invalid grant_type"})
            if query.get("appid") != api.app_id:
                return self._json({"errcode": 40013, "errmsg": "invalid appid"})
            if query.get("secret") != api.app_secret:
                return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
            with api.lock:
                token = f"TOKEN-{api.token_hits:03d}-{'x' * 20}"
                api.tokens[token] = "valid"
            return self._json({"access_token": token, "expires_in": 7200})

        def do_POST(self):
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if parts.path != "/cgi-bin/freepublish/batchget":
                return self._json({"errcode": 404, "errmsg": "not found"}, status=404)
            token = query.get("access_token", "")
            with api.lock:
                api.batchget_calls.append((token, body))
                state = api.tokens.get(token, "invalid")
            if state == "expired":
                return self._json({"errcode": 42001, "errmsg": "access_token expired rid: 1"})
            if state != "valid":
                return self._json({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
            failure = api._failure("batchget")
            if failure:
                return self._json({"errcode": failure[0], "errmsg": failure[1]})
            offset, count = int(body.get("offset", 0)), int(body.get("count", 0))
            if not 1 <= count <= 20:
                return self._json({"errcode": 40007, "errmsg": "invalid count"})
            page = api.published[offset : offset + count]
            if body.get("no_content") == 1:
                page = [
                    {
                        **item,
                        "content": {
                            "news_item": [
                                {k: v for k, v in n.items() if k != "content"}
                                for n in item["content"]["news_item"]
                            ]
                        },
                    }
                    for item in page
                ]
            return self._json({"total_count": len(api.published), "item_count": len(page), "item": page})

        def _json(self, data, status=200):
            raw = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; encoding=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler


@pytest.fixture
def wechat():
    state = WechatApi(published=[published_item(i) for i in range(45)])
    server, thread = _serve(_wechat_handler(state))
    state.port = server.server_address[1]
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# ---------------------------------------------------------------- sources


@pytest.fixture
def chem_account(world):
    return register(world, name="化工学院官微")


@pytest.fixture
def mech_site(world):
    return register(
        world,
        name="机械学院新闻网",
        unit=world.mech,
        user=world.mech_op,
        direct_responsible=world.p_mech,
        platform=Platform.NEWS_SITE,
    )


def feed_source(account, url: str, **extra) -> Source:
    return Source.objects.create(
        institution=account.institution, account=account, kind="feed", url=url, **extra
    )


def wechat_source(account, base: str, *, secret: str = APP_SECRET, **extra) -> Source:
    return Source.objects.create(
        institution=account.institution,
        account=account,
        kind="wechat",
        app_id=APP_ID,
        app_secret=secret,
        api_base=base,
        **extra,
    )


def fresh(source: Source) -> Source:
    return Source.objects.get(pk=source.pk)
