"""Platforms (DUT 第二条 plus 抖音, 快手, B站, 小红书, 视频号) and per-platform URL/handle normalisers.

An account's *handle* is the platform-specific identity that never changes with the URL form: the numeric
weibo uid, the WeChat ``__biz`` or ``gh_`` original id, the douyin sec uid, … Two ledger rows, homepage
URLs or filings that give the same (platform, handle) are the same account.

`normalise_url` reads a homepage URL; `normalise_handle` reads whatever an editor typed in the 帐号ID cell
(an id, a name, or a URL). Short links (v.douyin.com, b23.tv, …) cannot be resolved offline: their handle is
``short:<code>``, which only matches the same short link.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urlsplit

from django.db import models


class Platform(models.TextChoices):
    WECHAT = "wechat", "微信公众号"
    WEIBO = "weibo", "微博"
    TOUTIAO = "toutiao", "今日头条"
    QQ = "qq", "QQ公众平台"
    PENGUIN = "penguin", "企鹅自媒体平台"
    BAIJIAHAO = "baijiahao", "百家号"
    ZHIHU = "zhihu", "知乎"
    TIEBA = "tieba", "百度贴吧"
    NEWS_SITE = "news_site", "新闻网站"
    VIDEO_SITE = "video_site", "视频网站"
    DOUYIN = "douyin", "抖音"
    KUAISHOU = "kuaishou", "快手"
    BILIBILI = "bilibili", "B站"
    XIAOHONGSHU = "xiaohongshu", "小红书"
    CHANNELS = "channels", "视频号"
    APP = "app", "移动客户端（APP）"
    OTHER = "other", "其他"


# --- platform data -------------------------------------------------------------------------------------

# Media-type groups: the checkboxes of the YUFE 备案审批表 (微博 / 微信 / 移动客户端 / 其他).
MEDIA_GROUPS: dict[str, str] = {"weibo": "微博", "wechat": "微信", "app": "移动客户端", "other": "其他"}


@dataclass(frozen=True)
class PlatformInfo:
    label: str  # display name (the Platform choice label)
    group: str  # key of MEDIA_GROUPS
    aliases: tuple[str, ...] = ()  # other names accepted in imports (compared without case and spaces)
    case_sensitive: bool = False  # whether plain ids are kept as typed (else lower-cased)


PLATFORM_INFO: dict[str, PlatformInfo] = {
    Platform.WECHAT: PlatformInfo("微信公众号", "wechat", ("微信", "公众号", "微信公众平台", "微信号")),
    Platform.WEIBO: PlatformInfo("微博", "weibo", ("新浪微博", "官方微博")),
    Platform.TOUTIAO: PlatformInfo("今日头条", "other", ("头条", "头条号"), case_sensitive=True),
    Platform.QQ: PlatformInfo("QQ公众平台", "other", ("QQ", "QQ公众号")),
    Platform.PENGUIN: PlatformInfo("企鹅自媒体平台", "other", ("企鹅号", "企鹅媒体平台")),
    Platform.BAIJIAHAO: PlatformInfo("百家号", "other"),
    Platform.ZHIHU: PlatformInfo("知乎", "other", ("知乎号",)),
    Platform.TIEBA: PlatformInfo("百度贴吧", "other", ("贴吧",)),
    Platform.NEWS_SITE: PlatformInfo("新闻网站", "other", ("网站", "新闻网")),
    Platform.VIDEO_SITE: PlatformInfo("视频网站", "other"),
    Platform.DOUYIN: PlatformInfo("抖音", "other", ("抖音号",), case_sensitive=True),
    Platform.KUAISHOU: PlatformInfo("快手", "other", ("快手号",)),
    Platform.BILIBILI: PlatformInfo("B站", "other", ("哔哩哔哩", "bilibili", "b站", "哔哩哔哩弹幕网")),
    Platform.XIAOHONGSHU: PlatformInfo("小红书", "other", ("小红书号",)),
    Platform.CHANNELS: PlatformInfo("视频号", "other", ("微信视频号",), case_sensitive=True),
    Platform.APP: PlatformInfo("移动客户端（APP）", "app", ("移动客户端", "客户端", "APP", "手机客户端")),
    Platform.OTHER: PlatformInfo("其他", "other", ("其它",)),
}

# Hosts (after dropping "www." and "m.") → platform.
HOST_PLATFORMS: dict[str, str] = {
    "weibo.com": Platform.WEIBO,
    "weibo.cn": Platform.WEIBO,
    "mp.weixin.qq.com": Platform.WECHAT,
    "douyin.com": Platform.DOUYIN,
    "v.douyin.com": Platform.DOUYIN,
    "iesdouyin.com": Platform.DOUYIN,
    "kuaishou.com": Platform.KUAISHOU,
    "live.kuaishou.com": Platform.KUAISHOU,
    "v.kuaishou.com": Platform.KUAISHOU,
    "bilibili.com": Platform.BILIBILI,
    "space.bilibili.com": Platform.BILIBILI,
    "b23.tv": Platform.BILIBILI,
    "xiaohongshu.com": Platform.XIAOHONGSHU,
    "xhslink.com": Platform.XIAOHONGSHU,
    "zhihu.com": Platform.ZHIHU,
    "tieba.baidu.com": Platform.TIEBA,
    "toutiao.com": Platform.TOUTIAO,
    "baijiahao.baidu.com": Platform.BAIJIAHAO,
    "author.baidu.com": Platform.BAIJIAHAO,
}

# Hosts whose whole path is a short-link code (resolved only online).
SHORT_LINK_HOSTS = {"v.douyin.com", "v.kuaishou.com", "b23.tv", "xhslink.com"}

# First path segments of weibo.com / m.weibo.cn that are pages, not accounts.
_WEIBO_RESERVED = {
    "a", "ajax", "detail", "status", "search", "hot", "login", "signup", "home", "explore", "tv", "set",
    "messages", "message", "compose", "notice", "lottery", "newlogin", "sorry", "unfreeze",
}  # fmt: skip


def platform_group(platform: str) -> str:
    """The media-type group (key of MEDIA_GROUPS) of a platform code."""
    info = PLATFORM_INFO.get(platform)
    return info.group if info else "other"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").lower()


_PLATFORM_LOOKUP: dict[str, str] = {}
for _code, _info in PLATFORM_INFO.items():
    for _name in (_code, _info.label, *_info.aliases):
        _PLATFORM_LOOKUP[_squash(_name)] = str(_code)


def platform_from_text(text: str) -> str | None:
    """The platform code for a code, display name or alias ("B站", "哔哩哔哩", "公众号", "wechat"); else None."""
    return _PLATFORM_LOOKUP.get(_squash(text or "")) or None


# --- URL normalisation ---------------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOSTLIKE_RE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]|$)", re.IGNORECASE)


def looks_like_url(text: str) -> bool:
    text = (text or "").strip()
    return bool(_SCHEME_RE.match(text) or text.startswith("//") or _HOSTLIKE_RE.match(text))


def _split(url: str):
    """(host without www./m., [path segments], {query param: raw value}) or None."""
    url = (url or "").strip()
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    elif not _SCHEME_RE.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    for prefix in ("www.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    segments = [s for s in parts.path.split("/") if s]
    query: dict[str, str] = {}
    # Links copied out of HTML often carry "&amp;" instead of "&".
    for pair in parts.query.replace("&amp;", "&").split("&"):
        key, sep, value = pair.partition("=")
        if sep and key and key not in query:
            query[key] = value
    return host, segments, query


def _unquote(value: str, *, plus: bool = False) -> str:
    """Percent-decode; tries UTF-8, then GB18030 (old Baidu links encode GBK)."""
    if plus:
        value = value.replace("+", " ")
    raw = unquote_to_bytes(value)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def _biz(value: str) -> str:
    """A canonical __biz value: percent-decoded, base64 padding restored."""
    value = _unquote(value).strip().rstrip("=")
    return value + "=" * (-len(value) % 4) if value else ""


def _is_biz(value: str) -> bool:
    """Whether a bare value is a WeChat __biz (base64 of the account's numeric uin)."""
    stripped = value.rstrip("=")
    if not re.fullmatch(r"[A-Za-z0-9+/]{6,24}", stripped):
        return False
    try:
        decoded = base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return decoded.isdigit() and 5 <= len(decoded) <= 12


def _weibo(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if not seg:
        return None
    first = seg[0].lower()
    if first in ("u", "profile") and len(seg) > 1 and seg[1].isdigit():
        return seg[1]
    if first == "n" and len(seg) > 1:
        return _unquote(seg[1]).strip().lower() or None
    if first == "p" and len(seg) > 1:
        match = re.fullmatch(r"10\d{4}(\d{5,})", seg[1])
        return match.group(1) if match else None
    if first in _WEIBO_RESERVED or first in ("u", "n", "p", "profile"):
        return None
    name = _unquote(seg[0]).strip()
    return name if name.isdigit() else (name.lower() or None)


def _wechat(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    biz = _biz(query.get("__biz", ""))
    return f"biz:{biz}" if biz else None


def _douyin(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if host == "v.douyin.com":
        return f"short:{seg[0]}" if seg else None
    if len(seg) >= 2 and seg[0] == "user" and seg[1] != "self":
        return seg[1]
    if len(seg) >= 3 and seg[:2] == ["share", "user"]:
        return seg[2]
    return None


def _kuaishou(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if host == "v.kuaishou.com":
        return f"short:{seg[0]}" if seg else None
    if len(seg) >= 2 and seg[0] in ("profile", "u"):
        return seg[1].lower()
    return None


def _bilibili(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if host == "b23.tv":
        return f"short:{seg[0]}" if seg else None
    if host == "space.bilibili.com":
        return seg[0] if seg and seg[0].isdigit() else None
    if len(seg) >= 2 and seg[0] == "space" and seg[1].isdigit():
        return seg[1]
    return None


def _xiaohongshu(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if host == "xhslink.com":
        return f"short:{'/'.join(seg)}" if seg else None
    if len(seg) >= 3 and seg[:2] == ["user", "profile"]:
        return seg[2].lower()
    return None


def _zhihu(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if len(seg) >= 2 and seg[0] in ("people", "org"):
        return _unquote(seg[1]).strip().lower() or None
    return None


def _tieba(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if seg and seg[0] == "f" and query.get("kw"):
        return _unquote(query["kw"], plus=True).strip().lower() or None
    return None


def _toutiao(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    if len(seg) >= 4 and seg[:3] == ["c", "user", "token"]:
        return seg[3]
    if len(seg) >= 3 and seg[:2] == ["c", "user"] and seg[2].isdigit():
        return seg[2]
    if len(seg) >= 2 and seg[0] == "profile" and seg[1].isdigit():
        return seg[1]
    return None


def _baijiahao(host: str, seg: list[str], query: dict[str, str]) -> str | None:
    app_id = _unquote(query.get("app_id", "")).strip()
    if app_id.isdigit() and ((host == "baijiahao.baidu.com" and seg == ["u"]) or host == "author.baidu.com"):
        return app_id
    if host == "author.baidu.com" and len(seg) >= 2 and seg[0] == "home" and seg[1].isdigit():
        return seg[1]
    return None


_URL_HANDLERS = {
    Platform.WEIBO: _weibo,
    Platform.WECHAT: _wechat,
    Platform.DOUYIN: _douyin,
    Platform.KUAISHOU: _kuaishou,
    Platform.BILIBILI: _bilibili,
    Platform.XIAOHONGSHU: _xiaohongshu,
    Platform.ZHIHU: _zhihu,
    Platform.TIEBA: _tieba,
    Platform.TOUTIAO: _toutiao,
    Platform.BAIJIAHAO: _baijiahao,
}


def url_platform(url: str) -> str | None:
    """The platform whose host the URL is on (whether or not it names an account); else None."""
    split = _split(url)
    return HOST_PLATFORMS.get(split[0]) if split else None


def normalise_url(url: str) -> tuple[str, str] | None:
    """(platform code, handle) for an account homepage URL; None for an unknown host or a non-account page.

    Scheme, "www."/"m.", tracking parameters, trailing slashes and fragments do not matter.
    """
    split = _split(url)
    if split is None:
        return None
    host, segments, query = split
    platform = HOST_PLATFORMS.get(host)
    if platform is None:
        return None
    handle = _URL_HANDLERS[platform](host, segments, query)
    return (str(platform), handle) if handle else None


def _generic_url(url: str) -> str:
    """A site URL as an identity: host without www./m. plus path, lower-cased, no query/fragment/slash."""
    split = _split(url)
    if split is None:
        return url.strip().lower()
    host, segments, _query = split
    return "/".join([host, *segments]).lower()


class HandleError(ValueError):
    """A 帐号ID/主页链接 that cannot be an account of the given platform (message in Chinese)."""


def normalise_handle(platform: str, raw: str) -> str:
    """The handle of an account on `platform` from an id, name or URL as typed; "" for a blank value.

    Raises HandleError when `raw` is a URL of another platform, or a URL of the platform that names no
    account (an article link, say).
    """
    value = re.sub(r"\s+", "", raw or "")
    if not value:
        return ""
    if looks_like_url(value):
        found = normalise_url(value)
        if found is not None:
            if found[0] != platform:
                other = PLATFORM_INFO[found[0]].label
                mine = PLATFORM_INFO[platform].label if platform in PLATFORM_INFO else platform
                raise HandleError(f"链接属于“{other}”，与平台“{mine}”不符")
            return found[1]
        host_platform = url_platform(value)
        if host_platform is not None:
            if host_platform != platform:
                other = PLATFORM_INFO[host_platform].label
                mine = PLATFORM_INFO[platform].label if platform in PLATFORM_INFO else platform
                raise HandleError(f"链接属于“{other}”，与平台“{mine}”不符")
            raise HandleError("无法从链接中识别帐号（请填写帐号主页链接，而不是文章或短视频链接）")
        if platform in _URL_HANDLERS:
            mine = PLATFORM_INFO[platform].label
            raise HandleError(f"不是“{mine}”的链接")
        return _generic_url(value)
    value = value.lstrip("@")
    if platform in (Platform.WEIBO, Platform.BILIBILI):
        value = re.sub(r"^uid[:：]?", "", value, flags=re.IGNORECASE)
    if value.startswith("short:"):
        return value
    if platform == Platform.WECHAT:
        if value.lower().startswith("biz:"):
            return f"biz:{_biz(value[4:])}"
        if _is_biz(value):
            return f"biz:{_biz(value)}"
        return value.lower()  # gh_ original id or WeChat ID (微信号), both case-insensitive
    if platform == Platform.DOUYIN and not value.startswith("MS4wLjABAAAA"):
        return value.lower()  # 抖音号; sec uids are case-sensitive
    if platform == Platform.TIEBA and value.endswith("吧") and len(value) > 1:
        value = value[:-1]  # "大连理工大学吧" is the 吧 named "大连理工大学"
    info = PLATFORM_INFO.get(platform)
    return value if info is not None and info.case_sensitive else value.lower()
