"""Which reminder reaches whom on which day: stages, audiences, working days, downtime and idempotency."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mediagov.compliance.models import FindingState
from mediagov.notifications import tasks
from mediagov.notifications.models import Delivery, Notification, Webhook
from mediagov.notifications.services import reminders_run
from mediagov.org.models import Institution
from mediagov.registry.models import Filing
from mediagov.workdays.services import calendar_import

from ..registry.factories import file_new
from .conftest import make_finding, mech_account, sub_unit

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")


def run_on(day: date) -> dict:
    """The daily task, as beat would run it at 08:00 Beijing time on `day`."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 8, 0, tzinfo=CHINA), tick=False):
        return tasks.reminders_run.apply().get()


def sent(since: int = 0) -> list[tuple[str, str]]:
    return [
        (n.recipient.username, n.stage)
        for n in Notification.objects.filter(pk__gt=since).select_related("recipient").order_by("pk")
    ]


def last_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# Due Tuesday 2026-03-10; reminders 3 and 1 working days before, on the day, 1 after; escalations after 1
# (unit head) and 3 (宣传部) working days.
LADDER = [
    (date(2026, 3, 4), []),
    (date(2026, 3, 5), [("mech_op", "before-3")]),  # Thursday: 3 working days before (Thu, Fri, Mon)
    (date(2026, 3, 6), []),
    (date(2026, 3, 7), []),  # Saturday
    (date(2026, 3, 9), [("mech_op", "before-1")]),  # Monday: the working day before Tuesday
    (date(2026, 3, 10), [("mech_op", "due")]),
    (date(2026, 3, 11), [("mech_op", "after-1"), ("mech_head", "escalate-unit_head")]),
    (date(2026, 3, 12), []),
    (date(2026, 3, 13), [("xuan", "escalate-propaganda")]),
    (date(2026, 3, 20), []),
]


def test_stages_day_by_day(world):
    finding = make_finding(mech_account(world), due=date(2026, 3, 10))
    for day, expected in LADDER:
        before = last_pk()
        run_on(day)
        assert sent(before) == expected, day
    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"finding:{finding.pk}:before-3:2026-03-10" in keys
    assert f"finding:{finding.pk}:escalate-propaganda:2026-03-10" in keys


def test_working_days_skip_the_weekend_and_the_qingming_holiday(world):
    # Due Wednesday 2026-04-08; 4-04..4-06 is 清明节 (Sat–Mon): 3 working days before is Thursday 4-02.
    make_finding(mech_account(world), due=date(2026, 4, 8))
    for day, expected in [
        (date(2026, 4, 1), []),
        (date(2026, 4, 2), [("mech_op", "before-3")]),
        (date(2026, 4, 3), []),
        (date(2026, 4, 6), []),
        (date(2026, 4, 7), [("mech_op", "before-1")]),
    ]:
        before = last_pk()
        run_on(day)
        assert sent(before) == expected, day


def test_overdue_counts_working_days_after_the_labour_day_holiday(world):
    # Due Thursday 2026-04-30; 5-01..5-05 is 劳动节: 1 working day after is 5-06, 3 after is 5-08.
    make_finding(mech_account(world), due=date(2026, 4, 30))
    run_on(date(2026, 4, 30))
    for day, expected in [
        (date(2026, 5, 1), []),
        (date(2026, 5, 5), []),
        (date(2026, 5, 6), [("mech_op", "after-1"), ("mech_head", "escalate-unit_head")]),
        (date(2026, 5, 7), []),
        (date(2026, 5, 8), [("xuan", "escalate-propaganda")]),
    ]:
        before = last_pk()
        run_on(day)
        assert sent(before) == expected, day
    body = Notification.objects.get(stage="escalate-propaganda").body
    assert "已逾期3个工作日" in body


def test_calendar_days_when_the_pack_says_so(world):
    dut = world.dut
    dut.pack["reminders"] = {**dut.pack["reminders"], "unit": "calendar_days"}
    dut.save()
    make_finding(mech_account(world), due=date(2026, 4, 8))
    before = last_pk()
    run_on(date(2026, 4, 5))  # Sunday, 3 calendar days before
    assert sent(before) == [("mech_op", "before-3")]


def test_only_the_latest_stage_after_downtime(world):
    make_finding(mech_account(world), due=date(2026, 3, 10))
    run_on(date(2026, 3, 13))  # the job did not run for a week
    assert sorted(sent()) == [
        ("mech_head", "escalate-unit_head"),
        ("mech_op", "after-1"),
        ("xuan", "escalate-propaganda"),
    ]


