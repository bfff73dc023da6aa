"""The filing form (备案审批表) as .docx, in the paper layout its institution's pack names (`forms.filing`).

A layout is one function in `LAYOUTS` that draws a filing onto a python-docx Document. Layouts read
everything institution-specific from the pack and the filing (title, filing kinds, approval chain, notes);
they never ask which institution they are drawing for. See docs/forms.md.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from mediagov.core.errors import DomainError

from .models import AppCategory, Filing, FilingKind, ManagerRole, StepDecision, WechatType
from .platforms import Platform

SONG = "宋体"  # body text; stands in for 方正小标宋 in the title (not installed on most machines)
HEI = "黑体"  # headings
BODY_PT = 10.5  # 五号
TITLE_PT = 18  # 小二
NOTE_PT = 9  # 小五
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) less 2.5 cm margins either side
BLANK_DATE = "年     月     日"


# ---------------------------------------------------------------- public API
def filing_form_docx(filing: Filing) -> bytes:
    """The filing's 备案审批表 as .docx bytes, drawn by the layout its institution's pack names."""
    layout = filing.institution.policy.form_layout
    render = LAYOUTS.get(layout)
    if render is None:
        raise DomainError(f"未知的备案审批表版式：{layout}（可用：{'、'.join(LAYOUTS)}）")
    doc = _new_document(filing)
    render(doc, filing)
    _add_footer(doc, filing)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def filing_number(filing: Filing) -> str:
    """`<INSTITUTION>-<year>-<id>`, e.g. YUFE-2026-00012: printed on the form and in its file name."""
    year = timezone.localtime(filing.created).year if filing.created else timezone.localdate().year
    return f"{filing.institution.code.upper()}-{year}-{filing.pk or 0:05d}"


def filing_citation(filing: Filing) -> str:
    """`《办法》第六条、第七条`: the filing kind's deadline article plus the articles of its approval steps."""
    pack = filing.institution.policy
    deadline = pack.deadline(filing.kind)
    articles = [deadline.article] if deadline and deadline.article else []
    articles += [box.article for box in opinion_boxes(filing) if box.article]
    ordered = sorted(dict.fromkeys(articles), key=_article_key)
    return f"《{pack.title}》{'、'.join(ordered)}"


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\s]+')


def filing_form_filename(filing: Filing) -> str:
    """`备案审批表-<帐号名称>-<编号>.docx`, safe as a file name on Windows, macOS and Linux."""
    name = _UNSAFE.sub("_", filing.account.name).strip("._") or "未命名帐号"
    return f"备案审批表-{name[:60]}-{filing_number(filing)}.docx"


# ---------------------------------------------------------------- what the forms show
@dataclass(frozen=True)
class OpinionBox:
    """One approval step's box: filled from the step once decided; blank for a wet signature before."""

    role: str
    label: str
    article: str
    decision: str = ""
    opinion: str = ""
    signer: str = ""
    signed_on: date | None = None


def opinion_boxes(filing: Filing) -> list[OpinionBox]:
    """The boxes of the filing's current round; before the first submission, the blank chain from the pack."""
    steps = list(filing.current_steps().select_related("signed_by"))
    if not steps:
        return [
            OpinionBox(s.role, s.label, s.article)
            for s in filing.institution.policy.chain_for(filing.account)
        ]
    return [
        OpinionBox(
            role=step.role,
            label=step.label,
            article=step.article,
            decision="" if step.decision == StepDecision.PENDING else step.get_decision_display(),
            opinion=step.opinion,
            signer=_full_name(step.signed_by),
            signed_on=timezone.localdate(step.signed_at) if step.signed_at else None,
        )
        for step in steps
    ]


def _full_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


@dataclass(frozen=True)
class _Member:
    role: str
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


def _account_and_team(filing: Filing):
    """The account and its management team as the filing would leave them (a change filing's proposal)."""
    from .services import filing_effective_account

    account, managers = filing_effective_account(filing)
    team = [_Member(m.role, m.name, m.title, m.phone, m.email) for m in managers]
    return account, team


@dataclass(frozen=True)
class BoxStyle:
    """How a layout prints one opinion box: its label, printed sentence, signature line and seal."""

    label: str = ""  # empty: the step's own label
    preamble: str = ""
    signature: str = "负责人签字："
    seal: str = ""


