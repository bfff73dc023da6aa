"""Named reads for the compliance pages and exports.

Everything a user sees goes through `Finding.objects.visible_to(user)` / `Sanction.objects.visible_to(user)`
(mediagov.core.scoping), narrowed to one institution; the counts and the unit rollup are computed from those
scoped querysets, so a unit's staff never see another unit's numbers.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.html import format_html

from mediagov.core.scoping import units_in_scope
from mediagov.org.models import Unit

from .kinds import RULES
from .models import (
    ACTIVE_STATES,
    SEVERITY_RANK,
    Finding,
    FindingState,
    Sanction,
    SanctionState,
    Scan,
    Severity,
)

RESPONSIBLE_ROLES = {
    "first_responsible": "第一责任人",
    "direct_responsible": "直接责任人",
    "guiding_teacher": "指导教师",
}

# Kinds of the findings people's checks record (not rule kinds of the pack), for the rule lists.
RECORDED_KIND_LABELS = {"screening": "发布内容筛查", "namewatch": "名称监测（第九条）"}
UNLINKED_UNIT = "未备案帐号（名称监测）"  # where a finding without a registered account is listed

# Evidence keys the rule kinds write (compliance/kinds/), in the words of the finding page.
EVIDENCE_LABELS = {
    "last_post": "最近一次发布",
    "opened_on": "开通日期",
    "empty_months": "未更新的月份",
    "threshold_months": "规定月数",
    "days_without_post": "未更新天数",
    "threshold_days": "规定天数",
    "window_start": "统计起始日",
    "window_end": "统计截止日",
    "posts": "发布条数",
    "min_posts": "规定最少条数",
    "accounts": "涉及帐号编号",
    "names": "涉及帐号",
    "max": "上限",
    "person": "人员",
    "staff_no": "工号",
    "on_staff": "在岗在编",
    "on_roster": "在教职工名册中",
    "filing_id": "备案编号",
    "filing_kind": "备案类型",
    "filing_state": "备案状态",
    "event_date": "事项发生日期",
    "due_date": "办理期限",
    "days_late": "逾期天数",
    "from": "起算依据",
    "start": "起算日期",
    "filing_due": "备案期限",
    "open_drafts": "未提交的备案草稿",
    "cadence": "报送周期",
    "period": "报表所属期",
    "submitted_on": "报送日期",
    "post_id": "发布记录编号",
    "post_title": "标题",
    "post_url": "链接",
    "published_at": "发布时间",
    "term": "词条",
    "category": "类别",
    "lexicon": "词库",
    "hits": "命中次数",
    "excerpt": "摘录",
    # name watch (namewatch.impersonation, namewatch.unregistered_use)
    "discovered_id": "名称监测记录编号",
    "discovered_platform": "发现帐号平台",
    "discovered_name": "发现帐号名称",
    "discovered_handle": "发现帐号ID",
    "discovered_url": "发现帐号链接",
    "discovered_bio": "发现帐号简介",
    "followers": "粉丝数",
    "similarity": "名称相似度",
    "keyword": "使用的受保护名称",
    "matched": "名称中的写法",
    "namewatch_evidence": "名称监测依据",
}
EVIDENCE_VALUES = {
    "cadence": {"monthly": "月报", "annual": "年度"},
    "from": {"publication": "办法公布", "creation": "帐号创建", "known": "帐号登记"},
}


# ---------------------------------------------------------------- findings and sanctions in scope
def findings_for(user, institution) -> QuerySet:
    """Every finding of `institution` the user may see (active and done)."""
    return (
        Finding.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("account", "account__responsible_unit", "institution")
    )


def sanctions_for(user, institution) -> QuerySet:
    return (
        Sanction.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("account", "account__responsible_unit", "issued_by", "institution")
    )


def _severity_rank():
    return Case(
        *[When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def ordered(findings: QuerySet) -> QuerySet:
    """Active first, then the most severe, the earliest due, the account name."""
    return findings.annotate(
        _active=Case(
            When(state__in=ACTIVE_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        _rank=_severity_rank(),
    ).order_by("_active", "-_rank", F("due_date").asc(nulls_last=True), "account__name", "id")


def findings_filter(
    findings: QuerySet,
    *,
    as_of: date,
    state: str = "",
    severity: str = "",
    rule: str = "",
    unit: Unit | None = None,
    overdue: bool = False,
    q: str = "",
) -> QuerySet:
    """The finding list's filters. `state` "" means the active ones, "done" the closed ones, "all" every one."""
    if state == "all":
        pass
    elif state == "done":
        findings = findings.done()
    elif state in FindingState.values:
        findings = findings.filter(state=state)
    else:
        findings = findings.active()
    if severity:
        findings = findings.filter(severity=severity)
    if rule:
        findings = findings.filter(rule=rule)
    if unit is not None:
        findings = findings.in_unit(unit)
    if overdue:
        findings = findings.overdue(as_of=as_of)
    if q.strip():  # an account's name, or the discovered account an account-less finding names
        findings = findings.filter(
            Q(account__name__icontains=q.strip()) | Q(account__isnull=True, title__icontains=q.strip())
        )
    return findings


