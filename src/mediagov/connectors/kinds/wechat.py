"""WeChat Official Account (微信公众号): the published messages (发布能力 → 已发布消息列表).

- Access token: GET {base}/cgi-bin/token?grant_type=client_credential&appid=…&secret=… → access_token,
  expires_in (7200 s). Kept encrypted on the source and reused until 5 minutes before it expires, because the
  token endpoint has a small daily quota and a new token invalidates the old one.
- Published messages: POST {base}/cgi-bin/freepublish/batchget?access_token=… with {offset, count,
  no_content} → total_count, item_count, item[] (article_id, update_time, content.news_item[] with title,
  author, digest, content, url, is_deleted), newest first, 20 per page at most.
- Errors: errcode 40001 / 40014 / 42001 (token invalid or expired) → a new token and one retry; 45009 (daily
  quota spent) → the next run waits until after midnight Beijing time; -1 (busy) → back-off; any other
  errcode → a Chinese message with the errcode and errmsg.

The AppSecret and the token travel only in query strings to the API base; no error message contains a URL.
"""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.utils.html import strip_tags

from mediagov.activity.models import PostSource
from mediagov.registry.platforms import Platform

from ..base import (
    ConfigError,
    Connector,
    ConnectorError,
    PostItem,
    RateLimited,
    RemoteError,
    TransientError,
    register,
)
from .feed import timeout

DEFAULT_BASE = "https://api.weixin.qq.com"
TOKEN_MARGIN = timedelta(minutes=5)  # refresh the cached token this long before it expires
PAGE_SIZE = 20  # the API's maximum
MAX_PAGES = 100  # per run: 2,000 published messages
OVERLAP = timedelta(days=1)  # re-read this far behind the newest post already seen (edits move update_time)
TOKEN_ERRORS = {40001, 40014, 42001}
RATE_LIMITED = 45009
BUSY = -1
CHINA = ZoneInfo("Asia/Shanghai")

HINTS = {
    40001: "AppSecret 错误，或 access_token 无效",
    40013: "AppID 无效，请核对",
    40014: "access_token 不合法",
    40125: "AppSecret 无效，请网络与信息化中心重新设置",
    40164: "服务器的出口 IP 不在公众号的 IP 白名单中，请在微信公众平台“设置与开发 → 基本配置”中添加",
    41002: "缺少 AppID",
    41004: "缺少 AppSecret",
    42001: "access_token 已过期",
    45009: "接口调用次数已达今日上限，将于次日零点后自动重试",
    48001: "该公众号未获得此接口权限（未认证的公众号无法读取已发布消息列表）",
    50001: "该接口未授权",
    50002: "该公众号的接口权限受限（可能因违规被封禁）",
}


def api_base(source) -> str:
    return (source.api_base or getattr(settings, "MEDIAGOV_WECHAT_API_BASE", "") or DEFAULT_BASE).rstrip("/")


def error_message(code: int, errmsg: str) -> str:
    hint = HINTS.get(code)
    text = f"微信接口返回错误（errcode {code}：{errmsg or '无说明'}）"
    return f"{text}：{hint}" if hint else text


def next_quota_reset(now: datetime) -> datetime:
    """Five minutes past the next midnight in Beijing, when the daily API quotas start again."""
    tomorrow = now.astimezone(CHINA).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 5), tzinfo=CHINA)


@register
class WechatConnector(Connector):
    kind = "wechat"
    label = "微信公众号接口"
    post_source = PostSource.CONNECTOR
    settings_used = ("app_id", "app_secret", "api_base")

    def validate(self, source) -> list[tuple[str, str]]:
        problems = []
        if source.account_id and source.account.platform != Platform.WECHAT:
            problems.append(("kind", "只有微信公众号帐号可以使用微信公众号接口"))
        if not source.app_id:
            problems.append(("app_id", "请填写公众号的 AppID（微信公众平台“设置与开发 → 基本配置”）"))
        return problems

    def fetch(self, source, since, *, now):
        if not source.app_id:
            raise ConfigError("未设置 AppID")
        if not source.app_secret:
            raise ConfigError("尚未设置 AppSecret：请网络与信息化中心在数据来源页面设置后再获取")
        items: list[PostItem] = []
        try:
            with httpx.Client(timeout=timeout()) as client:
                session = _Session(client, source, now)
                offset = 0
                for _page in range(MAX_PAGES):
                    data = session.batchget(offset)
                    page = data.get("item") or []
                    items.extend(_items(page))
                    offset += int(data.get("item_count") or len(page))
                    if not page or offset >= int(data.get("total_count") or 0):
                        break
                    # Newest first: once a page reaches back past what was seen (less the overlap), the
                    # rest is older still.
                    if since is not None and any(
                        int(i.get("update_time") or 0) < (since - OVERLAP).timestamp() for i in page
                    ):
                        break
        except ConnectorError as exc:
            exc.partial = items
            raise
        return items


