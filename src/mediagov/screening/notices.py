"""责令更名/注销通知 (.docx) for a name-watch verdict of unregistered_use or impersonation (DUT 第九条).

The notice names the account, the evidence and the pack's `protected_names` article, and orders the account
to be renamed or cancelled within the period the department fills in.
"""

from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from mediagov.core.errors import DomainError
from mediagov.registry.platforms import PLATFORM_INFO

from .namewatch import IMPERSONATION, NameVerdict

FONT = "宋体"


def _run(paragraph, text: str, *, size: int = 12, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    run.font.size = Pt(size)
    run.bold = bold
    return run


def namewatch_notice_docx(institution, verdict: NameVerdict, *, today: date | None = None) -> bytes:
    """The notice for one flagged verdict; DomainError for a verdict that needs none."""
    if not verdict.flagged:
        raise DomainError(f"“{verdict.name}”的结论为“{verdict.verdict_label}”，无需发出责令更名/注销通知")
    pack = institution.policy
    conf = pack.protected_names
    article = conf.get("article", "")
    today = today or date.today()
    platform = (
        PLATFORM_INFO[verdict.platform].label if verdict.platform in PLATFORM_INFO else verdict.platform
    )

    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "责令更名/注销通知", size=18, bold=True)

    p = doc.add_paragraph()
    _run(
        p,
        f"“{verdict.name}”（{platform or '平台未知'}"
        + (f"，帐号标识 {verdict.handle}" if verdict.handle else "")
        + "）运营者：",
    )

    if verdict.verdict == IMPERSONATION:
        finding = (
            f"经核查，你方帐号名称与我校已备案官方帐号“{verdict.account_name}”相似，易被误认为学校官方帐号"
        )
    else:
        finding = (
            f"经核查，你方帐号名称使用了“{verdict.keyword}”字样（名称中为“{verdict.matched}”），未经审批"
        )
    p = doc.add_paragraph()
    _run(p, finding + "。")
    for line in verdict.evidence:
        p = doc.add_paragraph(style="List Bullet")
        _run(p, line)

    p = doc.add_paragraph()
    _run(p, f"根据{pack.cite(article)}" + (f"：“{conf['text']}”" if conf.get("text") else "") + "。")
    p = doc.add_paragraph()
    _run(
        p,
        f"请于收到本通知后____个工作日内对该帐号进行更名或注销，并将处理结果报{institution.name}"
        f"{pack.data.get('regulation', {}).get('interpreter', '党委宣传部')}。"
        "如需继续使用学校名称，须按规定履行审批备案手续。",
    )
    for text in (
        institution.name + pack.data.get("regulation", {}).get("interpreter", ""),
        today.strftime("%Y年%m月%d日"),
    ):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, text)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def namewatch_notice_filename(verdict: NameVerdict) -> str:
    safe = "".join(c for c in verdict.name if c not in '\\/:*?"<>|').strip() or "帐号"
    return f"责令更名注销通知_{verdict.row or ''}_{safe}.docx".replace("__", "_")
