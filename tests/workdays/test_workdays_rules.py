"""Working-day rules on the official 2025 and 2026 calendars (policies/holidays.txt)."""

from datetime import date, datetime, timedelta

import pytest

from mediagov.workdays import services
from mediagov.workdays.services import (
    CalendarDataMissing,
    add_calendar_days,
    add_weeks,
    add_working_days,
    calendar_import,
    due_date,
    is_workday,
    working_days_between,
)

pytestmark = pytest.mark.django_db


def _span(start: str, end: str) -> set[date]:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    return {a + timedelta(days=i) for i in range((b - a).days + 1)}


# Written out from the notices, independently of both the package and our importer.
HOLIDAYS = set().union(
    _span("2025-01-01", "2025-01-01"),
    _span("2025-01-28", "2025-02-04"),
    _span("2025-04-04", "2025-04-06"),
    _span("2025-05-01", "2025-05-05"),
    _span("2025-05-31", "2025-06-02"),
    _span("2025-10-01", "2025-10-08"),
    _span("2026-01-01", "2026-01-03"),
    _span("2026-02-15", "2026-02-23"),
    _span("2026-04-04", "2026-04-06"),
    _span("2026-05-01", "2026-05-05"),
    _span("2026-06-19", "2026-06-21"),
    _span("2026-09-25", "2026-09-27"),
    _span("2026-10-01", "2026-10-07"),
)
ADJUSTED_WORKDAYS = {
    date.fromisoformat(d)
    for d in (
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    )
}


@pytest.fixture(params=["package", "notice"])
def source(request, monkeypatch, holidays_text):
    """Run each test twice: on chinese-calendar's data, and on the imported notices alone (package off)."""
    if request.param == "notice":
        monkeypatch.setattr(services, "_package_is_workday", lambda d: None)
        calendar_import(holidays_text, source="holidays.txt")
    return request.param


def test_every_day_of_2025_and_2026_matches_the_notices(source):
    day = date(2025, 1, 1)
    wrong = []
    while day.year < 2027:
        expected = day in ADJUSTED_WORKDAYS or (day.weekday() < 5 and day not in HOLIDAYS)
        if is_workday(day) != expected:
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-26", True),  # Sunday, 春节调休上班
        ("2025-02-08", True),  # Saturday, 春节调休上班
        ("2025-01-28", False),  # 除夕
        ("2025-02-04", False),  # 正月初七
        ("2025-10-01", False),
        ("2025-10-06", False),  # 中秋 inside 国庆
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-11", True),  # Saturday, 国庆调休上班
        ("2025-10-12", False),  # an ordinary Sunday
        ("2026-01-04", True),  # Sunday, 元旦调休上班
        ("2026-02-14", True),  # Saturday, 春节调休上班
        ("2026-02-15", False),
        ("2026-02-23", False),  # Monday, last day of 春节
        ("2026-02-24", True),
        ("2026-03-10", True),  # an ordinary Tuesday
    ],
)
def test_is_workday_on_notice_days(source, day, expected):
    assert is_workday(date.fromisoformat(day)) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # The N-th working day strictly after D, across 国庆 2025.
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 3, "2025-10-11"),  # 10-09, 10-10, then Saturday 10-11 (调休)
        ("2025-09-26", 1, "2025-09-28"),  # Friday -> Sunday 09-28 (调休)
        ("2025-10-03", 1, "2025-10-09"),  # starting on a holiday
        ("2025-10-08", 2, "2025-10-10"),
        ("2025-10-09", 1, "2025-10-10"),  # D itself never counts, even on a working day
        # Across 春节 2026.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-12", 3, "2026-02-24"),  # 02-13, 02-14 (调休), then 02-24
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-24", 4, "2026-02-28"),  # 02-25, 02-26, 02-27, Saturday 02-28 (调休)
        ("2025-12-31", 1, "2026-01-04"),  # across the year, onto Sunday 01-04 (调休)
        ("2025-01-24", 1, "2025-01-26"),
        # Negative n: the N-th working day strictly before D.
        ("2025-10-09", -1, "2025-09-30"),
        ("2025-10-11", -3, "2025-09-30"),
        ("2026-02-24", -1, "2026-02-14"),
        ("2026-02-24", -2, "2026-02-13"),
        ("2025-10-05", -1, "2025-09-30"),
        # n == 0 is D itself, even on a holiday.
        ("2025-10-01", 0, "2025-10-01"),
    ],
)
def test_add_working_days(source, start, n, expected):
    assert add_working_days(date.fromisoformat(start), n) == date.fromisoformat(expected)


