"""Importing posts (发布记录) from .xlsx/.csv files: what each registered account published, and when.

Four layouts are accepted, told apart by their headers (`detect_layout`, docs/imports.md):

- the generic layout: one row per post of any registered account of the institution (平台 + 帐号ID name the
  account; 发布时间, 标题, and optionally 链接 and 正文);
- the back-office exports of one account: the WeChat 公众号 list of published articles (内容标题, 发表时间, …),
  Weibo's 博文 export (博文内容, 发布时间, …) and Douyin 创作者中心's 作品数据 (作品名称, 发布时间, …). They
  have no account columns: the caller names the account (`account=`), and its platform must match.

The import is all or nothing: every row is checked first and every problem is reported together (row number,
column, Chinese message); nothing is written unless the whole file is valid. It is idempotent: a post is
identified by `post_fingerprint` (its link, else its time and title), so importing the same file twice, or a
file that overlaps an earlier one, adds only new posts.

It streams: the file is read as it is consumed (`open_table`), each checked row goes in chunks into a
temporary staging table of the same transaction (COPY on PostgreSQL, executemany on SQLite), and one
`INSERT … SELECT … ON CONFLICT DO NOTHING` moves the new posts into place, so memory stays flat for a million
rows (bench/import.py). A dry run (the preview) fills the same staging table and only counts.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mediagov.core.audit import log_action
from mediagov.core.errors import ImportFileError
from mediagov.core.scoping import is_department
from mediagov.core.tabular import Row, open_table, parse_date
from mediagov.org.models import Institution
from mediagov.registry.models import MediaAccount
from mediagov.registry.platforms import (
    PLATFORM_INFO,
    HandleError,
    Platform,
    normalise_handle,
    platform_from_text,
)

from .models import Post, PostSource, post_fingerprint

POSTS_MAX_ROWS = 1_000_000
STAGE_CHUNK = 5000  # checked rows per COPY (INSERT on SQLite) into the staging table, and per progress report
MAX_ERRORS = 1000  # row errors kept and reported; the rest are counted
NO_TITLE = "（无标题）"  # an export row without a title (a Weibo picture post, an untitled Douyin work)
SUMMARY_MAX = 100  # characters of a Weibo post's first line used as its title

# Our column → the headers accepted for it in the generic layout (compared without whitespace, 账/帐 and the
# case of Latin letters).
COLUMNS: dict[str, tuple[str, ...]] = {
    "平台": ("平台", "发布平台", "platform"),
    "帐号ID": ("帐号ID", "原始ID", "帐号链接", "主页链接"),
    "发布时间": ("发布时间", "发布日期", "发表时间", "发表日期"),
    "标题": ("标题", "文章标题", "作品标题", "内容标题", "title"),
    "链接": ("链接", "文章链接", "原文链接", "作品链接", "网址", "url"),
    "正文": ("正文", "摘要", "内容", "正文/摘要", "正文摘要", "文章内容"),
}
REQUIRED_HEADERS = ["平台", "帐号ID", "发布时间", "标题"]


@dataclass(frozen=True)
class Layout:
    """A file layout: which headers mean which column, which are required, and how it is recognised."""

    code: str
    label: str
    platform: str | None  # the platform of a one-account export; None for the generic layout
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    signature: tuple[str, ...]  # headers that only this layout has: the more present, the likelier
    sample: str  # docs/samples/<sample>

    @property
    def single_account(self) -> bool:
        return self.platform is not None

    @property
    def source(self) -> str:
        return PostSource.EXPORT if self.single_account else PostSource.IMPORT

    def expected(self) -> str:
        """The headers it needs, for messages: the first accepted name of each required column."""
        return "、".join(self.columns[c][0] for c in self.required)


GENERIC = Layout(
    "generic",
    "通用格式",
    None,
    COLUMNS,
    tuple(REQUIRED_HEADERS),
    ("平台", "帐号ID"),
    "posts-sample.csv",
)
WECHAT = Layout(
    "wechat",
    "微信公众号后台“发表记录”导出",
    Platform.WECHAT,
    {
        "标题": ("内容标题", "文章标题", "标题"),
        "发布时间": ("发表时间", "群发时间", "发布时间"),
        "链接": ("内容url", "内容链接", "文章链接", "原文链接", "链接"),
        "正文": ("摘要", "文章摘要"),
    },
    ("标题", "发布时间"),
    (
        "内容标题",
        "发表时间",
        "群发时间",
        "总阅读人数",
        "总阅读次数",
        "总分享人数",
        "送达人数",
        "阅读后关注人数",
    ),
    "posts-wechat-sample.csv",
)
WEIBO = Layout(
    "weibo",
    "微博后台“博文”导出",
    Platform.WEIBO,
    {
        "正文": ("博文内容", "微博内容", "微博正文"),
        "发布时间": ("发布时间", "发博时间"),
        "链接": ("博文链接", "微博链接", "链接"),
    },
    ("正文", "发布时间"),
    ("博文内容", "微博内容", "微博正文", "博文链接", "微博链接", "博文ID", "转发数", "转评赞"),
    "posts-weibo-sample.csv",
)
DOUYIN = Layout(
    "douyin",
    "抖音创作者中心“作品数据”导出",
    Platform.DOUYIN,
    {
        "标题": ("作品名称", "作品标题", "作品描述"),
        "发布时间": ("发布时间",),
        "链接": ("作品链接", "视频链接"),
        "作品ID": ("作品ID", "视频ID"),
    },
    ("标题", "发布时间"),
    ("作品名称", "作品ID", "作品链接", "播放量", "完播率", "5s完播率", "体裁", "审核状态"),
    "posts-douyin-sample.csv",
)
LAYOUTS: dict[str, Layout] = {layout.code: layout for layout in (GENERIC, WECHAT, WEIBO, DOUYIN)}
DOUYIN_VIDEO_URL = "https://www.douyin.com/video/{}"

_TITLE_MAX = Post._meta.get_field("title").max_length
_URL_MAX = Post._meta.get_field("url").max_length
_url_validator = URLValidator(schemes=["http", "https"])
_EARLIEST_YEAR = 1990  # before any university new-media account: a typo


def _header_key(header: str) -> str:
    return header.replace("账", "帐").lower()


def _header_keys(layout: Layout) -> dict[str, str]:
    return {_header_key(alias): ours for ours, aliases in layout.columns.items() for alias in aliases}


@dataclass
class PostImportResult:
    rows: int = 0  # data rows in the file
    created: int = 0  # posts added (with dry_run: that would be added)
    skipped_existing: int = 0  # posts imported before (same account and fingerprint)
    duplicates: int = 0  # rows repeating an earlier row of the same file
    error_rows: int = 0  # rows with errors (a dry run counts the others all the same)
    account_ids: list[int] = field(default_factory=list)  # accounts the file has posts for
    dry_run: bool = False
    ignored_headers: list[str] = field(default_factory=list)
    layout: str = ""  # Layout.code
    encoding: str = ""  # a CSV's codec

    @property
    def accounts(self) -> int:
        return len(self.account_ids)

    @property
    def layout_label(self) -> str:
        return LAYOUTS[self.layout].label if self.layout in LAYOUTS else ""


Progress = Callable[[int, float | None], None]  # (rows read so far, fraction of the file read or None)


# --- cells ----------------------------------------------------------------------------------------------


def _as_text(value) -> str:
    if type(value) is str:
        return value  # read_table has stripped it
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_TIME = (
    r"(?P<H>\d{1,2})(?:[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2})(?:[.,]\d+)?)?"
    r"|时(?P<M2>\d{1,2})分(?:(?P<S2>\d{1,2})秒)?)"
)
_DATETIME_RE = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    rf"(?:(?:\s*T\s*|\s+|(?<=日)){_TIME})?"
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}))?",
    re.IGNORECASE,
)
_DATETIME_HELP = "请使用2026-10-03 08:00、2026/10/3 8:00或2026-10-03（即0点）格式"


def parse_published_at(value) -> datetime:
    """A 发布时间 cell → an aware datetime. ValueError carries the Chinese message.

    Accepts an Excel date or datetime cell, "2026-10-03 08:00[:00]", "2026/10/3 8:00", "2026.10.3 8:00",
    "2026年10月3日 8时0分", ISO 8601 ("2026-10-03T08:00:00+08:00"), and dates alone (0:00). Times without
    an offset are in settings.TIME_ZONE (Asia/Shanghai).
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError("不能为空")
        moment = _parse_iso(text) or _parse_text(text)
    if moment.tzinfo is None:
        # what make_aware does (zoneinfo); combine() is replace(tzinfo=…) at a fifth of its cost
        moment = datetime.combine(moment, moment.time(), timezone.get_default_timezone())
    return moment


