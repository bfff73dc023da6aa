"""The compliance workbook (.xlsx): the findings with every column, then the counts by rule and by unit, and
the sanctions. Rows are yielded by small generators; one renderer writes them (openpyxl write-only), every
string cell through `core.tabular.safe_cell` so an account name like "=cmd|…" stays text.

Callers pass querysets already scoped to the user (selectors.findings_for / sanctions_for, narrowed to a unit
or an account); nothing here widens them.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mediagov.core.tabular import safe_cell
from mediagov.org.models import Unit

from .kinds import RULES
from .models import ACTIVE_STATES, FindingState, SanctionState
from .selectors import RECORDED_KIND_LABELS, RESPONSIBLE_ROLES, UNLINKED_UNIT, responsible_text

FINDING_HEADERS = [
    "单位",
    "帐号",
    "平台",
    "帐号ID",
    "规则",
    "制度",
    "条款",
    "问题",
    "说明",
    "严重程度",
    "整改要求",
    "责任人",
    "起始日期",
    "整改期限",
    "状态",
    "首次发现",
    "最近确认",
]
FINDING_WIDTHS = [18, 24, 12, 20, 22, 24, 12, 24, 40, 8, 28, 28, 11, 11, 14, 11, 11]
RULE_HEADERS = ["规则", "规则类型", "依据", "未关闭", "逾期", "已整改待核验", "已关闭/豁免", "合计"]
RULE_WIDTHS = [24, 30, 36, 8, 8, 12, 12, 8]
UNIT_HEADERS = ["单位", "有问题的帐号", "未关闭", "逾期", "已整改待核验", "已关闭/豁免", "执行中的处理决定"]
UNIT_WIDTHS = [24, 12, 8, 8, 12, 12, 16]
SANCTION_HEADERS = [
    "单位",
    "帐号",
    "平台",
    "处理措施",
    "依据",
    "依据问题",
    "处理理由",
    "整改期限",
    "问责对象",
    "处理前帐号状态",
    "状态",
    "决定人",
    "决定时间",
    "解除时间",
    "解除说明",
]
SANCTION_WIDTHS = [18, 24, 12, 10, 30, 36, 36, 11, 28, 12, 14, 14, 16, 16, 30]


def _account_id(account) -> str:
    return account.platform_id or account.handle or ""


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def finding_rows(findings: QuerySet) -> Iterator[list]:
    """The header row, then one row per finding."""
    yield list(FINDING_HEADERS)
    qs = findings.select_related("account", "account__responsible_unit").order_by(
        "account__responsible_unit__path", "account__name", "rule", "key", "id"
    )
    for f in qs.iterator(chunk_size=1000):
        a = f.account
        if a is None:  # an unregistered account found by the name watch
            found = f.discovered
            account_cells = [UNLINKED_UNIT, found["name"], found["platform"], found["handle"]]
        else:
            account_cells = [a.responsible_unit.name, a.name, a.get_platform_display(), _account_id(a)]
        yield [
            *account_cells,
            f.rule,
            f.regulation,
            f.article,
            f.title,
            f.message,
            f.get_severity_display(),
            f.action,
            responsible_text(f.responsible),
            f.since,
            f.due_date if f.due_date else (f.due_error or None),
            f.get_state_display(),
            f.first_seen,
            f.last_seen,
        ]


def _state_counts():
    return {
        "open": Count("pk", filter=Q(state__in=ACTIVE_STATES)),
        "awaiting": Count("pk", filter=Q(state=FindingState.RECTIFIED)),
        "done": Count("pk", filter=~Q(state__in=ACTIVE_STATES)),
        "total": Count("pk"),
    }


def rule_rows(findings: QuerySet, *, as_of: date) -> Iterator[list]:
    yield list(RULE_HEADERS)
    rows = (
        findings.values("rule", "kind", "regulation", "article")
        .annotate(
            **_state_counts(), overdue=Count("pk", filter=Q(state__in=ACTIVE_STATES, due_date__lt=as_of))
        )
        .order_by("rule", "regulation", "article")
    )
    for r in rows:
        kind = RULES.get(r["kind"])
        yield [
            r["rule"],
            kind.label if kind else RECORDED_KIND_LABELS.get(r["kind"], r["kind"]),
            f"《{r['regulation']}》{r['article']}",
            r["open"],
            r["overdue"],
            r["awaiting"],
            r["done"],
            r["total"],
        ]


def unit_rows(findings: QuerySet, sanctions: QuerySet, *, as_of: date) -> Iterator[list]:
    """One row per responsible unit that has findings or sanctions (the unit the account belongs to)."""
    yield list(UNIT_HEADERS)
    counts = {
        r["account__responsible_unit"]: r
        for r in findings.values("account__responsible_unit")
        .annotate(
            **_state_counts(),
            overdue=Count("pk", filter=Q(state__in=ACTIVE_STATES, due_date__lt=as_of)),
            accounts=Count("account", filter=Q(state__in=ACTIVE_STATES), distinct=True),
        )
        .order_by()
    }
    active_sanctions = dict(
        sanctions.filter(state=SanctionState.ACTIVE)
        .values_list("account__responsible_unit")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit in Unit.objects.filter(pk__in=set(counts) | set(active_sanctions)).order_by("path"):
        c = counts.get(unit.pk, {})
        yield [
            unit.name,
            c.get("accounts", 0),
            c.get("open", 0),
            c.get("overdue", 0),
            c.get("awaiting", 0),
            c.get("done", 0),
            active_sanctions.get(unit.pk, 0),
        ]
    if None in counts:  # findings without a registered account (name watch): no unit, no sanction
        c = counts[None]
        yield [UNLINKED_UNIT, "", c["open"], c["overdue"], c["awaiting"], c["done"], 0]


def _accountable_text(accountable: list) -> str:
    return "；".join(
        f"{RESPONSIBLE_ROLES.get(p.get('role'), p.get('role', ''))}：{p.get('name', '')}"
        + (f"（工号{p['staff_no']}）" if p.get("staff_no") else "")
        for p in accountable
    )


def sanction_rows(sanctions: QuerySet) -> Iterator[list]:
    from mediagov.registry.models import AccountStatus

    yield list(SANCTION_HEADERS)
    qs = (
        sanctions.select_related("account", "account__responsible_unit", "issued_by")
        .prefetch_related("findings")
        .order_by("account__responsible_unit__path", "account__name", "issued_at", "id")
    )
    statuses = dict(AccountStatus.choices)
    for s in qs:
        a = s.account
        yield [
            a.responsible_unit.name,
            a.name,
            a.get_platform_display(),
            s.get_level_display(),
            s.citation,
            "；".join(f"{f.title}（{f.get_state_display()}）" for f in s.findings.all()),
            s.reason,
            s.deadline,
            _accountable_text(s.accountable),
            statuses.get(s.previous_status, s.previous_status),
            s.get_state_display(),
            _user_name(s.issued_by),
            s.issued_at,
            s.lifted_at,
            s.lift_note,
        ]


# ---------------------------------------------------------------- the renderer
@dataclass
class Sheet:
    title: str
    rows: Iterator[list]  # the header row first
    widths: list[int]


def _value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def xlsx(sheets: list[Sheet]) -> bytes:
    """Write the sheets to one workbook: bold frozen header rows, dates as dates, every string made safe."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title)
        sheet.freeze_panes = "A2"
        for i, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        header = []
        for text in next(spec.rows):
            cell = WriteOnlyCell(sheet, value=_value(text))
            cell.font, cell.fill = bold, fill
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            cells = []
            for raw in row:
                cell = WriteOnlyCell(sheet, value=_value(raw))
                if isinstance(raw, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(raw, date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def compliance_workbook(*, findings: QuerySet, sanctions: QuerySet, as_of: date) -> bytes:
    """The workbook of the overview, a unit or an account: 问题清单, 按规则, 按单位, 处理决定."""
    return xlsx(
        [
            Sheet("问题清单", finding_rows(findings), FINDING_WIDTHS),
            Sheet("按规则", rule_rows(findings, as_of=as_of), RULE_WIDTHS),
            Sheet("按单位", unit_rows(findings, sanctions, as_of=as_of), UNIT_WIDTHS),
            Sheet("处理决定", sanction_rows(sanctions), SANCTION_WIDTHS),
        ]
    )
