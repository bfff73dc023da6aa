"""Prefilling the monthly reports on the 1st (YUFE 第十五条, annex 2): every field, once."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from mediagov.activity import tasks
from mediagov.activity.models import MonthlyReport, Report, ReportState
from mediagov.activity.reports import monthly_report_rule, reports_enabled, reports_prefill
from mediagov.core.models import ActionLog

from .report_builders import TZ, post_on, reporting_account

pytestmark = pytest.mark.django_db


def test_enabled_is_read_from_the_pack_not_the_institution(world):
    assert reports_enabled(world.yufe) and not reports_enabled(world.dut)
    spec = monthly_report_rule(world.yufe.policy)
    assert (spec.params["first_day"], spec.params["last_day"], spec.article) == (1, 5, "第十五条")


def test_prefill_fills_every_field_of_annex_2(world):
    account = reporting_account(world)
    post_on(account, date(2026, 2, 28), "二月最后一条", hour=23)  # 23:00 Beijing: still February
    post_on(account, date(2026, 3, 2), "学院召开教学工作会议")
    post_on(account, date(2026, 3, 20), "会计学院学术讲座")
    post_on(account, date(2026, 4, 1), "四月第一条", hour=0)
    with time_machine.travel(datetime(2026, 4, 1, 7, 0, tzinfo=TZ), tick=False):
        result = tasks.reports_prefill()
    assert result == {"yufe": {"period": "2026-03-01", "created": 1, "refreshed": 0, "skipped": ""}}
    report = MonthlyReport.objects.get(account=account)
    assert report.period == date(2026, 3, 1) and report.state == ReportState.PREFILLED
    assert report.unit_name == "会计学院"  # 建设单位
    assert report.platform_label == account.media_type_label == "微信公众号"  # 媒体平台
    assert report.account_name == "会计学院官微"  # 帐号名称
    assert report.account_platform_id == account.platform_id  # 帐号ID
    assert report.observed_count == 2 and report.post_count == 2  # 发布信息数量, kept apart
    assert report.topics == "03-02 学院召开教学工作会议\n03-20 会计学院学术讲座"  # 主题及内容
    assert report.classified is False  # 是否涉密
    assert (report.leader_name, report.leader_title) == ("周六", "副院长")  # 管理人员: 负责人, 职务
    assert [a["name"] for a in report.admins] == ["小王", "小李"]  # 管理员
    assert report.admins[0]["title"] == "辅导员"
    assert report.submitted_at is None and report.due_on == date(2026, 4, 5)  # 报送时间: set on submission
    assert ActionLog.objects.for_object(report).get().action == "report.prefilled"
    assert report.history.count() == 1


def test_prefill_is_idempotent_and_refreshes_only_the_observed_count(world):
    account = reporting_account(world)
    post_on(account, date(2026, 3, 2), "一")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        first = reports_prefill(institution=world.yufe)
        again = reports_prefill(institution=world.yufe)
        assert (first.created, again.created, again.refreshed) == (1, 0, 0)
        report = Report.objects.get(account=account)
        report.post_count, report.topics = 5, "我们改过的内容"
        report.save()
        post_on(account, date(2026, 3, 3), "二（后来导入）")
        third = reports_prefill(institution=world.yufe)
    assert (third.created, third.refreshed) == (0, 1)
    report = Report.objects.get(pk=report.pk)  # the state is protected: reload, never refresh_from_db
    assert (report.observed_count, report.post_count, report.topics) == (2, 5, "我们改过的内容")
    assert Report.objects.count() == 1


def test_accounts_that_owe_no_report(world):
    reporting_account(world, "三月开通", created_on=date(2026, 3, 31))
    reporting_account(world, "四月开通", created_on=date(2026, 4, 1))
    suspended = reporting_account(world, "关停中")
    suspended.status = "suspended"
    suspended.save()
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    assert list(Report.objects.values_list("account__name", flat=True)) == ["三月开通"]


def test_a_month_not_yet_over_and_a_pack_without_reports(world):
    reporting_account(world)
    with time_machine.travel(date(2026, 3, 31), tick=False):
        assert "尚未结束" in reports_prefill(institution=world.yufe, period=date(2026, 3, 1)).skipped
        assert reports_prefill(institution=world.dut).skipped == "政策包未启用月报表"
    assert not Report.objects.exists()


def test_command_prefills_a_given_month(world, capsys):
    account = reporting_account(world)
    post_on(account, date(2026, 2, 10), "二月")
    with time_machine.travel(date(2026, 4, 10), tick=False):
        call_command("reports", "prefill", "--institution", "yufe", "--period", "2026-02")
        call_command("reports", "prefill", "--institution", "yufe", "--period", "2026-02")
        out = capsys.readouterr().out
        assert "2026年02月月报表新生成 1 份" in out and "新生成 0 份" in out
        with pytest.raises(CommandError, match="未启用月报表"):
            call_command("reports", "prefill", "--institution", "dut")
        with pytest.raises(CommandError, match="YYYY-MM"):
            call_command("reports", "prefill", "--period", "2026/02")
        call_command("reports", "prefill")  # every institution that has them: YUFE's March
    assert sorted(Report.objects.values_list("period", "observed_count")) == [
        (date(2026, 2, 1), 1),
        (date(2026, 3, 1), 0),
    ]


def test_beat_runs_the_prefill_on_the_first_at_seven():
    from django.conf import settings

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "activity.reports_prefill")
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1} and schedule.hour == {7} and schedule.minute == {0}
