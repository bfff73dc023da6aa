"""RSS 2.0 / Atom feeds, read with httpx and parsed with feedparser.

A conditional GET (If-None-Match with the last ETag, If-Modified-Since with the last Last-Modified) makes an
unchanged feed cost one short 304 answer. Entries without a date are skipped: a post needs its time.
"""

import calendar
from datetime import UTC, datetime

import feedparser
import httpx
from django.conf import settings
from django.utils.html import strip_tags

from mediagov.activity.models import PostSource

from ..base import Connector, ConnectorError, PostItem, RemoteError, TransientError, register

MAX_BYTES = 10 * 1024 * 1024  # a feed larger than this is refused
USER_AGENT = "mediagov/1 (campus new-media registry; feed reader)"


def timeout() -> httpx.Timeout:
    seconds = float(getattr(settings, "MEDIAGOV_CONNECTOR_TIMEOUT", 20))
    return httpx.Timeout(seconds, connect=min(seconds, 5.0))


@register
class FeedConnector(Connector):
    kind = "feed"
    label = "RSS/Atom 订阅"
    post_source = PostSource.FEED
    settings_used = ("url",)

    def validate(self, source) -> list[tuple[str, str]]:
        if not source.url:
            return [("url", "请填写 RSS 或 Atom 订阅地址（http:// 或 https:// 开头）")]
        return []

    def fetch(self, source, since, *, now):
        if not source.url:
            raise ConnectorError("未设置订阅地址")
        headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, */*"}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        try:
            with (
                httpx.Client(timeout=timeout(), follow_redirects=True) as client,
                client.stream("GET", source.url, headers=headers) as response,
            ):
                if response.status_code == 304:
                    return []
                if response.status_code >= 400:
                    raise _http_error(response.status_code)
                body = _read_capped(response)
                etag = response.headers.get("ETag", "")
                last_modified = response.headers.get("Last-Modified", "")
                content_type = response.headers.get("Content-Type", "")
        except httpx.TimeoutException:
            raise TransientError(f"订阅源在{timeout().read:.0f}秒内没有响应（超时）") from None
        except httpx.HTTPError as exc:
            raise TransientError(f"无法连接订阅源：{type(exc).__name__}") from None
        items = parse_feed(body, content_type=content_type)
        # Only a feed that was read in full moves the validators on.
        source.etag = etag[:300]
        source.last_modified = last_modified[:100]
        return items


def _http_error(status: int) -> ConnectorError:
    if status == 429 or status >= 500:
        return TransientError(f"订阅源服务器返回 HTTP {status}，稍后自动重试")
    if status in (404, 410):
        return RemoteError(f"订阅地址不存在（HTTP {status}），请核对订阅地址", code=status)
    if status in (401, 403):
        return RemoteError(f"订阅源拒绝访问（HTTP {status}）", code=status)
    return RemoteError(f"订阅源返回 HTTP {status}", code=status)


def _read_capped(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise RemoteError(f"订阅内容超过{MAX_BYTES // (1024 * 1024)}MB，已拒绝")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_feed(body: bytes, *, content_type: str = "") -> list[PostItem]:
    """The dated entries of an RSS/Atom document. A document that is not a feed raises RemoteError."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = type(parsed.get("bozo_exception")).__name__ if parsed.bozo else "不是 RSS/Atom 格式"
        raise RemoteError(f"订阅内容无法解析为 RSS/Atom（{reason}），请核对订阅地址")
    items = []
    for entry in parsed.entries:
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        if moment is None:
            continue
        published_at = datetime.fromtimestamp(calendar.timegm(moment), tz=UTC)
        summary = entry.get("summary") or ""
        if not summary and entry.get("content"):
            summary = entry.content[0].get("value", "")
        items.append(
            PostItem(
                published_at=published_at,
                title=strip_tags(entry.get("title") or "").strip(),
                url=(entry.get("link") or "").strip(),
                text=" ".join(strip_tags(summary).split()),
                author=entry.get("author") or "",
            )
        )
    return items