# ---------------------------------------------------------------- layout: 云南财经大学 annex 1
YUFE_BOXES = {
    "unit_head": BoxStyle(
        label="单位意见",
        preamble="已知我单位开设此新媒体帐号，并明确对此帐号及发布内容负有管理责任。",
        signature="单位负责人签字：",
        seal="（加盖单位公章）",
    ),
    "propaganda": BoxStyle(label="党委宣传部意见", signature="负责人签字：", seal="（加盖单位公章）"),
}
YUFE_NOTES = [
    "1.此纸质备案表一式两份，党委宣传部、申办单位各留备案。",
    "2.帐号名、管理队伍人员或维护方式发生变更，应以书面形式及时报党委宣传部备案。",
    "3.媒体定位主要指媒体的功能定位、内容定位和受众定位。",
]
YUFE_WIDTHS = [2.0, 3.2, 2.0, 3.0, 2.6, 3.2]
YUFE_MIN_ADMIN_ROWS = 3


def render_yufe(doc: DocumentObject, filing: Filing) -> None:
    """《新媒体帐号备案审批表》 as YUFE's annex 1 lays it out: one table, opinion boxes at the bottom."""
    account, team = _account_and_team(filing)
    head = _first_responsible(account)
    _title(doc, f"{filing.institution.name}新媒体帐号备案审批表")
    if filing.kind != FilingKind.NEW:
        _paragraph(doc, f"（{filing.get_kind_display()}）", align=WD_ALIGN_PARAGRAPH.CENTER)

    t = _FormTable(doc, YUFE_WIDTHS)
    t.row(_L("帐号名称"), _V(account.name, 2), _L("单位主要负责人"), _V(head.name if head else "", 2))
    t.row(_L("创建主体"), _V(account.owner, 2), _L("职务"), _V(head.title if head else "", 2))
    t.row(
        _L("责任单位"),
        _V(account.responsible_unit.name, 2),
        _L("联系电话"),
        _V(head.phone if head else "", 2),
    )
    t.row(_L("媒体类型"), _V(_yufe_media_types(account), 5))
    if account.platform == Platform.WECHAT:
        original_id = account.platform_id
    else:
        original_id = f"帐号ID：{account.platform_id}" if account.platform_id else "/"
    t.row(
        _L("创建时间"),
        _V(_cn_date(account.created_on)),
        _L("是否认证"),
        _V(_yes_no(account.verified)),
        _L("微信公众号原始ID"),
        _V(original_id),
    )
    t.row(_L("媒体定位"), _V(_positioning(account), 5), height=2.2)

    leaders = [m for m in team if m.role == ManagerRole.LEADER]
    if not leaders and account.direct_responsible:
        p = account.direct_responsible
        leaders = [_Member(ManagerRole.LEADER, p.name, p.title, p.phone, p.email)]
    admins = [m for m in team if m.role != ManagerRole.LEADER]
    first = t.next_index
    for m in leaders or [_Member(ManagerRole.LEADER, "")]:
        t.row(_L(""), _L("负责人"), _V(m.name), _L("联系电话/邮箱"), _V(_contact(m), 2))
    for i in range(max(YUFE_MIN_ADMIN_ROWS, len(admins))):
        m = admins[i] if i < len(admins) else _Member(ManagerRole.ADMIN, "")
        t.row(_L(""), _L("管理员"), _V(m.name), _V(m.phone), _V(m.email, 2))
    t.merge_down(first, t.next_index - 1, 0, _L("管理队伍"))

    for box in opinion_boxes(filing):
        style = YUFE_BOXES.get(box.role, BoxStyle())
        t.row(_L(style.label or box.label), _Opinion(box, style, 5), height=4.2)

    if filing.kind == FilingKind.CHANGE:
        _heading(doc, "变更内容")
        change = _FormTable(doc, [3.2, 6.4, 6.4])
        _change_rows(change, filing, label_span=1, value_span=1)
    _notes(doc, YUFE_NOTES)


def _yufe_media_types(account) -> str:
    platform = account.platform
    wechat_types = " ".join(_box(label, account.wechat_type == value) for value, label in WechatType.choices)
    other = platform not in (Platform.WEIBO, Platform.WECHAT, Platform.APP)
    other_label = f"其他类型（{account.get_platform_display()}）" if other else "其他类型"
    return (
        f"{_box('微博', platform == Platform.WEIBO)}  {_box('微信', platform == Platform.WECHAT)}（{wechat_types}）  "
        f"{_box('APP', platform == Platform.APP)}  {_box(other_label, other)}"
    )


