"""Importing posts (发布记录) from .xlsx/.csv files: what each registered account published, and when.

Each row names a registered account of the institution (平台 + 帐号ID) and one post (发布时间, 标题, and
optionally 链接 and 正文). The import is all or nothing, like the ledger's: every row is checked first and
every problem is reported together (row number, column, Chinese message); nothing is written unless the
whole file is valid. It is idempotent: a post is identified by `post_fingerprint` (its link, else its time
and title), so importing the same file twice, or a file that overlaps an earlier one, adds only new posts.
See docs/imports.md, "发布记录（posts）".

Large files are read lazily (`read_table(lazy=True)`): only a compact plan of each distinct post is kept,
and the posts are written in batches once the whole file has been checked.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from mediagov.core.audit import log_action
from mediagov.core.errors import ImportFileError
from mediagov.core.scoping import is_department
from mediagov.core.tabular import Row, parse_date, read_table
from mediagov.org.models import Institution
from mediagov.registry.models import MediaAccount
from mediagov.registry.platforms import PLATFORM_INFO, HandleError, normalise_handle, platform_from_text

from .models import Post, PostSource, post_fingerprint

POSTS_MAX_ROWS = 1_000_000
WRITE_BATCH = 2000  # posts per INSERT
LOOKUP_CHUNK = 900  # fingerprints per "already imported?" query (under SQLite's old 999-parameter limit)

# Our column → the headers accepted for it (compared without whitespace, 账/帐 and the case of Latin letters).
COLUMNS: dict[str, tuple[str, ...]] = {
    "平台": ("平台", "发布平台", "platform"),
    "帐号ID": ("帐号ID", "原始ID", "帐号链接", "主页链接"),
    "发布时间": ("发布时间", "发布日期", "发表时间", "发表日期"),
    "标题": ("标题", "文章标题", "作品标题", "内容标题", "title"),
    "链接": ("链接", "文章链接", "原文链接", "作品链接", "网址", "url"),
    "正文": ("正文", "摘要", "内容", "正文/摘要", "正文摘要", "文章内容"),
}
REQUIRED_HEADERS = ["平台", "帐号ID", "发布时间", "标题"]

_TITLE_MAX = Post._meta.get_field("title").max_length
_URL_MAX = Post._meta.get_field("url").max_length
_url_validator = URLValidator(schemes=["http", "https"])
_EARLIEST_YEAR = 1990  # before any university new-media account: a typo


def _header_key(header: str) -> str:
    return header.replace("账", "帐").lower()


_HEADER_KEYS = {_header_key(alias): ours for ours, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class PostImportResult:
    rows: int = 0  # data rows in the file
    created: int = 0  # posts added
    skipped_existing: int = 0  # posts imported before (same account and fingerprint)
    duplicates: int = 0  # rows repeating an earlier row of the same file
    account_ids: list[int] = field(default_factory=list)  # accounts the file has posts for
    dry_run: bool = False
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def accounts(self) -> int:
        return len(self.account_ids)


@dataclass(slots=True)
class _Plan:
    """One distinct post to write: the columns of Post, already checked."""

    account_id: int
    published_at: datetime
    title: str
    url: str
    text: str
    fingerprint: str


# --- cells ----------------------------------------------------------------------------------------------


def _as_text(value) -> str:
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
        moment = _parse_text(text)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


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


def _check_range(moment: datetime, now: datetime) -> None:
    if moment.year < _EARLIEST_YEAR:
        raise ValueError(f"发布时间{moment:%Y-%m-%d}过早，请核对年份")
    if moment > now + timedelta(days=1):
        raise ValueError(f"发布时间{timezone.localtime(moment):%Y-%m-%d %H:%M}晚于当前时间，请核对")


def _url(text: str) -> str:
    url = text if "://" in text else "https://" + text.lstrip("/")
    if len(url) > _URL_MAX:
        raise ValueError(f"不能超过{_URL_MAX}个字符（现有{len(url)}个）")
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


# --- import ---------------------------------------------------------------------------------------------


def _map_headers(headers: Iterable[str]) -> tuple[dict[str, str], list[str], list[tuple[str, str]]]:
    """({our column: header in the file}, ignored headers, [(header, our column) given twice])."""
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for header in headers:
        ours = _HEADER_KEYS.get(_header_key(header))
        if ours is None:
            ignored.append(header)
        elif ours in mapping:
            duplicates.append((header, ours))
        else:
            mapping[ours] = header
    return mapping, ignored, duplicates


def _plan_row(row: Row, mapping: dict[str, str], accounts: _Accounts, now: datetime, errors: list):
    """The row's plan, or None after appending its errors (in column order)."""
    cells = {ours: row.get(header, "") for ours, header in mapping.items()}
    count = len(errors)

    def fail(column: str, message: str) -> None:
        errors.append((row.number, column, message))

    platform_text = _as_text(cells["平台"])
    platform = platform_from_text(platform_text) if platform_text else None
    if not platform_text:
        fail("平台", "不能为空")
    elif platform is None:
        fail("平台", f"无法识别的平台“{platform_text}”")
    account = None
    raw_id = re.sub(r"\s+", "", _as_text(cells["帐号ID"]))
    if not raw_id:
        fail("帐号ID", "不能为空")
    elif platform:
        try:
            account = accounts.find(platform, raw_id)
        except ValueError as exc:
            fail("帐号ID", str(exc))
        else:
            if not accounts.allowed(account):
                fail("帐号ID", "无权导入该帐号的发布记录")
    published_at = None
    try:
        published_at = parse_published_at(cells["发布时间"])
        _check_range(published_at, now)
    except ValueError as exc:
        fail("发布时间", str(exc))
    title = _as_text(cells["标题"])
    if not title:
        fail("标题", "不能为空")
    elif len(title) > _TITLE_MAX:
        fail("标题", f"不能超过{_TITLE_MAX}个字符（现有{len(title)}个）")
    url = ""
    link = _as_text(cells.get("链接", ""))
    if link:
        try:
            url = _url(link)
        except ValueError as exc:
            fail("链接", str(exc))
    if len(errors) > count or account is None or published_at is None:
        return None
    published_at = published_at.astimezone(UTC)  # one fingerprint per instant, whatever the offset
    return _Plan(
        account_id=account.pk,
        published_at=published_at,
        title=title,
        url=url,
        text=_as_text(cells.get("正文", "")),
        fingerprint=post_fingerprint(account.pk, published_at, title, url),
    )


