"""The monthly report as annex 2 (.docx), the month's summary (.xlsx) and the printable page."""

import io
from datetime import date, datetime

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from mediagov.activity.models import Report
from mediagov.activity.report_documents import TOPIC_LINES_IN_FORM, month_workbook, report_docx
from mediagov.activity.reports import (
    report_department_opinion,
    report_submit,
    report_unit_opinion,
    report_update,
    reports_prefill,
)

from .report_builders import TZ, post_on, reporting_account

pytestmark = pytest.mark.django_db

ANNEX_2_LABELS = [
    "云南财经大学新媒体管理月报表",
    "建设单位",
    "媒体平台",
    "帐号名称",
    "账号ID",
    "报送时间",
    "发布信息数量",
    "主题及\n内容",
    "是否涉密",
    "管理人员",
    "负责人",
    "职务",
    "管理员",
    "单位意见",
    "单位负责人签字：",
    "（加盖单位公章）",
    "党委宣传部意见",
    "签章：",
    "此纸质报表于每月1日至5日间报送至党委宣传部",
    "“主题及内容”填写如有需要可附页",
]


@pytest.fixture
def reviewed(world):
    """A report of March 2026, submitted on 3 April (on time), with both opinions signed."""
    account = reporting_account(world)
    post_on(account, date(2026, 3, 2), "学院召开教学工作会议")
    post_on(account, date(2026, 3, 20), "会计学院学术讲座")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    report = Report.objects.get(account=account)
    with time_machine.travel(datetime(2026, 4, 3, 10, tzinfo=TZ), tick=False):
        report_update(report=report, user=world.acc_op, post_count=3, topics=report.topics, classified=False)
        report = report_submit(report=report, user=world.acc_op)
        report = report_unit_opinion(report=report, user=world.acc_head, opinion="情况属实")
        return report_department_opinion(report=report, user=world.yufe_xuan, opinion="已阅，请核实数量")


def full_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def row_starting(table, label):
    return next(row for row in table.rows if row.cells[0].text == label)


def test_docx_is_annex_2_with_every_field(reviewed):
    doc = Document(io.BytesIO(report_docx(reviewed)))
    text = full_text(doc)
    assert [label for label in ANNEX_2_LABELS if label not in text] == []
    (table,) = doc.tables
    assert [c.text for c in row_starting(table, "建设单位").cells] == [
        "建设单位",
        "会计学院",
        "会计学院",
        "媒体平台",
        "微信公众号",
    ]
    assert row_starting(table, "帐号名称").cells[1].text == "会计学院官微"
    assert row_starting(table, "报送时间").cells[1].text == "2026年4月3日"
    assert row_starting(table, "报送时间").cells[4].text == "3"
    topics = row_starting(table, "主题及\n内容").cells[1].text
    assert topics == "03-02 学院召开教学工作会议\n03-20 会计学院学术讲座"
    assert row_starting(table, "是否涉密").cells[1].text == "否"
    team = [[c.text for c in row.cells[1:]] for row in table.rows if row.cells[0].text == "管理人员"]
    assert team == [
        ["负责人", "周六", "职务", "副院长"],
        ["管理员", "小王", "辅导员", "0871-2"],
        ["管理员", "小李", "", "0871-3"],
    ]
    unit = row_starting(table, "单位意见").cells[1].text
    assert "情况属实" in unit and "单位负责人签字：会计学院院长" in unit and "2026年4月3日" in unit
    assert "已阅，请核实数量" in row_starting(table, "党委宣传部意见").cells[1].text
    footer = doc.sections[0].footer.paragraphs[0].text
    assert footer == "依据：《云南财经大学新媒体建设与管理办法（修订）》第十五条"
    assert (
        doc.styles["Normal"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "宋体"
    )


def test_long_topics_continue_on_an_attached_page(world):
    account = reporting_account(world)
    for day in range(1, 21):
        post_on(account, date(2026, 3, day), f"第{day}条动态")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    doc = Document(io.BytesIO(report_docx(Report.objects.get(account=account))))
    topics = row_starting(doc.tables[0], "主题及\n内容").cells[1].text
    assert topics.count("动态") == TOPIC_LINES_IN_FORM and "共20行，其余见附页" in topics
    paragraphs = [p.text for p in doc.paragraphs]
    assert "附页：主题及内容" in paragraphs and "03-20 第20条动态" in paragraphs


def test_month_workbook_lists_every_account_and_counts_by_unit(world, reviewed):
    other = reporting_account(world, "会计学院视频号", platform_id="gh_acc_video")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    content = month_workbook(Report.objects.filter(period=date(2026, 3, 1)), today=date(2026, 4, 10))
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["月报表汇总", "按单位"]
    rows = list(book["月报表汇总"].values)
    header = rows[0]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"会计学院官微", other.name}
    done = by_name["会计学院官微"]
    assert done["建设单位"] == "会计学院" and done["状态"] == "已办结" and done["逾期"] == "否"
    assert (done["发布信息数量（申报）"], done["发布数量（系统统计）"], done["数量一致"]) == (3, 2, "否")
    assert done["负责人"] == "周六" and done["管理员"] == "小王、小李"
    assert done["单位意见"] == "情况属实" and done["报送时间"].date() == date(2026, 4, 3)
    missing = by_name[other.name]
    assert missing["状态"] == "待报送" and missing["逾期"] == "是" and missing["报送时间"] is None
    assert list(book["按单位"].values)[1] == ("会计学院", 2, 1, 1, 1, 1, 0, 1)


def test_print_page_has_the_form_and_print_css(client, world, reviewed):
    client.force_login(world.acc_op)
    html = client.get(f"/activity/reports/{reviewed.pk}/print/").content.decode()
    assert "@media print" in html and "@page" in html
    for label in ("建设单位", "账号ID", "发布信息数量", "主题及<br>内容", "是否涉密", "管理员"):
        assert label in html
    assert "会计学院官微" in html and "情况属实" in html and "已阅，请核实数量" in html
