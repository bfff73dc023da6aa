"""Working days in mainland China, and deadlines counted in them.

Whether a date is a working day comes from, in this order:

1. `WorkdayOverride` rows: corrections entered by an administrator and days imported from a State Council
   (国务院办公厅) notice. They always win.
2. The chinese-calendar package (1.11 covers 2004–2026 and raises NotImplementedError beyond).
3. A year declared covered by an imported notice (`CalendarYear`): Monday to Friday work, weekends are off;
   the notice's holidays and adjusted working days are overrides (step 1).

A date none of these covers raises `CalendarDataMissing`: we never guess.

"Within N working days after D" is the N-th working day strictly after D; D itself never counts, whether or
not it is a working day. See docs/workdays.md.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError, ImportFileError
from mediagov.core.scoping import has_role
from mediagov.org.models import Role

from .models import CalendarYear, WorkdayOverride

UNITS = ("working_days", "calendar_days", "weeks")
DIRECTIONS = ("after", "before")
MANUAL_SOURCE = "手工调整"
WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
# chinese-calendar names its holidays in English.
PACKAGE_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
IMPORT_MAX_BYTES = 1024 * 1024
NAME_MAX_LENGTH = WorkdayOverride._meta.get_field("name").max_length
MIN_YEAR, MAX_YEAR = 1949, 2100
# A holiday period longer than this is a typo in an import file, not a notice.
HOLIDAY_MAX_DAYS = 31


class CalendarDataMissing(DomainError):
    """No holiday data for `year`: neither the package, nor an imported notice, nor an override covers it."""

    def __init__(self, year: int):
        super().__init__(
            f"{year}年的节假日安排尚未导入，无法计算工作日（请用 mediagov calendar import 导入国务院办公厅通知）",
            code="calendar_data_missing",
        )
        self.year = year


# --- the per-process snapshot of the override table -------------------------------------------------------

# Seconds a snapshot is reused. Saves and deletes in this process clear it at once (signals.py); the limit
# bounds how long an edit made in another process (web worker, Celery) stays unseen here.
CACHE_SECONDS = 60


@dataclass(frozen=True)
class _Snapshot:
    overrides: dict[date, bool]
    years: frozenset[int]
    loaded_at: float
    # year -> one flag per day of the year (True = working day), filled on first use.
    flags: dict[int, list[bool]] = field(default_factory=dict)


_cache: _Snapshot | None = None


def calendar_cache_clear(**_kwargs) -> None:
    """Forget the cached override table; the next call reads the database again."""
    global _cache
    _cache = None


def _snapshot() -> _Snapshot:
    """The override table and the imported years, read once per public call.

    Inside a transaction we always read the database and never cache: what we would read there may still
    be rolled back, and the cache may predate this transaction's own writes.
    """
    global _cache
    in_transaction = connections[DEFAULT_DB_ALIAS].in_atomic_block
    cached = _cache
    if not in_transaction and cached is not None and time.monotonic() - cached.loaded_at < CACHE_SECONDS:
        return cached
    snap = _Snapshot(
        overrides=dict(WorkdayOverride.objects.values_list("date", "is_workday")),
        years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        loaded_at=time.monotonic(),
    )
    if not in_transaction:
        _cache = snap
    return snap


# --- working days ---------------------------------------------------------------------------------------


def _check_date(d) -> None:
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}: {d!r}")


def _package_is_workday(d: date) -> bool | None:
    """chinese-calendar's answer, or None for a year it has no data for."""
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return None


def _package_covers(year: int) -> bool:
    return _package_is_workday(date(year, 1, 1)) is not None


def _is_workday(d: date, snap: _Snapshot) -> bool:
    flags = snap.flags.get(d.year)
    if flags is None:
        try:
            flags = _year_flags(d.year, snap)
        except CalendarDataMissing:
            flags = []  # no data for the year as a whole: only single overridden days answer
        snap.flags[d.year] = flags
    if not flags:
        return _day_is_workday(d, snap)
    return flags[d.timetuple().tm_yday - 1]


def _year_flags(year: int, snap: _Snapshot) -> list[bool]:
    """Every day of `year` as working (True) or not; raises CalendarDataMissing for a year without data."""
    day, flags = date(year, 1, 1), []
    while day.year == year:
        flags.append(_day_is_workday(day, snap))
        day += timedelta(days=1)
    return flags


def _day_is_workday(d: date, snap: _Snapshot) -> bool:
    override = snap.overrides.get(d)
    if override is not None:
        return override
    package = _package_is_workday(d)
    if package is not None:
        return package
    if d.year in snap.years:
        return d.weekday() < 5
    raise CalendarDataMissing(d.year)


