"""Importing a State Council notice, overrides, and the override cache."""

from datetime import date

import pytest
from django.db import transaction

from mediagov.core.errors import ImportFileError
from mediagov.core.models import ActionLog
from mediagov.workdays import services
from mediagov.workdays.models import CalendarYear, WorkdayOverride
from mediagov.workdays.services import (
    CalendarDataMissing,
    add_working_days,
    calendar_import,
    calendar_text_decode,
    is_workday,
    workday_override_delete,
    workday_override_save,
)

pytestmark = pytest.mark.django_db


def test_import_of_the_2025_2026_notices(holidays_text, django_user_model):
    user = django_user_model.objects.create_user("importer")
    summary = calendar_import(holidays_text, source="holidays.txt", user=user)
    assert summary == {"years": [2025, 2026], "holidays": 61, "workdays": 11, "created": 72, "updated": 0}
    assert set(CalendarYear.objects.values_list("year", flat=True)) == {2025, 2026}
    national_day = WorkdayOverride.objects.get(date=date(2025, 10, 6))
    assert (national_day.is_workday, national_day.name, national_day.source) == (
        False,
        "国庆节、中秋节",
        "holidays.txt",
    )
    assert national_day.updated_by == user
    adjusted = WorkdayOverride.objects.get(date=date(2026, 2, 14))
    assert (adjusted.is_workday, adjusted.name) == (True, "春节")
    assert WorkdayOverride.objects.filter(is_workday=True).count() == 11
    logs = ActionLog.objects.filter(action="calendar.imported")
    assert logs.count() == 1
    assert logs.get().obj == CalendarYear.objects.get(year=2025)
    assert logs.get().user == user
    assert logs.get().data["holidays"] == 61


def test_import_is_idempotent(holidays_text):
    calendar_import(holidays_text, source="first")
    summary = calendar_import(holidays_text, source="second")
    assert (summary["created"], summary["updated"]) == (0, 72)
    assert WorkdayOverride.objects.count() == 72
    assert CalendarYear.objects.count() == 2
    assert set(WorkdayOverride.objects.values_list("source", flat=True)) == {"second"}


def test_importing_a_2027_notice_makes_2027_computable(notice_2027):
    with pytest.raises(CalendarDataMissing):
        add_working_days(date(2026, 12, 30), 3)
    summary = calendar_import(notice_2027, source="2027通知")
    assert summary["years"] == [2027]
    assert (summary["holidays"], summary["workdays"]) == (11, 1)
    assert is_workday(date(2027, 1, 1)) is False  # 元旦
    assert is_workday(date(2027, 1, 4)) is True  # an ordinary Monday
    assert is_workday(date(2027, 1, 9)) is False  # an ordinary Saturday
    assert is_workday(date(2027, 2, 20)) is True  # Saturday, 调休上班
    assert is_workday(date(2027, 2, 21)) is False
    # 12-31 (Thursday), then 2027-01-04 and 01-05: 元旦 01-01..03 skipped.
    assert add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)
    # 02-06..02-13 off, 02-14 Sunday: 02-15 and 02-16.
    assert add_working_days(date(2027, 2, 5), 2) == date(2027, 2, 16)
    with pytest.raises(CalendarDataMissing) as caught:
        is_workday(date(2028, 1, 3))
    assert caught.value.year == 2028


def test_year_line_declares_a_year_without_special_days():
    assert calendar_import("YEAR 2028\n", source="t")["years"] == [2028]
    assert is_workday(date(2028, 1, 3)) is True
    assert is_workday(date(2028, 1, 1)) is False
    assert WorkdayOverride.objects.count() == 0


def test_a_single_override_does_not_declare_its_year():
    workday_override_save(day=date(2027, 10, 1), is_workday=False, name="国庆节")
    assert is_workday(date(2027, 10, 1)) is False
    with pytest.raises(CalendarDataMissing):
        is_workday(date(2027, 10, 8))


def test_overrides_win_over_package_data(django_user_model):
    user = django_user_model.objects.create_user("editor")
    assert is_workday(date(2025, 10, 8)) is False
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    workday_override_save(day=date(2025, 10, 8), is_workday=True, name="演练", user=user)
    assert is_workday(date(2025, 10, 8)) is True
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 8)
    # And a day off on an ordinary Monday.
    workday_override_save(day=date(2025, 11, 3), is_workday=False, name="校庆", user=user)
    assert add_working_days(date(2025, 10, 31), 1) == date(2025, 11, 4)
    log = ActionLog.objects.filter(action="calendar.override_saved").first()
    assert log.user == user
    assert log.data["date"] == "2025-11-03"

    assert workday_override_delete(day=date(2025, 10, 8), user=user) is True
    assert is_workday(date(2025, 10, 8)) is False
    assert workday_override_delete(day=date(2025, 10, 8), user=user) is False


def test_override_save_updates_in_place():
    workday_override_save(day=date(2026, 3, 9), is_workday=False, name="旧")
    workday_override_save(day=date(2026, 3, 9), is_workday=False, name="新")
    assert list(WorkdayOverride.objects.values_list("name", flat=True)) == ["新"]
    log = ActionLog.objects.filter(action="calendar.override_saved").first()
    assert log.data["previous"] == {"is_workday": False, "name": "旧"}