def test_working_days_count_matches_a_full_year():
    # 2025: 365 days, 104 weekend days, 5 adjusted weekend workdays, 18 holidays on Mon-Fri
    # (元旦 1, 春节 6, 清明 1, 劳动节 3, 端午 1, 国庆中秋 6).
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 365 - 104 + 5 - 18


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2025-09-30", "2025-10-11", 3),
        ("2025-10-11", "2025-09-30", -3),
        ("2025-09-30", "2025-09-30", 0),
        ("2025-09-30", "2025-10-08", 0),
        ("2026-02-13", "2026-02-24", 2),
        ("2025-10-01", "2025-10-09", 1),
    ],
)
def test_working_days_between(a, b, expected):
    assert working_days_between(date.fromisoformat(a), date.fromisoformat(b)) == expected


@pytest.mark.parametrize(("start", "end"), [("2025-09-30", "2025-10-11"), ("2026-02-10", "2026-03-02")])
def test_working_days_between_inverts_add_working_days(start, end):
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    assert add_working_days(a, working_days_between(a, b)) == b
    assert add_working_days(b, working_days_between(b, a)) == a


def test_calendar_days_and_weeks_ignore_holidays():
    assert add_calendar_days(date(2025, 9, 30), 3) == date(2025, 10, 3)
    assert add_calendar_days(date(2025, 10, 3), -3) == date(2025, 9, 30)
    assert add_weeks(date(2025, 9, 30), 2) == date(2025, 10, 14)
    assert add_weeks(date(2026, 2, 14), -1) == date(2026, 2, 7)
    # They need no holiday data at all.
    assert add_calendar_days(date(2027, 6, 1), 10) == date(2027, 6, 11)
    assert add_weeks(date(2030, 1, 1), 1) == date(2030, 1, 8)


@pytest.mark.parametrize(
    ("unit", "direction", "expected"),
    [
        ("working_days", "after", "2025-10-11"),
        ("working_days", "before", "2025-09-26"),  # 09-29, Sunday 09-28 (调休), 09-26
        ("calendar_days", "after", "2025-10-03"),
        ("calendar_days", "before", "2025-09-27"),
        ("weeks", "after", "2025-10-21"),
        ("weeks", "before", "2025-09-09"),
    ],
)
def test_due_date(unit, direction, expected):
    assert due_date(date(2025, 9, 30), 3, unit, direction) == date.fromisoformat(expected)


def test_due_date_defaults_to_after():
    assert due_date(date(2026, 2, 13), 1, "working_days") == date(2026, 2, 14)


@pytest.mark.parametrize(
    ("unit", "direction"), [("months", "after"), ("working_days", "sideways"), ("", "after")]
)
def test_due_date_rejects_unknown_unit_or_direction(unit, direction):
    with pytest.raises(ValueError):
        due_date(date(2025, 9, 30), 3, unit, direction)


def test_missing_year_raises_naming_the_year():
    with pytest.raises(CalendarDataMissing) as caught:
        is_workday(date(2027, 1, 4))
    assert caught.value.year == 2027
    assert "2027年" in str(caught.value)
    assert "mediagov calendar import" in caught.value.message


def test_counting_into_a_missing_year_raises_instead_of_guessing():
    # 2026-12-31 is a Thursday with data; the next working day would be in 2027.
    assert add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    with pytest.raises(CalendarDataMissing) as caught:
        add_working_days(date(2026, 12, 30), 3)
    assert caught.value.year == 2027
    with pytest.raises(CalendarDataMissing):
        due_date(date(2026, 12, 30), 3, "working_days")
    with pytest.raises(CalendarDataMissing):
        working_days_between(date(2026, 12, 30), date(2027, 1, 8))
    with pytest.raises(CalendarDataMissing) as caught:
        add_working_days(date(2004, 1, 5), -5)
    assert caught.value.year == 2003


def test_datetimes_are_refused():
    with pytest.raises(TypeError):
        is_workday(datetime(2025, 10, 1, 9, 0))
    with pytest.raises(TypeError):
        add_working_days("2025-10-01", 1)
