"""Monthly reports on paper and in a workbook: the 《新媒体管理月报表》 as .docx in annex 2's layout (YUFE), and
the month's summary of every unit and account as .xlsx.

The .docx reuses the form helpers of `registry.documents` (fonts, bordered form table, opinion box), so the
two annexes of one regulation look alike. The .xlsx rows are yielded by generators and written by
`compliance.exports.xlsx`. Callers pass querysets already scoped to the user.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from mediagov.compliance.exports import Sheet, xlsx
from mediagov.registry.documents import (
    _L,
    _V,
    BODY_PT,
    NOTE_PT,
    SONG,
    BoxStyle,
    OpinionBox,
    _cn_date,
    _FormTable,
    _notes,
    _Opinion,
    _paragraph,
    _title,
    _write,
)

from .models import Report, ReportState
from .reports import monthly_report_rule, report_window

WIDTHS = [2.4, 2.2, 4.4, 2.4, 4.6]  # cm: 16 cm of text width
MIN_ADMIN_ROWS = 2  # annex 2 prints two 管理员 rows
TOPIC_LINES_IN_FORM = 15  # lines of 主题及内容 in the form; the rest on the attached page (附页)
UNIT_BOX = BoxStyle(label="单位意见", signature="单位负责人签字：", seal="（加盖单位公章）")
DEPARTMENT_BOX = BoxStyle(label="党委宣传部意见", signature="签章：")


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _on(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def opinion_boxes(report: Report) -> list[tuple[OpinionBox, BoxStyle]]:
    """单位意见 and 党委宣传部意见: filled once signed, blank for a wet signature before."""
    return [
        (
            OpinionBox(
                "unit_head",
                UNIT_BOX.label,
                "",
                opinion=report.unit_opinion,
                signer=_name(report.unit_opinion_by),
                signed_on=_on(report.unit_opinion_at),
            ),
            UNIT_BOX,
        ),
        (
            OpinionBox(
                "propaganda",
                DEPARTMENT_BOX.label,
                "",
                opinion=report.department_opinion,
                signer=_name(report.department_opinion_by),
                signed_on=_on(report.department_opinion_at),
            ),
            DEPARTMENT_BOX,
        ),
    ]


def form_notes(report: Report) -> list[str]:
    """Annex 2's notes, with the window from the pack (not a fixed 1日至5日)."""
    pack = report.account.institution.policy
    spec = monthly_report_rule(pack)
    if spec is not None:
        first, last = int(spec.params["first_day"]), int(spec.params["last_day"])
        when = f"于每月{first}日至{last}日间"
    else:
        when = "按要求"
    return [
        f"1.此纸质报表{when}报送至党委宣传部，本表一式两份，党委宣传部、建设单位各留备案。",
        "2.“主题及内容”填写如有需要可附页。",
    ]


def report_citation(report: Report) -> str:
    pack = report.account.institution.policy
    spec = monthly_report_rule(pack)
    return pack.cite(spec.article if spec else "")


def report_window_text(report: Report) -> str:
    spec = monthly_report_rule(report.account.institution.policy)
    if spec is None:
        return ""
    start, end = report_window(spec, report.period)
    return f"{start:%Y年%m月%d日}至{end:%m月%d日}"


