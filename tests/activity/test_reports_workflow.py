"""Submitting a monthly report in the pack's window, the two opinions in order, and a report declared 涉密."""

from datetime import date, datetime

import pytest
import time_machine

from mediagov.activity.models import Report, ReportState
from mediagov.activity.reports import (
    ReportError,
    report_department_opinion,
    report_submit,
    report_unit_opinion,
    report_update,
    reports_prefill,
)
from mediagov.core.errors import PermissionDenied
from mediagov.core.models import ActionLog
from mediagov.notifications.models import Notification
from mediagov.org.models import Membership, Role

from .report_builders import TZ, post_on, reporting_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world):
    account = reporting_account(world)
    post_on(account, date(2026, 3, 2), "学院召开教学工作会议")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    return Report.objects.get(account=account)


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


def test_submitted_within_the_window_is_on_time(world, report, django_capture_on_commit_callbacks):
    with at(2026, 4, 5, 23, 59), django_capture_on_commit_callbacks(execute=True):
        report = report_update(
            report=report, user=world.acc_op, post_count=1, topics="教学会议", classified=False
        )
        report = report_submit(report=report, user=world.acc_op)
    assert report.state == ReportState.SUBMITTED and report.late is False
    assert report.submitted_by == world.acc_op
    assert ActionLog.objects.for_object(report).filter(action="report.submitted").get().data["late"] is False
    # The unit head is asked for the unit's opinion.
    assert Notification.objects.get(recipient=world.acc_head).key == f"report:{report.pk}:submitted"
    with pytest.raises(ReportError, match="不能再修改"):
        report_update(report=report, user=world.acc_op, post_count=2, topics="", classified=False)
    with pytest.raises(ReportError, match="不能重复报送"):
        report_submit(report=report, user=world.acc_op)
    assert report.history.count() >= 3  # prefilled, edited, submitted


def test_submitted_after_the_window_is_accepted_and_recorded_late(world, report):
    with at(2026, 4, 6, 0, 1):
        assert report.is_late(date(2026, 4, 6))
        report = report_submit(report=report, user=world.acc_op)
    assert report.state == ReportState.SUBMITTED and report.late is True
    assert Report.objects.late(today=date(2026, 4, 6)).get() == report


def test_only_the_accounts_staff_submit(world, report):
    with at(2026, 4, 2, 9):
        for user in (world.acc_head, world.yufe_xuan, world.mech_op, world.stranger):
            with pytest.raises(PermissionDenied):
                report_submit(report=report, user=user)
    assert Report.objects.get(pk=report.pk).state == ReportState.PREFILLED


def test_a_month_cannot_be_submitted_before_it_ends(world):
    account = reporting_account(world)
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    march = Report.objects.get(account=account)
    april = Report.objects.create(account=account, kind="monthly", period=date(2026, 4, 1), post_count=0)
    with at(2026, 4, 20, 9):
        with pytest.raises(ReportError, match="尚未结束"):
            report_submit(report=april, user=world.acc_op)
        report_submit(report=march, user=world.acc_op)


def test_opinions_in_order_unit_then_department(world, report):
    with at(2026, 4, 3, 9):
        report = report_submit(report=report, user=world.acc_op)
        with pytest.raises(ReportError, match="等待单位签署意见"):
            report_department_opinion(report=report, user=world.yufe_xuan, opinion="同意")
        with pytest.raises(PermissionDenied):
            report_unit_opinion(report=report, user=world.yufe_xuan, opinion="同意")
        with pytest.raises(ReportError, match="请填写单位意见"):
            report_unit_opinion(report=report, user=world.acc_head, opinion="  ")
        report = report_unit_opinion(report=report, user=world.acc_head, opinion="情况属实")
        assert report.state == ReportState.UNIT_REVIEWED
        with pytest.raises(ReportError, match="不需要单位意见"):
            report_unit_opinion(report=report, user=world.acc_head, opinion="再签一次")
        with pytest.raises(PermissionDenied):
            report_department_opinion(report=report, user=world.acc_head, opinion="同意")
        report = report_department_opinion(report=report, user=world.yufe_xuan, opinion="已阅")
    assert report.state == ReportState.REVIEWED
    assert (report.unit_opinion, report.unit_opinion_by) == ("情况属实", world.acc_head)
    assert (report.department_opinion, report.department_opinion_by) == ("已阅", world.yufe_xuan)
    actions = list(ActionLog.objects.for_object(report).order_by("id").values_list("action", flat=True))
    assert actions == [
        "report.prefilled",
        "report.submitted",
        "report.unit_opinion",
        "report.department_opinion",
    ]


def test_nobody_gives_an_opinion_on_a_report_they_submitted(world, report):
    # The unit head who is also the account's direct responsible person submits it himself.
    Membership.objects.create(user=world.acc_head, institution=world.yufe, role=Role.OPERATOR, unit=world.acc)
    Membership.objects.create(
        user=world.yufe_xuan, institution=world.yufe, role=Role.OPERATOR, unit=world.acc
    )
    with at(2026, 4, 3, 9):
        report = report_submit(report=report, user=world.acc_head)
        with pytest.raises(PermissionDenied, match="自己报送"):
            report_unit_opinion(report=report, user=world.acc_head, opinion="同意")
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    # ... and the department's officer who submitted one does not sign the department's opinion.
    other = reporting_account(world, "会计学院视频号", platform_id="gh_acc_video")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    second = Report.objects.get(account=other)
    with at(2026, 4, 3, 10):
        report_update(report=second, user=world.yufe_xuan, post_count=0, topics="", classified=True)
        second = report_submit(report=second, user=world.yufe_xuan)
        with pytest.raises(PermissionDenied, match="自己报送"):
            report_department_opinion(report=second, user=world.yufe_xuan, opinion="同意")


def test_a_classified_report_goes_straight_to_the_department(
    world, report, django_capture_on_commit_callbacks
):
    other_officer = Membership.objects.create(
        user=world.stranger, institution=world.yufe, role=Role.PROPAGANDA
    ).user
    with at(2026, 4, 3, 9), django_capture_on_commit_callbacks(execute=True):
        report_update(report=report, user=world.acc_op, post_count=1, topics="…", classified=True)
        report = report_submit(report=report, user=world.acc_op)
    urgent = Notification.objects.filter(key=f"report:{report.pk}:classified")
    assert {n.recipient for n in urgent} == {world.yufe_xuan, other_officer}
    notice = urgent.get(recipient=world.yufe_xuan)
    assert notice.stage == "urgent" and notice.title.startswith("【紧急】")
    assert "《云南财经大学新媒体建设与管理办法（修订）》第十一条" in notice.body
    assert notice.link == f"/activity/reports/{report.pk}/"
    assert not Notification.objects.filter(recipient=world.acc_head).exists()  # not routed through the unit
    # The department signs without waiting for the unit's opinion.
    with at(2026, 4, 3, 10):
        report = report_department_opinion(report=report, user=world.yufe_xuan, opinion="已核查，责令删除")
    assert report.state == ReportState.REVIEWED and report.unit_opinion == ""
