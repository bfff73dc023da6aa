"""Helpers for notification tests: a local stand-in for the WeCom and DingTalk robots, and finding builders.

`robots` is an HTTP server on 127.0.0.1 in a thread. Each path is one robot; `robots.set(path, ...)` says how
it answers: errcode 0 (the default), a refusal with another errcode, HTTP 500, a body that is not JSON, or
an answer that comes too late. A path registered with a DingTalk secret checks the signature as DingTalk
does and refuses a wrong one with errcode 310000.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from mediagov.compliance.models import Finding
from mediagov.notifications import channels
from mediagov.org.models import Unit

from ..registry.factories import register


@dataclass
class RobotRequest:
    path: str
    query: dict
    payload: dict
    signature_ok: bool | None = None


@dataclass
class Robots:
    port: int = 0
    requests: list[RobotRequest] = field(default_factory=list)
    answers: dict = field(
        default_factory=dict
    )  # path -> ("ok",) | ("errcode", n, msg) | ("http", status) ...
    secrets: dict = field(default_factory=dict)  # path -> DingTalk secret to verify
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path: str, *answer) -> None:
        self.answers[path] = answer

    def to(self, path: str) -> list[RobotRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]


def _handler(robots: Robots):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

        def do_POST(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"_raw": raw.decode(errors="replace")}
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            request = RobotRequest(parts.path, query, payload)
            secret = robots.secrets.get(parts.path)
            if secret is not None:
                request.signature_ok = _signature_ok(secret, query)
            with robots.lock:
                robots.requests.append(request)
            answer = robots.answers.get(parts.path, ("ok",))
            if request.signature_ok is False:
                return self._json(200, {"errcode": 310000, "errmsg": "sign not match"})
            if answer[0] == "ok":
                return self._json(200, {"errcode": 0, "errmsg": "ok"})
            if answer[0] == "errcode":
                return self._json(200, {"errcode": answer[1], "errmsg": answer[2]})
            if answer[0] == "http":
                return self._json(answer[1], {"errcode": -1, "errmsg": "server error"})
            if answer[0] == "html":
                return self._send(200, b"<html>bad gateway</html>", "text/html")
            if answer[0] == "slow":
                time.sleep(answer[1])
                return self._json(200, {"errcode": 0, "errmsg": "ok"})
            raise AssertionError(answer)

        def _json(self, status, data):
            self._send(status, json.dumps(data).encode(), "application/json")

        def _send(self, status, body, content_type):
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

    return Handler


def _signature_ok(secret: str, query: dict) -> bool:
    """DingTalk's check: sign == base64(HMAC-SHA256(secret, "timestamp\\nsecret")), timestamp within 1 h."""
    timestamp, sign = query.get("timestamp"), query.get("sign")
    if not timestamp or not sign:
        return False
    if abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
        return False
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sign)


@pytest.fixture
def robots(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(channels, "TIMEOUT", 2.0)
    monkeypatch.setattr(channels, "CONNECT_TIMEOUT", 2.0)
    robots = Robots()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(robots))
    server.daemon_threads = True
    robots.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield robots
    server.shutdown()
    server.server_close()


# ---------------------------------------------------------------- builders


def mech_account(world, *, unit=None, name="机械工程学院", **extra):
    """A WeChat account of 机械工程学院 (or a sub-unit): operator mech_op, unit head mech_head."""
    return register(
        world,
        unit=unit or world.mech,
        name=name,
        user=world.mech_op,
        direct_responsible=world.p_mech,
        **extra,
    )


def sub_unit(world, parent=None, code="mech-lab", name="机械工程学院创新实验室") -> Unit:
    return Unit.objects.create(institution=world.dut, code=code, name=name, parent=parent or world.mech)


def make_finding(account, *, due: date | None, rule="staffing.admins", key="", state=None) -> Finding:
    inst = account.institution
    finding = Finding.objects.create(
        institution=inst,
        account=account,
        rule=rule,
        kind="staffing",
        key=key,
        regulation=inst.policy.title,
        article="第七条",
        title="直接责任人不是在岗在编教职工",
        message="直接责任人须为在校教职员工",
        evidence={},
        severity="high",
        action="更换在岗在编教职工为直接责任人",
        responsible=[],
        due_date=due,
        first_seen=date(2026, 3, 1),
        last_seen=date(2026, 3, 1),
    )
    if state is not None:
        Finding.objects.filter(pk=finding.pk).update(state=state)
        finding = Finding.objects.get(pk=finding.pk)  # the state field is protected: read it afresh
    return finding