def is_workday(d: date) -> bool:
    """Whether `d` is a working day. Raises CalendarDataMissing for a year without data."""
    _check_date(d)
    return _is_workday(d, _snapshot())


def add_working_days(d: date, n: int) -> date:
    """The n-th working day strictly after `d` (before it for negative n); `d` itself never counts.

    n == 0 returns `d` unchanged.
    """
    _check_date(d)
    if n == 0:
        return d
    snap = _snapshot()
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = d
    while remaining:
        current += step
        if _is_workday(current, snap):
            remaining -= 1
    return current


def add_calendar_days(d: date, n: int) -> date:
    _check_date(d)
    return d + timedelta(days=n)


def add_weeks(d: date, n: int) -> date:
    _check_date(d)
    return d + timedelta(weeks=n)


def due_date(start: date, amount: int, unit: str, direction: str = "after") -> date:
    """`amount` working days, calendar days or weeks after (or before) `start`."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; expected one of {', '.join(DIRECTIONS)}")
    signed = amount if direction == "after" else -amount
    if unit == "working_days":
        return add_working_days(start, signed)
    if unit == "calendar_days":
        return add_calendar_days(start, signed)
    return add_weeks(start, signed)


def working_days_between(a: date, b: date) -> int:
    """The number of working days in (a, b]; negative, -(working days in (b, a]), when b < a."""
    _check_date(a)
    _check_date(b)
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    snap = _snapshot()
    count = 0
    current = a
    while current < b:
        current += timedelta(days=1)
        if _is_workday(current, snap):
            count += 1
    return sign * count


# --- a year at a glance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    """A day worth showing: a holiday, an adjusted working day, or any override."""

    date: date
    is_workday: bool
    name: str
    override: bool
    source: str

    @property
    def weekday_label(self) -> str:
        return WEEKDAY_LABELS[self.date.weekday()]

    @property
    def kind_label(self) -> str:
        if not self.is_workday:
            return "放假"
        return "调休上班" if self.date.weekday() >= 5 else "上班"

    @property
    def origin_label(self) -> str:
        if self.override:
            return self.source or "节假日调整"
        return "内置数据（chinese-calendar）"


@dataclass(frozen=True)
class CalendarYearView:
    year: int
    coverage: str  # "package", "imported" or "missing"
    imported: CalendarYear | None
    days: list[CalendarDay]
    workday_count: int | None
    missing_message: str

    @property
    def coverage_label(self) -> str:
        return {
            "package": "内置数据（chinese-calendar）",
            "imported": "已导入国务院办公厅通知",
            "missing": "尚无数据",
        }[self.coverage]


def calendar_year_describe(*, year: int) -> CalendarYearView:
    """The holidays and adjusted working days of `year`, from the package and the overrides."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(f"年份{year}超出范围（{MIN_YEAR}–{MAX_YEAR}）")
    snap = _snapshot()
    overrides = {o.date: o for o in WorkdayOverride.objects.filter(date__year=year)}
    imported = CalendarYear.objects.filter(year=year).first()
    if _package_covers(year):
        coverage = "package"
    elif imported is not None:
        coverage = "imported"
    else:
        coverage = "missing"
    days: list[CalendarDay] = []
    current, end = date(year, 1, 1), date(year, 12, 31)
    while current <= end:
        o = overrides.get(current)
        if o is not None:
            days.append(CalendarDay(current, o.is_workday, o.name, True, o.source))
        elif coverage == "package":
            off, name = chinese_calendar.get_holiday_detail(current)
            works = not off
            weekend = current.weekday() >= 5
            if name is not None or works == weekend:
                label = PACKAGE_HOLIDAY_NAMES.get(name, name or "")
                days.append(CalendarDay(current, works, label, False, ""))
        current += timedelta(days=1)
    workday_count = None
    missing_message = ""
    if coverage == "missing":
        missing_message = CalendarDataMissing(year).message
    else:
        start = date(year, 1, 1)
        workday_count = sum(
            _is_workday(start + timedelta(days=i), snap) for i in range((end - start).days + 1)
        )
    return CalendarYearView(year, coverage, imported, days, workday_count, missing_message)


# --- editing ----------------------------------------------------------------------------------------------