class _Session:
    def __init__(self, client: httpx.Client, source, now: datetime):
        self.client, self.source, self.now = client, source, now
        self.base = api_base(source)

    def token(self, *, force: bool = False) -> str:
        source = self.source
        fresh = source.token_expires_at is not None and source.token_expires_at - TOKEN_MARGIN > self.now
        if source.access_token and fresh and not force:
            return source.access_token
        source.access_token, source.token_expires_at = "", None
        data = self._call(
            "GET",
            "/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": source.app_id, "secret": source.app_secret},
        )
        code = int(data.get("errcode") or 0)
        if code:
            raise _error(code, data.get("errmsg", ""), self.now)
        token = data.get("access_token") or ""
        if not token:
            raise RemoteError("微信接口未返回 access_token")
        source.access_token = token
        source.token_expires_at = self.now + timedelta(seconds=int(data.get("expires_in") or 7200))
        return token

    def batchget(self, offset: int) -> dict:
        for attempt in (1, 2):
            data = self._call(
                "POST",
                "/cgi-bin/freepublish/batchget",
                params={"access_token": self.token(force=attempt == 2)},
                payload={"offset": offset, "count": PAGE_SIZE, "no_content": 1},
            )
            code = int(data.get("errcode") or 0)
            if code == 0:
                return data
            if code in TOKEN_ERRORS and attempt == 1:
                continue  # the cached token was invalidated (another client fetched one) or expired
            raise _error(code, data.get("errmsg", ""), self.now)
        raise AssertionError("unreachable")

    def _call(self, method: str, path: str, *, params: dict, payload: dict | None = None) -> dict:
        try:
            if method == "GET":
                response = self.client.get(self.base + path, params=params)
            else:
                body = json.dumps(payload, ensure_ascii=False).encode()
                headers = {"Content-Type": "application/json; charset=utf-8"}
                response = self.client.post(self.base + path, params=params, content=body, headers=headers)
        except httpx.TimeoutException:
            raise TransientError(f"微信接口在{timeout().read:.0f}秒内没有响应（超时）") from None
        except httpx.HTTPError as exc:
            raise TransientError(f"无法连接微信接口：{type(exc).__name__}") from None
        if response.status_code != 200:
            raise TransientError(f"微信接口返回 HTTP {response.status_code}，稍后自动重试")
        try:
            data = json.loads(response.content)
        except ValueError:
            raise TransientError("微信接口返回的内容不是 JSON，稍后自动重试") from None
        if not isinstance(data, dict):
            raise TransientError("微信接口返回的内容格式不正确")
        return data


def _error(code: int, errmsg: str, now: datetime) -> ConnectorError:
    message = error_message(code, errmsg)
    if code == RATE_LIMITED:
        return RateLimited(message, code=code, retry_at=next_quota_reset(now))
    if code == BUSY:
        return TransientError(message)
    return RemoteError(message, code=code)


def _items(page: list[dict]) -> list[PostItem]:
    out = []
    for item in page:
        published_at = datetime.fromtimestamp(int(item.get("update_time") or 0), tz=CHINA)
        for news in (item.get("content") or {}).get("news_item") or []:
            if news.get("is_deleted"):
                continue
            text = news.get("digest") or " ".join(strip_tags(news.get("content") or "").split())
            out.append(
                PostItem(
                    published_at=published_at,
                    title=news.get("title") or "",
                    url=news.get("url") or "",
                    text=text,
                    author=news.get("author") or "",
                )
            )
    return out