# ---------------------------------------------------------------- layout: 大连理工大学 annex
DUT_WIDTHS = [2.6, 2.2, 2.2, 2.6, 2.8, 3.6]
DUT_BOX = BoxStyle(signature="负责人签字：", seal="（盖章）")
DUT_MIN_TEAM_ROWS = 3
DUT_REASON_LABELS = {FilingKind.CHANGE: "变更原因", FilingKind.CANCEL: "注销原因"}


def render_dut(doc: DocumentObject, filing: Filing) -> None:
    """《新媒体平台建设备案及审批表》: the DUT annex is not laid out in the regulation; this is our design
    in the same official style, holding the facts 第五条 to 第十一条 and 第十五条 ask for."""
    pack = filing.institution.policy
    account, team = _account_and_team(filing)
    _title(doc, f"{filing.institution.name}新媒体平台建设备案及审批表")
    kinds = " ".join(_box(FilingKind(k).label, k == filing.kind) for k in pack.filing_kinds)
    filled = _cn_date(timezone.localdate(filing.submitted_at)) if filing.submitted_at else BLANK_DATE
    _paragraph(doc, f"备案类型：{kinds}\t填表日期：{filled}", tab_right=True)

    t = _FormTable(doc, DUT_WIDTHS)
    t.section("平台基本信息")
    supervisor_code = pack.supervisor_code(account.owner_kind)
    departments = {d["code"]: d["name"] for d in pack.departments}
    supervisor = departments.get(supervisor_code, supervisor_code) if supervisor_code else "所在单位"
    t.row(_L("创建主体"), _V(account.owner, 2), _L("主体类别"), _V(account.get_owner_kind_display(), 2))
    t.row(_L("责任单位"), _V(account.responsible_unit.name, 2), _L("归口监管部门"), _V(supervisor, 2))
    t.row(_L("平台/媒体类型"), _V(account.media_type_label, 2), _L("帐号名称"), _V(account.name, 2))
    t.row(_L("帐号ID"), _V(account.platform_id, 2), _L("主页链接"), _V(account.url, 2))
    t.row(
        _L("创建时间"),
        _V(_cn_date(account.created_on), 2),
        _L("拟开通日期"),
        _V(_cn_date(account.planned_open_on), 2),
    )
    t.row(
        _L("是否认证"),
        _V(_yes_no_boxes(account.verified), 2),
        _L("主体账户"),
        _V(_yes_no_boxes(account.is_main), 2),
    )
    categories = " ".join(_box(label, account.app_category == value) for value, label in AppCategory.choices)
    t.row(_L("移动客户端类型"), _V(f"{categories}（仅移动客户端填写）", 5))
    payment = _yes_no_boxes(account.online_payment)
    if account.online_payment:
        payment += f"（批准部门：{account.payment_approved_by or '          '}）"
    integration = _yes_no_boxes(account.data_integration)
    if account.data_integration:
        integration += f"（网络与信息化中心审批：{account.data_integration_approval or '          '}）"
    t.row(_L("在线支付"), _V(payment, 2), _L("数据对接审批"), _V(integration, 2))
    t.row(
        _L("涉外信息"),
        _V(_yes_no_boxes(account.foreign_related), 2),
        _L("维护方式"),
        _V(account.maintenance, 2),
    )
    first = t.next_index
    t.row(_L(""), _L("功能定位"), _V(account.positioning_function, 4))
    t.row(_L(""), _L("内容定位"), _V(account.positioning_content, 4))
    t.row(_L(""), _L("受众定位"), _V(account.positioning_audience, 4))
    t.merge_down(first, t.next_index - 1, 0, _L("媒体定位"))

    t.section("责任人及管理队伍")
    fr = _first_responsible(account)
    t.row(
        _L("第一责任人"),
        _V(fr.name if fr else ""),
        _L("职务"),
        _V(fr.title if fr else ""),
        _L("联系电话"),
        _V(fr.phone if fr else ""),
    )
    people = [("直接责任人", account.direct_responsible)]
    if account.guiding_teacher:
        people.append(("指导教师", account.guiding_teacher))
    for label, person in people:
        t.row(
            _L(label),
            _V(person.name if person else ""),
            _L("工号"),
            _V(person.staff_no if person else ""),
            _L("联系电话"),
            _V(person.phone if person else ""),
        )
    first = t.next_index
    t.row(_L(""), _L("角色"), _L("姓名"), _L("职务"), _L("联系电话"), _L("电子邮箱"))
    for i in range(max(DUT_MIN_TEAM_ROWS, len(team))):
        m = team[i] if i < len(team) else _Member("", "")
        t.row(
            _L(""),
            _V(ManagerRole(m.role).label if m.role else ""),
            _V(m.name),
            _V(m.title),
            _V(m.phone),
            _V(m.email),
        )
    t.merge_down(first, t.next_index - 1, 0, _L("管理队伍"))

    if filing.kind == FilingKind.CHANGE:
        t.section("变更内容")
        _change_rows(t, filing, label_span=2, value_span=2)
    if filing.reason or filing.kind in DUT_REASON_LABELS:
        t.row(_L(DUT_REASON_LABELS.get(filing.kind, "备注")), _V(filing.reason, 5), height=1.5)

    t.section("审批意见")
    for box in opinion_boxes(filing):
        t.row(_L(box.label), _Opinion(box, DUT_BOX, 5), height=3.6)

    notes = []
    for kind in pack.filing_kinds:
        rule = pack.deadline(kind)
        if rule and rule.text:
            notes.append(f"{FilingKind(kind).label}：{rule.text}（{rule.article}）。")
    notes += [f"{rule['text']}（{rule['article']}）。" for rule in pack.staffing if rule.get("text")]
    _notes(doc, [f"{i}.{text}" for i, text in enumerate(notes, 1)])


