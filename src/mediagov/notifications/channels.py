"""The outside channels: e-mail, WeCom (企业微信) and DingTalk (钉钉) group robots.

Each function sends one message now and returns, or raises `ChannelError` with a Chinese message. They know
nothing of deliveries or retries (see `services.delivery_send_due`). A robot's URL carries its key: it never
appears in an error message.

WeCom:    https://developer.work.weixin.qq.com/document/path/91770 (markdown, content ≤ 4096 bytes)
DingTalk: https://open.dingtalk.com/document/robots/custom-robot-access (markdown; 加签 with the secret)
"""

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import httpx
from django.conf import settings
from django.core.mail import send_mail

# Seconds: connecting, then the whole answer. A robot that does not answer in time is a failed attempt,
# retried later with back-off.
CONNECT_TIMEOUT = 5.0
TIMEOUT = 10.0
# WeCom rejects markdown content above 4096 bytes (UTF-8); DingTalk's limit is higher but unpublished.
MAX_BYTES = 4000


class ChannelError(Exception):
    """A message the channel did not accept; the text is shown on the deliveries page."""


def email_send(to: str, title: str, body: str) -> None:
    """One plain-text e-mail through Django's backend (SMTP when MEDIAGOV_EMAIL_HOST is set)."""
    try:
        send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except Exception as exc:  # smtplib, socket and backend errors alike
        raise ChannelError(f"邮件发送失败：{type(exc).__name__}: {exc}") from exc


def wecom_send(url: str, title: str, body: str) -> None:
    content = _truncate(f"**{title}**\n{body}")
    _post("企业微信", url, {"msgtype": "markdown", "markdown": {"content": content}})


def dingtalk_send(url: str, secret: str, title: str, body: str) -> None:
    text = _truncate(f"#### {title}\n\n{_dingtalk_lines(body)}")
    if secret:
        url = dingtalk_signed_url(url, secret)
    _post("钉钉", url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}})


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")), url-encoded, as DingTalk's 加签 wants."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def dingtalk_signed_url(url: str, secret: str, *, timestamp: str | None = None) -> str:
    timestamp = timestamp or str(round(time.time() * 1000))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"


def _dingtalk_lines(body: str) -> str:
    # DingTalk's markdown joins single newlines; two spaces before a newline keep the lines apart.
    return "  \n".join(body.splitlines())


def _truncate(text: str) -> str:
    raw = text.encode()
    if len(raw) <= MAX_BYTES:
        return text
    return raw[: MAX_BYTES - 3].decode(errors="ignore") + "…"


def _post(name: str, url: str, payload: dict) -> None:
    if not url:
        raise ChannelError(f"{name}群机器人未设置 Webhook 地址")
    timeout = httpx.Timeout(TIMEOUT, connect=CONNECT_TIMEOUT)
    try:
        response = httpx.post(url, json=payload, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise ChannelError(f"{name}群机器人在{TIMEOUT:g}秒内没有响应（{type(exc).__name__}）") from None
    except httpx.HTTPError as exc:
        message = str(exc).replace(url, "<webhook>")
        raise ChannelError(f"无法连接{name}群机器人：{type(exc).__name__}: {message}") from None
    if not 200 <= response.status_code < 300:
        raise ChannelError(f"{name}群机器人返回 HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise ChannelError(f"{name}群机器人返回的不是 JSON（HTTP {response.status_code}）") from None
    if not isinstance(data, dict):
        raise ChannelError(f"{name}群机器人返回的 JSON 格式不正确")
    errcode = data.get("errcode")
    if errcode != 0:
        raise ChannelError(f"{name}群机器人拒绝了消息：errcode={errcode}，errmsg={data.get('errmsg', '')}")