def finding_kpis(findings: QuerySet, sanctions: QuerySet, *, as_of: date) -> dict:
    """The overview's key figures: open, overdue, urgent, rectified awaiting verification, active sanctions."""
    active = Q(state__in=ACTIVE_STATES)
    kpis = findings.aggregate(
        open=Count("pk", filter=active),
        overdue=Count("pk", filter=active & Q(due_date__lt=as_of)),
        urgent=Count("pk", filter=active & Q(severity=Severity.URGENT)),
        awaiting=Count("pk", filter=Q(state=FindingState.RECTIFIED)),
    )
    kpis["sanctions"] = sanctions.filter(state=SanctionState.ACTIVE).count()
    return kpis


def counts_by_state(findings: QuerySet) -> list[dict]:
    counts = dict(findings.values_list("state").annotate(n=Count("pk")).order_by())
    return [{"state": s, "label": label, "n": counts.get(s, 0)} for s, label in FindingState.choices]


def counts_by_severity(findings: QuerySet) -> list[dict]:
    """Active findings by severity, most severe first."""
    counts = dict(findings.active().values_list("severity").annotate(n=Count("pk")).order_by())
    rows = [{"severity": s, "label": label, "n": counts.get(s, 0)} for s, label in Severity.choices]
    return sorted(rows, key=lambda r: -SEVERITY_RANK[r["severity"]])


def counts_by_article(findings: QuerySet) -> list[dict]:
    """Active findings by the article they cite."""
    rows = (
        findings.active()
        .values("regulation", "article")
        .annotate(n=Count("pk"))
        .order_by("-n", "regulation", "article")
    )
    return [{"citation": f"《{r['regulation']}》{r['article']}", **r} for r in rows]


# ---------------------------------------------------------------- the rule catalogue
@dataclass
class RuleRow:
    id: str
    kind: str
    label: str
    article: str
    citation: str
    text: str = ""
    severity: str = ""
    action: str = ""
    implemented: bool = True
    in_pack: bool = True
    holding: int = 0  # active findings in the user's scope
    overdue: int = 0
    total: int = 0


def rule_catalogue(pack, findings: QuerySet | None = None, *, as_of: date | None = None) -> list[RuleRow]:
    """The rules of the pack (`pack.compliance_rules()`) with their kind's Chinese label and, given the user's
    findings, how many hold now. A rule that still has findings but left the pack is listed last."""
    rows: dict[str, RuleRow] = {}
    for spec in pack.compliance_rules():
        kind = RULES.get(spec.kind)
        rows[spec.id] = RuleRow(
            id=spec.id,
            kind=spec.kind,
            label=kind.describe(spec) if kind else f"（未实现的规则类型：{spec.kind}）",
            article=spec.article,
            citation=pack.cite(spec.article),
            text=spec.text,
            severity=Severity(spec.severity).label if spec.severity in Severity.values else "",
            action=spec.action or (kind.default_action if kind else ""),
            implemented=kind is not None,
        )
    if findings is None:
        return list(rows.values())
    active = Q(state__in=ACTIVE_STATES)
    counts = (
        findings.values("rule", "kind", "regulation", "article")
        .annotate(
            holding=Count("pk", filter=active),
            overdue=Count("pk", filter=active & Q(due_date__lt=as_of or timezone.localdate())),
            total=Count("pk"),
        )
        .order_by()
    )
    for c in counts:
        row = rows.get(c["rule"])
        if row is None:
            kind = RULES.get(c["kind"])
            row = rows[c["rule"]] = RuleRow(
                id=c["rule"],
                kind=c["kind"],
                label=kind.label if kind else RECORDED_KIND_LABELS.get(c["kind"], c["kind"]),
                article=c["article"],
                citation=f"《{c['regulation']}》{c['article']}",
                in_pack=False,
            )
        row.holding += c["holding"]
        row.overdue += c["overdue"]
        row.total += c["total"]
    return list(rows.values())


# ---------------------------------------------------------------- units
def units_visible(user, institution) -> QuerySet:
    """Units whose compliance page the user may open: the department's whole institution, else their subtrees."""
    return units_in_scope(user, institution)


def scope_roots(user, institution) -> list[Unit]:
    """The top units of the user's scope: the institution's top-level units for the department."""
    units = list(units_in_scope(user, institution).order_by("path"))
    ids = {u.pk for u in units}
    return [u for u in units if u.parent_id not in ids]


@dataclass
class UnitRow:
    unit: Unit
    accounts: set = field(default_factory=set)  # accounts with an active finding
    open: int = 0
    overdue: int = 0
    awaiting: int = 0
    sanctions: int = 0

    @property
    def account_count(self) -> int:
        return len(self.accounts)

    @property
    def has_any(self) -> bool:
        return bool(self.open or self.sanctions)