LAYOUTS: dict[str, Callable[[DocumentObject, Filing], None]] = {"dut": render_dut, "yufe": render_yufe}


# ---------------------------------------------------------------- shared pieces
def _change_rows(t: "_FormTable", filing: Filing, *, label_span: int, value_span: int) -> None:
    """The 变更备案 table: one row per changed field, 原内容 / 变更后; blank rows to fill in by hand if none."""
    t.row(_L("变更事项", label_span), _L("原内容", value_span), _L("变更后", value_span))
    rows = [
        (d.get("label", d.get("field", "")), d.get("old", ""), d.get("new", "")) for d in filing.diff or []
    ]
    for label, old, new in rows or [("", "", "")] * 3:
        t.row(_V(label, label_span), _V(str(old), value_span), _V(str(new), value_span))


def _first_responsible(account):
    """第一责任人: the account's own, else its responsible unit's head (DUT 第六条, YUFE 第九条)."""
    return account.first_responsible or account.responsible_unit.first_responsible


def _positioning(account) -> str:
    parts = [
        ("功能定位", account.positioning_function),
        ("内容定位", account.positioning_content),
        ("受众定位", account.positioning_audience),
    ]
    return "\n".join(f"{label}：{text}" for label, text in parts if text)


def _contact(m: _Member) -> str:
    return " / ".join(x for x in (m.phone, m.email) if x)


def _box(label: str, ticked: bool) -> str:
    return f"{'☑' if ticked else '□'}{label}"


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _yes_no_boxes(value: bool) -> str:
    return f"{_box('是', value)} {_box('否', not value)}"


def _cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


_CN_NUMERALS = "零一二三四五六七八九十"
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ARTICLE = re.compile(r"第([零〇一二三四五六七八九十百]+)条(?:（([零〇一二三四五六七八九十]+)）)?")


def _cn_int(text: str) -> int:
    """一 → 1, 十一 → 11, 二十 → 20, 一百零二 → 102: enough for article numbers."""
    total, digit = 0, 0
    for ch in text:
        if ch == "百":
            total += (digit or 1) * 100
            digit = 0
        elif ch == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = _CN_DIGITS[ch]
    return total + digit


def _article_key(article: str) -> tuple:
    m = _ARTICLE.fullmatch(article)
    if not m:
        return (10**6, 0, article)
    return (_cn_int(m.group(1)), _cn_int(m.group(2)) if m.group(2) else 0, article)


# ---------------------------------------------------------------- python-docx helpers
def _font(run, name: str = SONG, size: float = BODY_PT, bold: bool = False) -> None:
    """Set the font for Latin and East Asian text alike; Word falls back oddly without w:eastAsia."""
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.font.bold = bold


def _new_document(filing: Filing) -> DocumentObject:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = SONG
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), SONG)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin = section.right_margin = Mm(25)
    section.footer_distance = Mm(10)
    doc.core_properties.title = f"备案审批表 {filing_number(filing)}"
    doc.core_properties.author = filing.institution.name
    return doc


def _write(container, text: str, *, font: str = SONG, size: float = BODY_PT, bold: bool = False, align=None):
    """Write `text` (lines split on \\n) as paragraphs into a cell or footer; the first reuses its empty one."""
    first = True
    for line in text.split("\n"):
        p = container.paragraphs[0] if first and container.paragraphs else container.add_paragraph()
        first = False
        if align is not None:
            p.alignment = align
        if line:
            _font(p.add_run(line), font, size, bold)