def report_docx(report: Report) -> bytes:
    """The report as annex 2 lays it out: one table, the two opinion boxes at the bottom, notes below."""
    institution = report.account.institution
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = SONG
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), SONG)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin = section.right_margin = Mm(25)
    doc.core_properties.title = (
        f"新媒体管理月报表 {report.account_name or report.account.name} {report.period:%Y-%m}"
    )
    doc.core_properties.author = institution.name

    _title(doc, f"{institution.name}新媒体管理月报表")
    _paragraph(doc, f"（{report.period:%Y年%m月}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    lines = report.topics.splitlines()
    in_form = lines[:TOPIC_LINES_IN_FORM]
    if len(lines) > TOPIC_LINES_IN_FORM:
        in_form.append(f"（共{len(lines)}行，其余见附页）")

    t = _FormTable(doc, WIDTHS)
    t.row(_L("建设单位"), _V(report.unit_name, 2), _L("媒体平台"), _V(report.platform_label))
    t.row(_L("帐号名称"), _V(report.account_name, 2), _L("账号ID"), _V(report.account_platform_id))
    submitted = _cn_date(_on(report.submitted_at)) if report.submitted_at else ""
    t.row(
        _L("报送时间"),
        _V(submitted + ("（逾期）" if report.late else ""), 2),
        _L("发布信息数量"),
        _V("" if report.post_count is None else str(report.post_count)),
    )
    t.row(_L("主题及\n内容"), _V("\n".join(in_form), 4), height=6.0)
    t.row(_L("是否涉密"), _V("是" if report.classified else "否", 4))
    first = t.next_index
    t.row(_L(""), _L("负责人"), _V(report.leader_name), _L("职务"), _V(report.leader_title))
    admins = list(report.admins or [])
    for i in range(max(MIN_ADMIN_ROWS, len(admins))):
        a = admins[i] if i < len(admins) else {}
        t.row(_L(""), _L("管理员"), _V(a.get("name", "")), _V(a.get("title", "")), _V(a.get("phone", "")))
    t.merge_down(first, t.next_index - 1, 0, _L("管理人员"))
    for box, style in opinion_boxes(report):
        t.row(_L(style.label), _Opinion(box, style, 4), height=4.2)
    _notes(doc, form_notes(report))

    if len(lines) > TOPIC_LINES_IN_FORM:
        doc.add_page_break()
        _paragraph(doc, "附页：主题及内容", size=BODY_PT + 1, bold=True)
        for line in lines:
            _paragraph(doc, line, space=0)

    footer = doc.sections[0].footer
    _write(footer, f"依据：{report_citation(report)}", size=NOTE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\s]+')


def report_filename(report: Report) -> str:
    name = _UNSAFE.sub("_", report.account_name or report.account.name).strip("._") or "未命名帐号"
    return f"新媒体管理月报表-{name[:60]}-{report.period:%Y-%m}.docx"


# ---------------------------------------------------------------- the month's workbook
REPORT_HEADERS = [
    "建设单位",
    "帐号名称",
    "媒体平台",
    "帐号ID",
    "状态",
    "报送截止日",
    "报送时间",
    "逾期",
    "发布信息数量（申报）",
    "发布数量（系统统计）",
    "数量一致",
    "是否涉密",
    "负责人",
    "职务",
    "管理员",
    "主题及内容",
    "单位意见",
    "党委宣传部意见",
]
REPORT_WIDTHS = [18, 24, 12, 20, 12, 11, 16, 6, 10, 10, 8, 8, 10, 12, 24, 50, 30, 30]
UNIT_HEADERS = ["建设单位", "应报帐号", "已报送", "逾期报送", "未报送", "数量不符", "申报涉密", "已办结"]
UNIT_WIDTHS = [24, 10, 10, 10, 10, 10, 10, 10]


def _yes(value: bool) -> str:
    return "是" if value else "否"


def report_rows(reports: QuerySet, *, today: date) -> Iterator[list]:
    yield list(REPORT_HEADERS)
    for r in reports.select_related("account").order_by(
        "account__responsible_unit__path", "account__name", "period", "id"
    ):
        yield [
            r.unit_name,
            r.account_name or r.account.name,
            r.platform_label,
            r.account_platform_id,
            r.get_state_display(),
            r.due_on,
            r.submitted_at,
            _yes(r.is_late(today)),
            r.post_count,
            r.observed_count,
            "" if r.post_count is None or r.observed_count is None else _yes(not r.count_differs),
            _yes(r.classified),
            r.leader_name,
            r.leader_title,
            "、".join(a.get("name", "") for a in r.admins or []),
            r.topics,
            r.unit_opinion,
            r.department_opinion,
        ]


@dataclass
class _UnitCount:
    name: str
    owed: int = 0
    submitted: int = 0
    late: int = 0
    missing: int = 0
    mismatch: int = 0
    classified: int = 0
    reviewed: int = 0


def unit_rows(reports: QuerySet, *, today: date) -> Iterator[list]:
    yield list(UNIT_HEADERS)
    units: dict[str, _UnitCount] = {}
    for r in reports.select_related("account__responsible_unit").order_by("account__responsible_unit__path"):
        c = units.setdefault(r.account.responsible_unit.path, _UnitCount(r.account.responsible_unit.name))
        c.owed += 1
        c.submitted += r.submitted_at is not None
        c.late += r.is_late(today)
        c.missing += r.submitted_at is None
        c.mismatch += r.count_differs
        c.classified += r.classified
        c.reviewed += r.state == ReportState.REVIEWED
    for c in units.values():
        yield [c.name, c.owed, c.submitted, c.late, c.missing, c.mismatch, c.classified, c.reviewed]


def month_workbook(reports: QuerySet, *, today: date) -> bytes:
    """One month's reports: every account (月报表汇总) and the counts by unit (按单位)."""
    return xlsx(
        [
            Sheet("月报表汇总", report_rows(reports, today=today), REPORT_WIDTHS),
            Sheet("按单位", unit_rows(reports, today=today), UNIT_WIDTHS),
        ]
    )