def _plan(rows: Iterable[Row], mapping, accounts: _Accounts, result: PostImportResult, errors: list):
    """{account id: {fingerprint: plan}} of the distinct posts of the file; counts rows and duplicates."""
    plans: dict[int, dict[str, _Plan]] = {}
    now = timezone.now()
    for row in rows:
        result.rows += 1
        plan = _plan_row(row, mapping, accounts, now, errors)
        if plan is None:
            continue
        posts = plans.setdefault(plan.account_id, {})
        if plan.fingerprint in posts:
            result.duplicates += 1
        else:
            posts[plan.fingerprint] = plan
    return plans


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(plans: dict[int, dict[str, _Plan]], result: PostImportResult, *, dry_run: bool) -> None:
    """Insert the posts not imported before, in batches; counts created and skipped_existing."""
    for account_id, posts in plans.items():
        for batch in _chunks(list(posts.values()), WRITE_BATCH):
            existing: set[str] = set()
            for chunk in _chunks([p.fingerprint for p in batch], LOOKUP_CHUNK):
                # Ordered by fingerprint, SQLite reads the (account, fingerprint) unique index; unordered it
                # scans all the account's posts through the (account, published_at) index.
                found = Post.objects.filter(account_id=account_id, fingerprint__in=chunk).order_by(
                    "fingerprint"
                )
                existing.update(found.values_list("fingerprint", flat=True))
            new = [p for p in batch if p.fingerprint not in existing]
            result.skipped_existing += len(batch) - len(new)
            result.created += len(new)
            if new and not dry_run:
                Post.objects.bulk_create(
                    [
                        Post(
                            account_id=p.account_id,
                            published_at=p.published_at,
                            title=p.title,
                            url=p.url,
                            text=p.text,
                            source=PostSource.IMPORT,
                            fingerprint=p.fingerprint,
                        )
                        for p in new
                    ],
                    batch_size=WRITE_BATCH,
                    ignore_conflicts=True,  # a concurrent import got there first: still one post
                )


def post_import(
    *, institution: Institution, data: bytes, filename: str, dry_run: bool = False, user=None
) -> PostImportResult:
    """Import a posts file for `institution`'s registered accounts: all rows or none (see the module
    docstring). With `user` (the web) rows for accounts the user may not file for are errors; the
    propaganda department, and the CLI (no user), may import for every account of the institution.

    With `dry_run` everything is checked and counted, and nothing is written.
    """
    table = read_table(data, filename, max_rows=POSTS_MAX_ROWS, lazy=True)
    mapping, ignored, duplicates = _map_headers(table.headers)
    if duplicates:
        raise ImportFileError(
            f"表头重复：{'、'.join(h for h, _ in duplicates)}",
            errors=[(1, h, f"与另一列同为“{ours}”列") for h, ours in duplicates],
        )
    missing = [h for h in REQUIRED_HEADERS if h not in mapping]
    if missing:
        raise ImportFileError(
            f"缺少必需的列：{'、'.join(missing)}", errors=[(1, h, "缺少必需的列") for h in missing]
        )
    result = PostImportResult(dry_run=dry_run, ignored_headers=ignored)
    errors: list[tuple[int | None, str, str]] = []
    plans = _plan(table.rows, mapping, _Accounts(institution, user), result, errors)
    if errors:
        bad_rows = len({e[0] for e in errors})
        raise ImportFileError(f"发布记录文件有{bad_rows}行存在错误，未导入任何数据", errors=errors)
    result.account_ids = sorted(plans)

    try:
        with transaction.atomic():
            if not dry_run:
                # One posts import per institution at a time (on PostgreSQL), so that the counts are exact.
                list(Institution.objects.select_for_update().filter(pk=institution.pk).values_list("pk"))
            _write(plans, result, dry_run=dry_run)
            if not dry_run:
                log_action(
                    institution,
                    "post.imported",
                    user=user,
                    institution=institution,
                    data={
                        "file": filename,
                        "rows": result.rows,
                        "created": result.created,
                        "skipped_existing": result.skipped_existing,
                        "duplicates": result.duplicates,
                        "accounts": result.accounts,
                    },
                )
    except IntegrityError:
        raise ImportFileError("导入时与其他操作发生数据冲突，未导入任何数据，请重试") from None
    return result