def _error_of(text: str) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        calendar_import(text, source="bad")
    return caught.value


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("HOLIDAY 2027-02-06 2027-02-13 春节 9", "天数", "共8天"),
        ("HOLIDAY 2027-02-13 2027-02-06 春节", "结束日期", "早于"),
        ("HOLIDAY 2027-02-30 2027-03-01 春节", "开始日期", "不是有效日期"),
        ("HOLIDAY 2027/02/06 2027-02-13 春节", "开始日期", "YYYY-MM-DD"),
        ("HOLIDAY 2027-02-06 2027-02-13", "名称", "缺少"),
        ("HOLIDAY 2027-01-01 2027-06-01 元旦", "结束日期", "超过"),
        ("WORKDAY 2027-02-20 Sun 春节", "星期", "周六"),
        ("WORKDAY 2027-02-22 春节", "日期", "调休上班日应在周末"),
        ("WORKDAY 2027-02-20 周六", "名称", "缺少"),
        ("WORKDAY 2027-01-02 Sat 元旦", "日期", "第2行"),  # already a holiday on line 2
        ("YEAR 27", "年份", "四位"),
        ("HOLYDAY 2027-02-06 2027-02-13 春节", "类型", "HOLYDAY"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_imported(line, field, words):
    text = f"# 2027\nHOLIDAY 2027-01-01 2027-01-03 元旦 3\n{line}\nWORKDAY 2027-02-20 Sat 春节\n"
    error = _error_of(text)
    assert len(error.errors) == 1
    line_no, got_field, message = error.errors[0]
    assert (line_no, got_field) == (3, field)
    assert words in message
    assert error.lines("x.txt")[0].startswith("x.txt：第3行")
    assert WorkdayOverride.objects.count() == 0
    assert CalendarYear.objects.count() == 0


def test_every_bad_line_is_reported():
    error = _error_of("HOLIDAY 2027-01-01\n\nWORKDAY 2027-01-04 元旦\nFOO\n")
    assert [row for row, _field, _msg in error.errors] == [1, 3, 4]


@pytest.mark.parametrize("text", ["", "# only a comment\n\n", "   \n"])
def test_an_empty_file_is_an_error(text):
    assert "没有" in _error_of(text).message


def test_import_is_all_or_nothing_when_writing_fails(monkeypatch, notice_2027):
    def boom(*args, **kwargs):
        raise RuntimeError("audit log down")

    monkeypatch.setattr(services, "log_action", boom)
    with pytest.raises(RuntimeError):
        calendar_import(notice_2027, source="t")
    assert WorkdayOverride.objects.count() == 0
    assert CalendarYear.objects.count() == 0
    with pytest.raises(CalendarDataMissing):
        is_workday(date(2027, 1, 4))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_decode_accepts_utf8_bom_gbk(encoding, notice_2027):
    text = calendar_text_decode(notice_2027.encode(encoding))
    assert text.lstrip("\ufeff") == notice_2027
    assert calendar_import(text, source=encoding)["holidays"] == 11


def test_decode_refuses_a_huge_file():
    with pytest.raises(ImportFileError):
        calendar_text_decode(b"#" * (services.IMPORT_MAX_BYTES + 1))


def test_reads_are_not_cached_inside_a_transaction(django_assert_num_queries):
    # Every test here runs inside a transaction: each call reads the override table afresh.
    with django_assert_num_queries(2):
        is_workday(date(2025, 10, 8))
    with django_assert_num_queries(2):
        add_working_days(date(2025, 9, 30), 20)


@pytest.mark.django_db(transaction=True)
def test_cache_is_used_and_invalidated_outside_transactions(django_assert_num_queries, notice_2027):
    assert is_workday(date(2025, 10, 8)) is False
    with django_assert_num_queries(0):
        assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    workday_override_save(day=date(2025, 10, 8), is_workday=True, name="演练")
    assert is_workday(date(2025, 10, 8)) is True
    WorkdayOverride.objects.filter(date=date(2025, 10, 8)).get().delete()
    assert is_workday(date(2025, 10, 8)) is False

    # A rolled-back import leaves nothing behind, in the database or in the cache.
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_import(notice_2027, source="t")
        assert is_workday(date(2027, 1, 4)) is True
        raise RuntimeError("roll back")
    with pytest.raises(CalendarDataMissing):
        is_workday(date(2027, 1, 4))


@pytest.mark.django_db(transaction=True)
def test_a_transaction_sees_its_own_writes_whatever_the_cache_holds():
    assert is_workday(date(2025, 10, 8)) is False  # caches the committed table
    stale = services._cache
    assert stale is not None
    with transaction.atomic():
        workday_override_save(day=date(2025, 10, 8), is_workday=True, name="演练")
        services._cache = stale  # as if another thread had cached the committed rows meanwhile
        assert is_workday(date(2025, 10, 8)) is True
    # The commit clears the cache again.
    assert is_workday(date(2025, 10, 8)) is True