def _parse_iso(text: str) -> datetime | None:
    """The common "2026-10-03 08:00[:00]" and ISO 8601 forms, parsed by datetime (fast); else None."""
    if len(text) < 16 or text[4] != "-" or text[7] != "-" or text[10] not in " T":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None  # the regular expression explains what is wrong


def _parse_text(text: str) -> datetime:
    match = _DATETIME_RE.fullmatch(text)
    if match is None:
        try:
            day = parse_date(text)  # 20261003 and the other date-only forms
        except ValueError:
            raise ValueError(f"无法识别的时间“{text}”，{_DATETIME_HELP}") from None
        return datetime(day.year, day.month, day.day)
    g = match.groupdict()
    tz = None
    if g["tz"]:
        if g["tz"].upper() == "Z":
            tz = UTC
        else:
            sign = -1 if g["tz"][0] == "-" else 1
            digits = g["tz"][1:].replace(":", "")
            tz = dt_timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return datetime(
            int(g["y"]),
            int(g["m"]),
            int(g["d"]),
            int(g["H"] or 0),
            int(g["M"] or g["M2"] or 0),
            int(g["S"] or g["S2"] or 0),
            tzinfo=tz,
        )
    except ValueError:
        raise ValueError(f"时间“{text}”不存在") from None


