"""The monthly report pages: the month's list, the form, the opinions, the exports, and who may do what."""

import io
from datetime import date, datetime

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from mediagov.activity.models import Report, ReportState
from mediagov.activity.reports import report_submit, report_unit_opinion, report_update, reports_prefill
from mediagov.core.models import ActionLog

from .report_builders import TZ, post_on, reporting_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(world):
    """Two YUFE accounts of 会计学院 with their March 2026 reports prefilled; the clock on 3 April 2026."""
    world.official = reporting_account(world, "会计学院官微")
    world.video = reporting_account(world, "会计学院视频号", platform_id="gh_acc_video")
    post_on(world.official, date(2026, 3, 2), "学院召开教学工作会议")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    world.r_official = Report.objects.get(account=world.official)
    world.r_video = Report.objects.get(account=world.video)
    with time_machine.travel(datetime(2026, 4, 3, 9, tzinfo=TZ), tick=True):
        yield world


def names(response) -> list[str]:
    html = response.content.decode()
    return [n for n in ("会计学院官微", "会计学院视频号") if f">{n}</a>" in html]


def test_list_shows_last_months_reports_and_filters(client, month):
    client.force_login(month.acc_op)
    response = client.get("/activity/reports/")
    assert response.status_code == 200 and response.context["period"] == date(2026, 3, 1)
    assert names(response) == ["会计学院官微", "会计学院视频号"]
    report_submit(report=month.r_video, user=month.acc_op)
    assert names(client.get("/activity/reports/?state=submitted")) == ["会计学院视频号"]
    assert names(client.get("/activity/reports/?state=awaiting_me")) == ["会计学院官微"]
    assert names(client.get(f"/activity/reports/?unit={month.acc.pk}&month=2026-03")) == [
        "会计学院官微",
        "会计学院视频号",
    ]
    assert names(client.get("/activity/reports/?month=2026-02")) == []
    assert names(client.get("/activity/reports/?late=on")) == []
    with time_machine.travel(date(2026, 4, 6), tick=False):
        assert names(client.get("/activity/reports/?late=on&month=2026-03")) == ["会计学院官微"]


def test_classified_reports_are_at_the_top_of_the_departments_queue(client, month):
    report_update(report=month.r_video, user=month.acc_op, post_count=0, topics="", classified=True)
    report_submit(report=month.r_video, user=month.acc_op)
    report_submit(report=month.r_official, user=month.acc_op)
    client.force_login(month.yufe_xuan)
    html = client.get("/activity/reports/").content.decode()
    assert html.index(">会计学院视频号</a>") < html.index(">会计学院官微</a>")  # though 官微 sorts first
    assert names(client.get("/activity/reports/?state=awaiting_me")) == ["会计学院视频号"]


def test_operator_fills_in_and_submits_through_the_form(client, month):
    client.force_login(month.acc_op)
    url = f"/activity/reports/{month.r_official.pk}/edit/"
    page = client.get(url).content.decode()
    assert "系统统计当月发布 1 条" in page and "学院召开教学工作会议" in page
    data = {"post_count": "2", "topics": "教学会议；讲座", "classified": "False", "note": ""}
    assert client.post(url, {**data, "save": "1"}).status_code == 302
    report = Report.objects.get(pk=month.r_official.pk)
    assert report.state == ReportState.PREFILLED and report.post_count == 2 and report.observed_count == 1
    response = client.post(url, {**data, "post_count": "-1", "submit": "1"})
    assert response.status_code == 200 and Report.objects.get(pk=report.pk).post_count == 2  # refused
    response = client.post(url, {**data, "submit": "1"}, follow=True)
    assert "月报表已报送" in response.content.decode()
    report = Report.objects.get(pk=report.pk)
    assert report.state == ReportState.SUBMITTED and report.late is False
    # After submission the form is closed.
    response = client.get(url, follow=True)
    assert "不能再修改" in response.content.decode()


def test_unit_head_and_department_sign_on_the_page(client, month):
    report_submit(report=month.r_official, user=month.acc_op)
    url = f"/activity/reports/{month.r_official.pk}/"
    client.force_login(month.yufe_xuan)
    assert "department-opinion-form" not in client.get(url).content.decode()  # the unit signs first
    client.post(f"{url}department-opinion/", {"opinion": "越级"})
    assert Report.objects.get(pk=month.r_official.pk).state == ReportState.SUBMITTED
    client.force_login(month.acc_head)
    assert "unit-opinion-form" in client.get(url).content.decode()
    client.post(f"{url}unit-opinion/", {"opinion": "同意报送"})
    client.force_login(month.yufe_xuan)
    assert "department-opinion-form" in client.get(url).content.decode()
    response = client.post(f"{url}department-opinion/", {"opinion": "已阅"}, follow=True)
    assert "已签署党委宣传部意见" in response.content.decode()
    report = Report.objects.get(pk=month.r_official.pk)
    assert report.state == ReportState.REVIEWED and report.department_opinion == "已阅"


def test_who_may_open_and_act(client, month):
    url = f"/activity/reports/{month.r_official.pk}/"
    client.force_login(month.acc_head)  # sees the report, but does not fill it in
    assert client.get(url).status_code == 200
    assert client.get(f"{url}edit/").status_code == 403
    client.post(f"{url}submit/")
    assert Report.objects.get(pk=month.r_official.pk).state == ReportState.PREFILLED
    for user in (month.xuan, month.mech_op, month.stranger):  # DUT and nobody: the report does not exist
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}submit/").status_code == 404
        assert client.get(f"{url}docx/").status_code == 404
    report_submit(report=month.r_official, user=month.acc_op)
    report_unit_opinion(report=month.r_official, user=month.acc_head, opinion="同意")
    client.force_login(month.acc_op)  # the submitter may not sign the department's opinion either
    client.post(f"{url}department-opinion/", {"opinion": "自批"})
    assert Report.objects.get(pk=month.r_official.pk).state == ReportState.UNIT_REVIEWED


def test_dut_has_no_monthly_reports(client, world):
    client.force_login(world.xuan)
    response = client.get("/activity/reports/")
    assert response.status_code == 200 and "本校政策包未启用月报表" in response.content.decode()


def test_exports_over_http(client, month):
    client.force_login(month.yufe_xuan)
    response = client.get(f"/activity/reports/{month.r_official.pk}/docx/")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert doc.tables[0].rows[1].cells[1].text == "会计学院官微"
    assert ActionLog.objects.for_object(month.r_official).filter(action="report.exported").count() == 1
    response = client.get("/activity/reports/export/?month=2026-03")
    book = load_workbook(io.BytesIO(response.content))
    assert [row[1] for row in list(book["月报表汇总"].values)[1:]] == ["会计学院官微", "会计学院视频号"]
    client.force_login(month.xuan)  # DUT's department: an empty workbook of its own institution
    book = load_workbook(io.BytesIO(client.get("/activity/reports/export/?month=2026-03").content))
    assert len(list(book["月报表汇总"].values)) == 1