def _paragraph(doc, text: str, *, font=SONG, size=BODY_PT, bold=False, align=None, tab_right=False, space=4):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if tab_right:
        p.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    p.paragraph_format.space_after = Pt(space)
    if text:
        _font(p.add_run(text), font, size, bold)
    return p


def _title(doc, text: str) -> None:
    p = _paragraph(doc, text, size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space=12)
    p.paragraph_format.space_before = Pt(6)


def _heading(doc, text: str) -> None:
    p = _paragraph(doc, text, font=HEI, size=12, space=4)
    p.paragraph_format.space_before = Pt(10)


def _notes(doc, lines: list[str]) -> None:
    if not lines:
        return
    _paragraph(doc, "注：", font=HEI, size=NOTE_PT, space=0).paragraph_format.space_before = Pt(6)
    for line in lines:
        _paragraph(doc, line, size=NOTE_PT, space=0)


def _add_footer(doc, filing: Filing) -> None:
    footer = doc.sections[0].footer
    text = f"备案编号：{filing_number(filing)}　　依据：{filing_citation(filing)}"
    _write(footer, text, size=NOTE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)


@dataclass(frozen=True)
class _L:
    """A printed label cell (bold, centred)."""

    text: str
    span: int = 1


@dataclass(frozen=True)
class _V:
    """A filled-in value cell."""

    text: str
    span: int = 1


@dataclass(frozen=True)
class _Opinion:
    """An approval step's opinion box."""

    box: OpinionBox
    style: BoxStyle
    span: int = 1


class _FormTable:
    """A bordered table on a fixed column grid, built row by row; cells span columns or rows."""

    def __init__(self, doc, widths_cm: list[float]):
        self.widths = [Cm(w) for w in widths_cm]
        self.sections = 0
        self.table = doc.add_table(rows=0, cols=len(widths_cm))
        self.table.style = doc.styles["Table Grid"]
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.table.autofit = False
        for column, width in zip(self.table.columns, self.widths, strict=True):
            column.width = width

    @property
    def next_index(self) -> int:
        return len(self.table.rows)

    def row(self, *cells, height: float | None = None) -> None:
        assert sum(c.span for c in cells) == len(self.widths), cells
        row = self._add_row()
        row.height = Cm(height or 0.8)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        start = 0
        for spec in cells:
            cell = row.cells[start]
            if spec.span > 1:
                cell = cell.merge(row.cells[start + spec.span - 1])
            self._fill(cell, spec)
            start += spec.span

    def section(self, text: str) -> None:
        """A full-width, numbered heading row in 黑体 that stays on the page of the row after it."""
        self.sections += 1
        row = self._add_row()
        cell = row.cells[0].merge(row.cells[-1])
        _write(cell, f"{_CN_NUMERALS[self.sections]}、{text}", font=HEI, size=BODY_PT + 1)
        cell.paragraphs[0].paragraph_format.keep_with_next = True

    def _add_row(self):
        """A new row that Word never splits across pages (an opinion box stays whole for its signature)."""
        row = self.table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, self.widths, strict=True):
            cell.width = width
        return row

    def merge_down(self, first: int, last: int, column: int, spec: "_L") -> None:
        cell = self.table.cell(first, column)
        if last > first:
            cell = cell.merge(self.table.cell(last, column))
        self._fill(cell, spec)

    @staticmethod
    def _fill(cell, spec) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if isinstance(spec, _L):
            _write(cell, spec.text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif isinstance(spec, _V):
            _write(cell, spec.text)
        else:
            _fill_opinion(cell, spec.box, spec.style)


def _fill_opinion(cell, box: OpinionBox, style: BoxStyle) -> None:
    """Printed sentence, recorded decision and opinion, then signature, seal and date on the right."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    lines = []
    if style.preamble:
        lines.append(style.preamble)
    if box.decision:
        lines.append(f"审批结论：{box.decision}")
    lines.append(box.opinion or "")
    lines.append("")
    _write(cell, "\n".join(lines))
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _write_more(cell, f"{style.signature}{box.signer or ' ' * 16}", align=right)
    if style.seal:
        _write_more(cell, style.seal, align=right)
    _write_more(cell, _cn_date(box.signed_on) if box.signed_on else BLANK_DATE, align=right)


def _write_more(cell, text: str, *, align=None) -> None:
    p = cell.add_paragraph()
    if align is not None:
        p.alignment = align
    _font(p.add_run(text))