def calendar_can_edit(user) -> bool:
    """Whether `user` may edit overrides and import notices: 宣传部, 网信中心 (any institution) or staff."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or has_role(user, Role.PROPAGANDA) or has_role(user, Role.IT_CENTER))


def _editor(user):
    return user if user is not None and user.is_authenticated else None


def workday_override_save(
    *, day: date, is_workday: bool, name: str = "", user=None, source: str = MANUAL_SOURCE
) -> WorkdayOverride:
    """Declare `day` a working day or a day off, creating or updating its override."""
    _check_date(day)
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"名称不能超过{NAME_MAX_LENGTH}个字")
    with transaction.atomic():
        previous = WorkdayOverride.objects.filter(date=day).first()
        override, created = WorkdayOverride.objects.update_or_create(
            date=day,
            defaults={"is_workday": is_workday, "name": name, "source": source, "updated_by": _editor(user)},
        )
        data = {"date": day.isoformat(), "is_workday": is_workday, "name": name, "created": created}
        if previous is not None:
            data["previous"] = {"is_workday": previous.is_workday, "name": previous.name}
        log_action(override, "calendar.override_saved", user=_editor(user), data=data)
    return override


def workday_override_delete(*, day: date, user=None) -> bool:
    """Remove the override of `day`, if any; the package data or the weekday rule apply again."""
    _check_date(day)
    with transaction.atomic():
        override = WorkdayOverride.objects.filter(date=day).first()
        if override is None:
            return False
        data = {
            "date": day.isoformat(),
            "deleted": True,
            "previous": {"is_workday": override.is_workday, "name": override.name},
        }
        log_action(override, "calendar.override_saved", user=_editor(user), data=data)
        override.delete()
    return True


# --- importing a State Council notice ---------------------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_RE = re.compile(r"^\d{4}$")
_WEEKDAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))},
    "saturday": 5,
    "sunday": 6,
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
}


class _Errors(list):
    def add(self, line_no: int, field: str, message: str) -> None:
        self.append((line_no, field, message))


def _parse_date(token: str, line_no: int, field: str, errors: _Errors) -> date | None:
    if not _DATE_RE.match(token):
        errors.add(line_no, field, f"“{token}”不是日期，应写成 YYYY-MM-DD，如 2027-01-01")
        return None
    try:
        value = date.fromisoformat(token)
    except ValueError:
        errors.add(line_no, field, f"“{token}”不是有效日期")
        return None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        errors.add(line_no, field, f"“{token}”的年份超出范围（{MIN_YEAR}–{MAX_YEAR}）")
        return None
    return value


def _parse_name(tokens: list[str], index: int, line_no: int, what: str, errors: _Errors) -> str | None:
    if len(tokens) <= index:
        errors.add(line_no, "名称", f"缺少{what}")
        return None
    name = tokens[index]
    if len(name) > NAME_MAX_LENGTH:
        errors.add(line_no, "名称", f"名称不能超过{NAME_MAX_LENGTH}个字")
        return None
    return name


@dataclass
class CalendarNotice:
    """A parsed import file: day -> (name, line number) for holidays and adjusted working days."""

    holidays: dict[date, tuple[str, int]]
    workdays: dict[date, tuple[str, int]]
    years: set[int]


def _claim(
    parsed: CalendarNotice, day: date, name: str, line_no: int, holiday: bool, errors: _Errors
) -> None:
    for kind, table in (("放假", parsed.holidays), ("调休上班", parsed.workdays)):
        if day in table:
            errors.add(line_no, "日期", f"{day.isoformat()}已在第{table[day][1]}行列为{kind}，不能重复")
            return
    (parsed.holidays if holiday else parsed.workdays)[day] = (name, line_no)
    parsed.years.add(day.year)


def _parse_holiday(tokens: list[str], line_no: int, parsed: CalendarNotice, errors: _Errors) -> None:
    if len(tokens) < 3:
        errors.add(line_no, "结束日期", "HOLIDAY 行应为：HOLIDAY 开始日期 结束日期 名称 [天数] [备注]")
        return
    start = _parse_date(tokens[1], line_no, "开始日期", errors)
    end = _parse_date(tokens[2], line_no, "结束日期", errors)
    name = _parse_name(tokens, 3, line_no, "节日名称", errors)
    if start is None or end is None or name is None:
        return
    if end < start:
        errors.add(line_no, "结束日期", f"结束日期{end.isoformat()}早于开始日期{start.isoformat()}")
        return
    span = (end - start).days + 1
    if span > HOLIDAY_MAX_DAYS:
        errors.add(line_no, "结束日期", f"放假{span}天，超过{HOLIDAY_MAX_DAYS}天，请检查起止日期")
        return
    if len(tokens) > 4 and tokens[4].isdigit() and int(tokens[4]) != span:
        errors.add(
            line_no, "天数", f"写的是{tokens[4]}天，但{start.isoformat()}至{end.isoformat()}共{span}天"
        )
        return
    for i in range(span):
        _claim(parsed, start + timedelta(days=i), name, line_no, True, errors)


def _parse_workday(tokens: list[str], line_no: int, parsed: CalendarNotice, errors: _Errors) -> None:
    if len(tokens) < 2:
        errors.add(line_no, "日期", "WORKDAY 行应为：WORKDAY 日期 [星期] 关联节日名称")
        return
    day = _parse_date(tokens[1], line_no, "日期", errors)
    name_index = 2
    weekday = _WEEKDAYS.get(tokens[2].lower()) if len(tokens) > 2 else None
    if weekday is not None:
        name_index = 3
        if day is not None and day.weekday() != weekday:
            errors.add(
                line_no,
                "星期",
                f"{day.isoformat()}是{WEEKDAY_LABELS[day.weekday()]}，不是“{tokens[2]}”",
            )
            return
    name = _parse_name(tokens, name_index, line_no, "关联的节日名称", errors)
    if day is None or name is None:
        return
    if day.weekday() < 5:
        errors.add(
            line_no,
            "日期",
            f"{day.isoformat()}是{WEEKDAY_LABELS[day.weekday()]}，本来就上班，调休上班日应在周末",
        )
        return
    _claim(parsed, day, name, line_no, False, errors)


def _parse_year(tokens: list[str], line_no: int, parsed: CalendarNotice, errors: _Errors) -> None:
    token = tokens[1] if len(tokens) > 1 else ""
    if not _YEAR_RE.match(token):
        errors.add(line_no, "年份", f"“{token}”不是年份，应写成四位数字，如 YEAR 2027")
        return
    year = int(token)
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors.add(line_no, "年份", f"年份{year}超出范围（{MIN_YEAR}–{MAX_YEAR}）")
        return
    parsed.years.add(year)


_PARSERS = {"HOLIDAY": _parse_holiday, "WORKDAY": _parse_workday, "YEAR": _parse_year}


def calendar_parse(text: str) -> CalendarNotice:
    """Parse the import format (docs/workdays.md); raises ImportFileError listing every bad line."""
    parsed = CalendarNotice(holidays={}, workdays={}, years=set())
    errors = _Errors()
    for line_no, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = line.split()
        parser = _PARSERS.get(tokens[0].upper())
        if parser is None:
            errors.add(
                line_no,
                "类型",
                f"无法识别“{tokens[0]}”，每行应以 HOLIDAY、WORKDAY 或 YEAR 开头（注释以 # 开头）",
            )
            continue
        parser(tokens, line_no, parsed, errors)
    if errors:
        raise ImportFileError(f"节假日文件有{len(errors)}处错误，未导入任何内容", errors=list(errors))
    if not parsed.years:
        raise ImportFileError(
            "文件中没有任何放假（HOLIDAY）、调休上班（WORKDAY）或年份（YEAR）行，未导入任何内容"
        )
    return parsed


def calendar_text_decode(data: bytes) -> str:
    """An uploaded notice file as text: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportFileError(f"文件过大（超过{IMPORT_MAX_BYTES // 1024}KB），节假日文件应是几十行的纯文本")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的纯文本文件")