def test_running_twice_sends_nothing_new(world, robots):
    Webhook.objects.create(institution=world.dut, channel="wecom", name="全校群", url=robots.url("/w"))
    make_finding(mech_account(world), due=date(2026, 3, 10))
    first = run_on(date(2026, 3, 11))
    counts = (Notification.objects.count(), Delivery.objects.count())
    # mech_op (after-1) and mech_head (escalate-unit_head); mech_op's e-mail and one robot message per stage.
    assert first["dut"]["notifications"] == 2 and counts == (2, 3)
    assert sorted(Delivery.objects.values_list("channel", "target")) == [
        ("email", "20001@example.edu.cn"),
        ("wecom", f"webhook:{Webhook.objects.get().pk}"),
        ("wecom", f"webhook:{Webhook.objects.get().pk}"),
    ]
    second = run_on(date(2026, 3, 11))
    assert second["dut"]["notifications"] == 0
    assert (Notification.objects.count(), Delivery.objects.count()) == counts


def test_a_moved_deadline_reminds_again(world):
    finding = make_finding(mech_account(world), due=date(2026, 3, 10))
    run_on(date(2026, 3, 5))
    assert sent() == [("mech_op", "before-3")]
    type(finding).objects.filter(pk=finding.pk).update(due_date=date(2026, 3, 17))
    before = last_pk()
    run_on(date(2026, 3, 12))  # 3 working days before the new date
    assert sent(before) == [("mech_op", "before-3")]
    assert Notification.objects.filter(key=f"finding:{finding.pk}:before-3:2026-03-17").exists()


def test_done_findings_and_findings_without_due_date_are_left_alone(world):
    account = mech_account(world)
    make_finding(account, due=date(2026, 3, 10), state=FindingState.CLOSED)
    make_finding(account, due=None, rule="other")
    run_on(date(2026, 3, 11))
    assert sent() == []


def test_a_year_without_calendar_data_is_skipped_then_reminded_once_imported(world):
    # Due Tuesday 2027-01-05: chinese-calendar 1.11 knows nothing of 2027.
    make_finding(mech_account(world), due=date(2027, 1, 5))
    result = reminders_run(institution=world.dut, today=date(2026, 12, 31))
    assert result.notifications == 0
    assert result.skipped and all("2027年的节假日安排尚未导入" in s for s in result.skipped)
    assert any("before-3" in s for s in result.skipped)
    calendar_import("YEAR 2027\nHOLIDAY 2027-01-01 2027-01-03 元旦 3\n", source="test")
    result = reminders_run(institution=world.dut, today=date(2026, 12, 31))
    assert result.skipped == [] and sent() == [("mech_op", "before-3")]  # Wed 12-30: 3 working days before


def test_unit_head_of_the_nearest_ancestor_and_operators_of_ancestors(world):
    lab = sub_unit(world)
    make_finding(mech_account(world, unit=lab, name="机械创新实验室"), due=date(2026, 3, 10))
    run_on(date(2026, 3, 11))
    assert sorted(sent()) == [("mech_head", "escalate-unit_head"), ("mech_op", "after-1")]


def test_message_names_regulation_article_account_due_date_and_action(world):
    make_finding(mech_account(world), due=date(2026, 3, 10))
    run_on(date(2026, 3, 5))
    n = Notification.objects.get()
    assert n.title.startswith("【即将到期】机械工程学院")
    for text in [
        "《大连理工大学新媒体管理办法》第七条",
        "机械工程学院（微信",
        "整改期限：2026年3月10日（还有3个工作日）",
        "更换在岗在编教职工为直接责任人",
        "提醒依据：《大连理工大学新媒体管理办法》第十九条",
    ]:
        assert text in n.body, text
    assert n.finding is not None and n.institution == world.dut


def test_open_filing_reminds_its_author_with_the_deadline_rule(world):
    account = mech_account(world, planned_open_on=date(2026, 3, 10))
    filing = file_new(world, account, user=world.mech_op)
    assert filing.due_date == date(2026, 3, 10)
    run_on(date(2026, 3, 10))
    n = Notification.objects.get(recipient=world.mech_op)
    assert n.key == f"filing:{filing.pk}:due:2026-03-10" and n.filing == filing
    assert (
        "《大连理工大学新媒体管理办法》第八条" in n.body and "截止日期：2026年3月10日（今天到期）" in n.body
    )
    assert n.link == reverse("registry:filing_detail", args=[filing.pk])


def test_filing_author_outside_the_unit_is_reminded_too(world):
    account = mech_account(world)
    filing = file_new(world, account, user=world.xuan)  # 宣传部 filed on the unit's behalf
    Filing.objects.filter(pk=filing.pk).update(due_date=date(2026, 3, 10))
    run_on(date(2026, 3, 10))
    assert sorted(sent()) == [("mech_op", "due"), ("xuan", "due")]


def test_closed_filing_is_not_reminded(world):
    account = mech_account(world)
    filing = file_new(world, account, user=world.mech_op)
    Filing.objects.filter(pk=filing.pk).update(due_date=date(2026, 3, 10), state="approved")
    run_on(date(2026, 3, 10))
    assert sent() == []


def test_task_runs_every_institution(world):
    make_finding(mech_account(world), due=date(2026, 3, 10))
    out = run_on(date(2026, 3, 10))
    assert set(out) == set(Institution.objects.values_list("code", flat=True))
    assert out["dut"]["notifications"] == 1 and out["yufe"]["notifications"] == 0