def unit_rollup(
    roots, findings: QuerySet, sanctions: QuerySet, *, as_of: date, only_nonzero: bool = True
) -> list[UnitRow]:
    """Per unit of `roots`, its whole subtree (Unit.path): active and overdue findings, findings awaiting
    verification, accounts with findings and active sanctions, from the user's scoped querysets."""
    active = Q(state__in=ACTIVE_STATES)
    per_account = (
        findings.filter(active, account__isnull=False)  # account-less findings belong to no unit
        .values("account_id", "account__responsible_unit__path")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_date__lt=as_of)),
            awaiting=Count("pk", filter=Q(state=FindingState.RECTIFIED)),
        )
        .order_by()
    )
    per_sanction = (
        sanctions.filter(state=SanctionState.ACTIVE)
        .values("account__responsible_unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [UnitRow(unit=u) for u in roots]
    for c in per_account:
        for row in rows:
            if c["account__responsible_unit__path"].startswith(row.unit.path):
                row.accounts.add(c["account_id"])
                row.open += c["open"]
                row.overdue += c["overdue"]
                row.awaiting += c["awaiting"]
    for c in per_sanction:
        for row in rows:
            if c["account__responsible_unit__path"].startswith(row.unit.path):
                row.sanctions += c["n"]
    if only_nonzero:
        rows = [r for r in rows if r.has_any]
    return sorted(rows, key=lambda r: (-r.overdue, -r.open, -r.sanctions, r.unit.path))


def accounts_with_compliance(accounts: QuerySet, *, as_of: date) -> QuerySet:
    """Accounts annotated with their active and overdue findings, with their active sanctions prefetched."""
    active = Q(findings__state__in=ACTIVE_STATES)
    return (
        accounts.select_related("responsible_unit")
        .annotate(
            open_findings=Count("findings", filter=active, distinct=True),
            overdue_findings=Count(
                "findings", filter=active & Q(findings__due_date__lt=as_of), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "sanctions",
                queryset=Sanction.objects.filter(state=SanctionState.ACTIVE),
                to_attr="active_sanctions",
            )
        )
        .order_by("responsible_unit__path", "name")
    )


# ---------------------------------------------------------------- scans and one finding
def latest_scans(institution, limit: int = 10) -> QuerySet:
    return Scan.objects.filter(institution=institution).select_related("by")[:limit]


def latest_scan(institution) -> Scan | None:
    return Scan.objects.filter(institution=institution).first()


def responsible_text(responsible: list) -> str:
    """责任人 as one line: "直接责任人：张三；第一责任人：李四"."""
    return "；".join(
        f"{RESPONSIBLE_ROLES.get(r.get('role'), r.get('role', ''))}：{r.get('name', '')}" for r in responsible
    )


def _evidence_value(key: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key == "excerpt" and isinstance(value, dict):  # a screening hit: the term marked in its context
        return format_html(
            '{}<mark class="screening-hit">{}</mark>{}',
            value.get("before", ""),
            value.get("hit", ""),
            value.get("after", ""),
        )
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return EVIDENCE_VALUES.get(key, {}).get(value, str(value))


def evidence_rows(evidence: dict) -> list[tuple[str, str]]:
    """The finding's evidence as (label, value) rows, in the words of the page."""
    if not isinstance(evidence, dict):
        return [("证据", str(evidence))]
    return [(EVIDENCE_LABELS.get(k, k), _evidence_value(k, v)) for k, v in evidence.items()]


def finding_changes(finding: Finding) -> list[dict]:
    """Field-level changes from django-simple-history, newest first (state shown in words)."""
    out = []
    records = list(finding.history.all().select_related("history_user")[:50])
    for newer, older in zip(records, records[1:], strict=False):
        for change in newer.diff_against(older).changes:
            if change.field in ("created",):
                continue
            model_field = Finding._meta.get_field(change.field)
            choices = dict(model_field.choices or [])
            out.append(
                {
                    "when": newer.history_date,
                    "who": newer.history_user,
                    "label": model_field.verbose_name,
                    "old": choices.get(change.old, change.old),
                    "new": choices.get(change.new, change.new),
                }
            )
    return out


def sanction_chain(sanction: Sanction) -> list[Sanction]:
    """The escalation chain the sanction belongs to, from the first decision to the latest."""
    first = sanction
    seen = {first.pk}
    while True:
        previous = Sanction.objects.filter(escalated_to=first).first()
        if previous is None or previous.pk in seen:
            break
        first = previous
        seen.add(first.pk)
    chain = [first]
    while chain[-1].escalated_to_id and chain[-1].escalated_to_id not in {s.pk for s in chain}:
        chain.append(Sanction.objects.get(pk=chain[-1].escalated_to_id))
    return chain