def calendar_import(text: str, *, source: str, user=None) -> dict:
    """Import a notice in the documented text format: all or nothing, idempotent.

    Every year mentioned becomes a CalendarYear; each HOLIDAY date a day-off override, each WORKDAY date a
    working-day override. Overrides of other dates are left alone. Returns a summary.
    """
    parsed = calendar_parse(text)
    editor = _editor(user)
    created = updated = 0
    with transaction.atomic():
        years = {}
        for year in sorted(parsed.years):
            years[year], _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        for table, works in ((parsed.holidays, False), (parsed.workdays, True)):
            for day, (name, _line) in sorted(table.items()):
                _, was_created = WorkdayOverride.objects.update_or_create(
                    date=day,
                    defaults={"is_workday": works, "name": name, "source": source, "updated_by": editor},
                )
                created += was_created
                updated += not was_created
        summary = {
            "years": sorted(parsed.years),
            "holidays": len(parsed.holidays),
            "workdays": len(parsed.workdays),
            "created": created,
            "updated": updated,
        }
        first = years[min(years)]
        log_action(first, "calendar.imported", user=editor, data={"source": source, **summary})
    calendar_cache_clear()
    return summary


def calendar_summary_text(summary: dict) -> str:
    """The Chinese one-line summary of `calendar_import`'s result."""
    years = "、".join(f"{y}年" for y in summary["years"])
    return (
        f"已导入{years}的节假日安排：放假{summary['holidays']}天，调休上班{summary['workdays']}天"
        f"（新增{summary['created']}条，更新{summary['updated']}条）"
    )
