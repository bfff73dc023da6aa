"""Derived state of a report, without the database; the MonthlyReport proxy keeps its kind and its history."""

from datetime import date, datetime

import pytest

from mediagov.activity.models import MonthlyReport, Report, ReportKind, ReportState
from mediagov.activity.reports import ReportError, next_month, parse_period, previous_month, report_window
from mediagov.policy.pack import RuleSpec

from .report_builders import reporting_account


def report(**fields) -> Report:
    return Report(kind=ReportKind.MONTHLY, period=date(2026, 3, 1), due_on=date(2026, 4, 5), **fields)


def test_late_is_after_the_window_submitted_or_not():
    assert not report().is_late(date(2026, 4, 5))
    assert report().is_late(date(2026, 4, 6))
    submitted = report(submitted_at=datetime(2026, 4, 9), late=True)
    assert submitted.is_late(date(2026, 4, 9))
    assert not report(submitted_at=datetime(2026, 4, 2), late=False).is_late(date(2026, 5, 1))


def test_who_is_awaited():
    assert report().editable and not report().awaits_unit
    assert report(state=ReportState.SUBMITTED).awaits_unit
    assert not report(state=ReportState.SUBMITTED).awaits_department
    assert report(
        state=ReportState.SUBMITTED, classified=True
    ).awaits_department  # straight to the department
    assert report(state=ReportState.UNIT_REVIEWED).awaits_department
    assert not report(state=ReportState.REVIEWED).awaits_department


def test_count_differs_only_when_both_are_known():
    assert report(post_count=3, observed_count=2).count_differs
    assert not report(post_count=2, observed_count=2).count_differs
    assert not report(post_count=None, observed_count=2).count_differs


def test_months_and_windows():
    spec = RuleSpec(id="m", kind="report_window", article="第十五条", params={"first_day": 1, "last_day": 31})
    assert report_window(spec, date(2026, 1, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert parse_period("2026-3") == date(2026, 3, 1)
    with pytest.raises(ReportError, match="YYYY-MM"):
        parse_period("三月")


@pytest.mark.django_db
def test_monthly_report_proxy_is_the_monthly_kind_with_history(world):
    account = reporting_account(world)
    Report.objects.create(account=account, kind=ReportKind.ANNUAL, period=date(2026, 1, 1))
    monthly = MonthlyReport.objects.create(account=account, period=date(2026, 3, 1))
    assert monthly.kind == ReportKind.MONTHLY
    assert list(MonthlyReport.objects.all()) == [monthly] and Report.objects.count() == 2
    monthly.note = "补充说明"
    monthly.save()
    assert Report.history.filter(id=monthly.pk).count() == 2