def _earliest() -> datetime:
    return datetime(_EARLIEST_YEAR, 1, 1, tzinfo=timezone.get_default_timezone()).astimezone(UTC)


def _check_range(moment: datetime, latest: datetime, earliest: datetime | None = None) -> None:
    """`latest` is a day after now: a later time is a typo (a clock a little ahead is not). Compared in UTC
    when `moment` is, which is quickest."""
    if moment < (earliest or _earliest()):
        raise ValueError(f"发布时间{timezone.localtime(moment):%Y-%m-%d}过早，请核对年份")
    if moment > latest:
        raise ValueError(f"发布时间{timezone.localtime(moment):%Y-%m-%d %H:%M}晚于当前时间，请核对")


# The common shape of a post link (an ASCII host name, no credentials, no spaces): what URLValidator accepts
# too, checked about 20 times faster. Anything else goes through URLValidator.
_PLAIN_URL_RE = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?(?:[/?#][!-~]*)?",
    re.IGNORECASE,
)


def _url(text: str) -> str:
    url = text if "://" in text else "https://" + text.lstrip("/")
    if len(url) > _URL_MAX:
        raise ValueError(f"不能超过{_URL_MAX}个字符（现有{len(url)}个）")
    if _PLAIN_URL_RE.fullmatch(url):
        return url
    try:
        _url_validator(url)
    except ValidationError:
        raise ValueError(f"链接格式不正确：“{text}”") from None
    return url


# --- accounts -------------------------------------------------------------------------------------------


class _Accounts:
    """The institution's registered accounts, found by platform and 帐号ID (an id, a handle or a URL)."""

    def __init__(self, institution: Institution, user=None):
        self.by_handle: dict[tuple[str, str], MediaAccount] = {}
        self.by_id: dict[tuple[str, str], dict[int, MediaAccount]] = {}
        accounts = MediaAccount.objects.filter(institution=institution).select_related("responsible_unit")
        for account in accounts:
            if account.handle:
                self.by_handle[(account.platform, account.handle)] = account
            raw = account.platform_id.strip()
            if raw:
                keys = {raw}
                try:
                    keys.add(normalise_handle(account.platform, raw))
                except HandleError:
                    pass
                for key in keys - {""}:
                    self.by_id.setdefault((account.platform, key), {})[account.pk] = account
        # Without a user (the CLI) or for the department every account may be imported for.
        self.user = None if user is None or is_department(user, institution) else user
        self._found: dict[tuple[str, str], MediaAccount | str] = {}
        self._allowed: dict[int, bool] = {}

    def find(self, platform: str, raw: str) -> MediaAccount:
        """The account, or ValueError with the Chinese message."""
        key = (platform, raw)
        if key not in self._found:
            self._found[key] = self._lookup(platform, raw)
        found = self._found[key]
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _lookup(self, platform: str, raw: str) -> MediaAccount | str:
        label = PLATFORM_INFO[platform].label
        problem = ""
        try:
            handle = normalise_handle(platform, raw)
        except HandleError as exc:
            handle, problem = "", str(exc)
        if handle and (platform, handle) in self.by_handle:
            return self.by_handle[(platform, handle)]
        found: dict[int, MediaAccount] = {}
        for key in {raw, handle} - {""}:
            found.update(self.by_id.get((platform, key), {}))
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            names = "、".join(f"“{a.name}”" for a in found.values())
            return f"帐号ID“{raw}”对应多个已登记的{label}帐号：{names}，请改填帐号主页链接"
        return problem or f"未找到已登记的{label}帐号“{raw}”，请核对帐号ID或先在帐号台账中登记该帐号"

    def allowed(self, account: MediaAccount) -> bool:
        if self.user is None:
            return True
        if account.pk not in self._allowed:
            self._allowed[account.pk] = self.user.has_perm("registry.file_account", account)
        return self._allowed[account.pk]


def find_account(institution: Institution, spec: str) -> MediaAccount:
    """The registered account named by "平台:帐号ID" (the CLI's --account): `wechat:gh_0123456789ab`,
    `微博:1234567890`, `抖音:https://www.douyin.com/user/…`. The 帐号ID is matched as in the generic layout."""
    platform_text, sep, raw = spec.replace("：", ":").partition(":")
    platform = platform_from_text(platform_text.strip()) if sep else None
    raw = re.sub(r"\s+", "", raw)
    if platform is None or not raw:
        raise ImportFileError(
            f"无法识别帐号“{spec}”，请写成 平台:帐号ID，如 wechat:gh_0123456789ab 或 微博:1234567890"
        )
    try:
        return _Accounts(institution).find(platform, raw)
    except ValueError as exc:
        raise ImportFileError(str(exc)) from None


# --- layouts ------------------------------------------------------------------------------------------


def _map_headers(
    headers: list[str], layout: Layout
) -> tuple[dict[str, str], list[str], list[tuple[str, str]]]:
    """({our column: header in the file}, ignored headers, [(header, our column) given twice])."""
    keys = _header_keys(layout)
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for header in headers:
        ours = keys.get(_header_key(header))
        if ours is None:
            ignored.append(header)
        elif ours in mapping:
            duplicates.append((header, ours))
        else:
            mapping[ours] = header
    return mapping, ignored, duplicates


def _unknown_layout(headers: list[str], message: str) -> ImportFileError:
    shown = "、".join(headers[:12]) + ("等" if len(headers) > 12 else "")
    return ImportFileError(
        f"{message}。文件的表头为：{shown}",
        errors=[
            (None, layout.label, f"须有列：{layout.expected()}（示例文件 docs/samples/{layout.sample}）")
            for layout in LAYOUTS.values()
        ],
    )


def detect_layout(headers: list[str]) -> tuple[Layout, dict[str, str], list[str]]:
    """The file's layout from its headers: (layout, {our column: header}, ignored headers).

    A file with a 平台 or 帐号ID column is the generic layout. Otherwise the export whose signature headers
    (内容标题/总阅读人数…, 博文内容/转发数…, 作品名称/播放量…) are most present. Raises ImportFileError for a
    file that fits none (listing what each layout needs), fits two equally, lacks a required column, or names
    one column twice.
    """
    present = {_header_key(h) for h in headers}
    generic = {_header_key(a) for column in ("平台", "帐号ID") for a in COLUMNS[column]}
    if present & generic:
        layout = GENERIC
    else:
        scores = {
            code: sum(1 for h in lay.signature if _header_key(h) in present)
            for code, lay in LAYOUTS.items()
            if lay.single_account
        }
        best = max(scores.values())
        winners = [code for code, score in scores.items() if score == best]
        if best == 0:
            raise _unknown_layout(headers, "无法识别文件格式：表头与任何一种可导入的格式都不符")
        if len(winners) > 1:
            labels = "、".join(LAYOUTS[c].label for c in winners)
            raise _unknown_layout(headers, f"无法确定文件格式：表头同时符合{labels}")
        layout = LAYOUTS[winners[0]]
    mapping, ignored, duplicates = _map_headers(headers, layout)
    if duplicates:
        raise ImportFileError(
            f"表头重复：{'、'.join(h for h, _ in duplicates)}",
            errors=[(1, h, f"与另一列同为“{ours}”列") for h, ours in duplicates],
        )
    missing = [c for c in layout.required if c not in mapping]
    if missing:
        names = [layout.columns[c][0] for c in missing]
        where = "" if layout is GENERIC else f"（文件按{layout.label}识别）"
        raise ImportFileError(
            f"缺少必需的列：{'、'.join(names)}{where}", errors=[(1, n, "缺少必需的列") for n in names]
        )
    return layout, mapping, ignored


def _check_account(layout: Layout, account: MediaAccount | None, institution: Institution, user) -> None:
    """The chosen account of a one-account export: given, of this institution and platform, allowed."""
    if not layout.single_account:
        if account is not None and account.institution_id != institution.pk:
            raise ImportFileError("所选帐号不属于本校")
        return
    label = PLATFORM_INFO[layout.platform].label
    if account is None:
        raise ImportFileError(
            f"该文件是{layout.label}，只含一个{label}帐号的发布记录，没有“平台”“帐号ID”列："
            "请指定它属于哪个帐号（网页上选择帐号；命令行用 --account 平台:帐号ID）"
        )
    if account.institution_id != institution.pk:
        raise ImportFileError("所选帐号不属于本校")
    if account.platform != layout.platform:
        raise ImportFileError(
            f"所选帐号“{account.name}”是{account.get_platform_display()}帐号，而该文件是{layout.label}，"
            f"请选择{label}帐号"
        )
    if user is not None and not is_department(user, institution):
        if not user.has_perm("registry.file_account", account):
            raise ImportFileError(f"无权导入帐号“{account.name}”的发布记录")


# --- rows -----------------------------------------------------------------------------------------------


class _Errors:
    """Row errors: the first MAX_ERRORS kept, all counted, and the rows that had any."""

    def __init__(self):
        self.items: list[tuple[int | None, str, str]] = []
        self.count = 0
        self.rows = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append((row, column, message))


class _Checker:
    """Turns one row of a layout into the staging tuple (row, account, published_at, title, url, text,
    fingerprint), or records its errors. Row errors come in column order."""

    def __init__(
        self, layout: Layout, mapping: dict[str, str], accounts: "_Accounts | None", account, errors
    ):
        self.layout = layout
        self.cols = mapping
        self.accounts = accounts
        self.account = account  # the chosen account: every row's account (exports) or a constraint (generic)
        self.errors = errors
        self.latest = timezone.now().astimezone(UTC) + timedelta(days=1)
        self.earliest = _earliest()
        self.platforms: dict[str, str | None] = {}
        self.account_ids: set[int] = set()

    def check(self, row: Row) -> tuple | None:
        errors = self.errors
        before = errors.count
        cols = self.cols
        if self.layout.single_account:
            account = self.account
        else:
            account = self._generic_account(row)
        published_at = None
        try:
            # in UTC: one fingerprint per instant, whatever the offset
            published_at = parse_published_at(row.get(cols["发布时间"], "")).astimezone(UTC)
            _check_range(published_at, self.latest, self.earliest)
        except ValueError as exc:
            errors.add(row.number, "发布时间", str(exc))
            published_at = None
        text = _as_text(row.get(cols["正文"], "")) if "正文" in cols else ""
        if self.layout is WEIBO:
            title = _summary(text)
        else:
            title = _as_text(row.get(cols["标题"], ""))
        if len(title) > _TITLE_MAX:
            errors.add(row.number, "标题", f"不能超过{_TITLE_MAX}个字符（现有{len(title)}个）")
        elif not title:
            if self.layout.single_account:
                title = NO_TITLE
            else:
                errors.add(row.number, "标题", "不能为空")
        url = ""
        link = _as_text(row.get(cols["链接"], "")) if "链接" in cols else ""
        if not link and "作品ID" in cols:
            work_id = _as_text(row.get(cols["作品ID"], ""))
            link = DOUYIN_VIDEO_URL.format(work_id) if work_id else ""
        if link:
            try:
                url = _url(link)
            except ValueError as exc:
                errors.add(row.number, "链接", str(exc))
        if errors.count > before or account is None or published_at is None:
            errors.rows += 1
            return None
        account_id = account.id
        self.account_ids.add(account_id)
        return (
            row.number,
            account_id,
            published_at,
            title,
            url,
            text,
            post_fingerprint(account_id, published_at, title, url),
        )

    def _generic_account(self, row: Row):
        errors = self.errors
        cols = self.cols
        platform_text = _as_text(row.get(cols["平台"], ""))
        if platform_text not in self.platforms:
            self.platforms[platform_text] = platform_from_text(platform_text) if platform_text else None
        platform = self.platforms[platform_text]
        if not platform_text:
            errors.add(row.number, "平台", "不能为空")
        elif platform is None:
            errors.add(row.number, "平台", f"无法识别的平台“{platform_text}”")
        raw_id = _as_text(row.get(cols["帐号ID"], ""))
        if " " in raw_id or "\t" in raw_id or "\u3000" in raw_id:
            raw_id = re.sub(r"\s+", "", raw_id)
        if not raw_id:
            errors.add(row.number, "帐号ID", "不能为空")
            return None
        if not platform:
            return None
        try:
            account = self.accounts.find(platform, raw_id)
        except ValueError as exc:
            errors.add(row.number, "帐号ID", str(exc))
            return None
        if not self.accounts.allowed(account):
            errors.add(row.number, "帐号ID", "无权导入该帐号的发布记录")
            return None
        if self.account is not None and account.pk != self.account.pk:
            errors.add(row.number, "帐号ID", f"与所选帐号“{self.account.name}”不符")
            return None
        return account


def _summary(text: str) -> str:
    """A Weibo post's title: its first non-blank line, cut at SUMMARY_MAX characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= SUMMARY_MAX else line[: SUMMARY_MAX - 1] + "…"


# --- writing ------------------------------------------------------------------------------------------

STAGE = "post_import_stage"
_STAGE_COLUMNS = "row_no, account_id, published_at, title, url, text, fingerprint"
_POST_COLUMNS = "account_id, published_at, title, url, text, source, fingerprint, imported_at"


class _Writer:
    """Writes the checked rows, chunk by chunk, in the caller's transaction.

    Every chunk is appended to a temporary staging table (on PostgreSQL by one COPY a chunk, on SQLite by
    INSERT). `close()` then, for an import, moves the whole stage into the posts table with one
    `INSERT … SELECT … ORDER BY account_id, published_at ON CONFLICT (account_id, fingerprint) DO NOTHING` and
    counts what was inserted; for a dry run `existing()` counts, in one query, the staged posts the database
    has already. In one sorted insert each account's index pages are written once, where an insert per chunk
    walks all of them every chunk (docs/performance.md). Between chunks the connection is free.
    """

    def __init__(self, *, dry_run: bool, source: str):
        self.dry_run = dry_run
        self.source = source
        self.postgres = connection.vendor == "postgresql"
        self.created = 0

    def start(self) -> "_Writer":
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            stamp = "timestamptz" if self.postgres else "text"
            cur.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (row_no integer, account_id bigint, published_at {stamp}, "
                "title text, url text, text text, fingerprint text)"
            )
        return self

    def add(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.postgres:
            self._write_sqlite(rows)
            return
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cur,
            cur.copy(f"COPY {STAGE} ({_STAGE_COLUMNS}) FROM STDIN") as copy,
        ):
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def close(self) -> None:
        """For an import, move the stage into the posts table in index order; new posts only."""
        if self.dry_run:
            return
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {Post._meta.db_table} ({_POST_COLUMNS}) SELECT account_id, published_at, title, "
                f"url, text, %s, fingerprint, %s FROM {STAGE} WHERE true ORDER BY account_id, published_at "
                "ON CONFLICT (account_id, fingerprint) DO NOTHING",  # WHERE: SQLite's ON-CONFLICT parse rule
                [self.source, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            self.created = cur.rowcount

    def _write_sqlite(self, rows: list[tuple]) -> None:
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {STAGE} ({_STAGE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(r[0], r[1], adapt(r[2]), r[3], r[4], r[5], r[6]) for r in rows],
            )

    def existing(self) -> int:
        """How many staged posts (a dry run's) are in the database already."""
        post = Post._meta.db_table
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT count(*) FROM {STAGE} s WHERE EXISTS (SELECT 1 FROM {post} p "
                "WHERE p.account_id = s.account_id AND p.fingerprint = s.fingerprint)"
            )
            return cur.fetchone()[0]

    @staticmethod
    def drop() -> None:
        """Drop the staging table (after the transaction: a rolled-back one has dropped it already)."""
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")


# --- import ---------------------------------------------------------------------------------------------


def post_import(
    *,
    institution: Institution,
    filename: str,
    data: bytes | None = None,
    path: str | Path | BinaryIO | None = None,
    account: MediaAccount | None = None,
    dry_run: bool = False,
    user=None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> PostImportResult:
    """Import a posts file for `institution`'s registered accounts: all rows or none (see the module
    docstring). The file is `data` (bytes) or `path` (a path or a seekable binary file, streamed); its name
    `filename` says the format. `account` is the account of a one-account export (and, with the generic
    layout, the only account rows may name).

    With `user` (the web) rows for accounts the user may not file for are errors; the propaganda department,
    and the CLI (no user), may import for every account of the institution. With `dry_run` everything is
    checked and counted, and nothing is written; a dry run that finds errors still counts the valid rows and
    attaches them to the error as `exc.result`. `progress(rows, fraction)` is called every STAGE_CHUNK rows.

    Rows that repeat an earlier row of the file (the same fingerprint) are counted as duplicates and not
    written: the first one wins. Their fingerprints are kept as integers while the file is read (about
    80 bytes per post).
    """
    source = data if data is not None else path
    if source is None:
        raise TypeError("post_import needs data or path")
    table = open_table(source, filename, max_rows=POSTS_MAX_ROWS, max_bytes=max_bytes)
    layout, mapping, ignored = detect_layout(table.headers)
    _check_account(layout, account, institution, user)
    # An export's other columns (阅读数, 点赞量, …) are expected: only the generic layout lists what it ignores.
    ignored = [] if layout.single_account else ignored
    result = PostImportResult(dry_run=dry_run, ignored_headers=ignored, layout=layout.code)
    result.encoding = table.encoding
    errors = _Errors()
    accounts = None if layout.single_account else _Accounts(institution, user)
    checker = _Checker(layout, mapping, accounts, account, errors)
    fraction = table.fraction or (lambda: None)
    seen: set[int] = set()
    try:
        with transaction.atomic():
            if not dry_run:
                # One posts import per institution at a time (on PostgreSQL), so that the counts are exact.
                list(Institution.objects.select_for_update().filter(pk=institution.pk).values_list("pk"))
            started = timezone.now()  # the posts written now are imported at or after this
            writer = _Writer(dry_run=dry_run, source=layout.source).start()
            chunk: list[tuple] = []
            for row in table.rows:
                result.rows += 1
                checked = checker.check(row)
                if checked is not None:
                    key = int(checked[6], 16)
                    if key in seen:
                        result.duplicates += 1
                    else:
                        seen.add(key)
                        if dry_run or not errors.count:  # after an error only checking goes on
                            chunk.append(checked)
                if result.rows % STAGE_CHUNK == 0:
                    writer.add(chunk)
                    chunk = []
                    if progress:
                        progress(result.rows, fraction())
            writer.add(chunk)
            if progress:  # every row is read: what remains is the database's (the insert, the commit)
                progress(result.rows, fraction())
            writer.close()
            distinct = len(seen)
            seen.clear()
            result.error_rows = errors.rows
            result.account_ids = sorted(checker.account_ids)
            if errors.count and not dry_run:
                raise _row_errors(errors, result)
            if dry_run:
                result.skipped_existing = writer.existing()
                result.created = distinct - result.skipped_existing
                if errors.count:
                    raise _row_errors(errors, result)
                return result
            result.created = writer.created
            result.skipped_existing = distinct - result.created
            if result.created:
                _screen_later(result.account_ids, started)
            log_action(
                institution,
                "post.imported",
                user=user,
                institution=institution,
                data={
                    "file": filename,
                    "layout": layout.code,
                    "account": account.pk if layout.single_account else None,
                    "rows": result.rows,
                    "created": result.created,
                    "skipped_existing": result.skipped_existing,
                    "duplicates": result.duplicates,
                    "accounts": result.accounts,
                },
            )
    except IntegrityError:
        raise ImportFileError("导入时与其他操作发生数据冲突，未导入任何数据，请重试") from None
    finally:
        _Writer.drop()
    return result


def _screen_later(account_ids: list[int], started: datetime) -> None:
    """Screen the posts just written, in the background after the commit (docs/screening.md)."""
    from mediagov.screening.posts import posts_screen_later

    new = Post.objects.filter(account_id__in=account_ids, imported_at__gte=started).order_by()
    posts_screen_later(new.values_list("pk", flat=True))


def _row_errors(errors: _Errors, result: PostImportResult) -> ImportFileError:
    message = f"发布记录文件有{errors.rows}行存在错误，未导入任何数据"
    if errors.count > len(errors.items):
        message += f"（共{errors.count}个问题，只列出前{len(errors.items)}个）"
    exc = ImportFileError(message, errors=errors.items)
    exc.result = result
    exc.error_count = errors.count
    return exc
