"""Compliance services: scans, the finding lifecycle and sanctions. Views, the CLI, tasks and the API call these.

- `scan_compute(institution, as_of=)` evaluates every rule of the pack against the snapshot as of a date
  and returns the findings that hold then (nothing is written).
- `scan_run(...)` computes and, unless the date is earlier than the institution's latest recorded scan,
  records the result: a holding finding is found again by (rule, account, key), never added twice; an
  active finding whose condition no longer holds closes itself (state `resolved`, with the date and why).
- Findings move open → acknowledged → rectified → closed (verified by the department), or are waived by
  the department with a reason. Nobody verifies a rectification they reported themselves.
- Sanctions climb the ladder 责令整改 → 关停整改 → 注销账号 (DUT 第十九条), change the account's status,
  name the accountable people, and are lifted (the account reinstated) once every finding they rest on is
  closed, resolved or waived.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from mediagov.core import scoping
from mediagov.core.audit import log_action
from mediagov.core.bulk import gc_paused
from mediagov.core.errors import DomainError
from mediagov.core.errors import PermissionDenied as DomainPermissionDenied
from mediagov.policy.pack import DEFAULT_RECTIFY
from mediagov.registry.models import AccountStatus, MediaAccount
from mediagov.workdays.services import CalendarDataMissing, due_date

from .kinds import RULES, FindingDraft
from .models import (
    ACTIVE_STATES,
    NAMEWATCH_KIND,
    SANCTION_RANK,
    Finding,
    FindingState,
    Sanction,
    SanctionLevel,
    SanctionState,
    Scan,
    ScanTrigger,
)
from .snapshot import Snapshot, snapshot_build, snapshots_build

_CHINA = ZoneInfo("Asia/Shanghai")  # findings are dated in China
SCREENING_PREFIX = "screening."  # rule ids of the findings `finding_record_screening` raises
NAMEWATCH_PREFIX = "namewatch."  # rule ids of the findings `finding_record_namewatch` raises
# Findings recorded by people's checks, not computed by the scan: the scan never resolves them.
RECORDED_PREFIXES = (SCREENING_PREFIX, NAMEWATCH_PREFIX)
UNIT_LABELS = {"working_days": "个工作日", "calendar_days": "日", "weeks": "周"}
SANCTION_STATUS = {
    SanctionLevel.RECTIFY: AccountStatus.RECTIFYING,
    SanctionLevel.SUSPEND: AccountStatus.SUSPENDED,
    SanctionLevel.CANCEL: AccountStatus.CANCELLED,
}


class ComplianceError(DomainError):
    pass


# ---------------------------------------------------------------- scans
@dataclass
class ScanOutcome:
    institution: object
    as_of: date
    drafts: list[FindingDraft]
    accounts: dict[int, object]
    errors: list[str] = field(default_factory=list)
    scan: Scan | None = None
    persisted: bool = False
    opened: int = 0
    closed: int = 0
    findings: dict[tuple, Finding] = field(default_factory=dict)  # (rule, account, key) -> recorded finding


def _due(draft: FindingDraft, start: date, pack, cache: dict | None = None) -> None:
    rectify = draft.rectify or DEFAULT_RECTIFY
    amount, unit = int(rectify["amount"]), rectify["unit"]
    key = (start, amount, unit, draft.article)
    if cache is not None and key in cache:  # one scan: most findings share the day, period and article
        draft.due, draft.due_error, draft.due_rule = cache[key]
        return
    draft.due_rule = f"{pack.cite(draft.article)}：问题发生后{amount}{UNIT_LABELS[unit]}内整改"
    try:
        draft.due = due_date(start, amount, unit, "after")
        draft.due_error = ""
    except CalendarDataMissing as exc:
        draft.due, draft.due_error = None, str(exc)
    if cache is not None:
        cache[key] = (draft.due, draft.due_error, draft.due_rule)


@gc_paused()
def scan_compute(
    institution, *, as_of: date, snapshot: Snapshot | None = None, active: dict | None = None
) -> ScanOutcome:
    """The findings that hold as of `as_of`, nothing written. `snapshot` and `active` (the institution's
    active findings, `active_findings_of`) are read here unless the caller read them for many institutions."""
    snap = snapshot or snapshot_build(institution, as_of)
    pack = snap.pack
    drafts: list[FindingDraft] = []
    errors: list[str] = []
    for spec in pack.compliance_rules():
        rule = RULES.get(spec.kind)
        if rule is None:
            errors.append(f"{spec.id}：规则类型“{spec.kind}”尚未实现，未检查")
            continue
        drafts.extend(rule.evaluate(spec, snap))
    accounts = {a.id: a for a in snap.accounts}
    # The rectification period runs from the day a finding was first seen (not from when the condition
    # began: an old breach found today still gets its full period), as a scan on `as_of` saw it.
    if active is None:
        active = active_findings_of([institution])[institution.pk]
    first_seen = {key: f.first_seen for key, f in active.items()}
    due_cache: dict = {}
    responsible: dict[int, list] = {}
    for d in drafts:
        if d.account_id not in responsible:
            responsible[d.account_id] = snap.responsible(accounts[d.account_id])
        d.responsible = responsible[d.account_id]
        _due(d, min(as_of, first_seen.get((d.rule, d.account_id, d.key), as_of)), pack, due_cache)
    errors.extend(snap.errors)
    drafts.sort(key=lambda d: (d.account_id, d.rule, d.key))
    outcome = ScanOutcome(
        institution=institution, as_of=as_of, drafts=drafts, accounts=accounts, errors=errors
    )
    outcome.findings = active
    return outcome


def active_findings_of(institutions) -> dict[int, dict[tuple, Finding]]:
    """The active findings of each institution, by (rule, account, key): one query for all of them."""
    out: dict[int, dict[tuple, Finding]] = {inst.pk: {} for inst in institutions}
    for f in Finding.objects.filter(institution__in=list(out), state__in=ACTIVE_STATES).order_by():
        out[f.institution_id][(f.rule, f.account_id, f.key)] = f
    return out


def _latest_recorded(institution) -> date | None:
    scan = Scan.objects.filter(institution=institution, persisted=True).order_by("-as_of").first()
    return scan.as_of if scan else None


def scan_run(
    institution,
    *,
    as_of: date,
    trigger: str = ScanTrigger.SCHEDULE,
    by=None,
    snapshot: Snapshot | None = None,
    active: dict | None = None,
) -> ScanOutcome:
    """Compute the findings as of `as_of` and record them (see the module docstring)."""
    outcome = scan_compute(institution, as_of=as_of, snapshot=snapshot, active=active)
    latest = _latest_recorded(institution)
    persist = latest is None or as_of >= latest
    with transaction.atomic():
        scan = Scan.objects.create(
            institution=institution,
            as_of=as_of,
            trigger=trigger,
            persisted=persist,
            by=by,
            accounts=len(outcome.accounts),
            rules=len(institution.policy.compliance_rules()),
            holding=len(outcome.drafts),
            errors=outcome.errors,
        )
        outcome.scan = scan
        if persist:
            _record(outcome, scan)
        else:
            outcome.findings = active_findings_of([institution])[institution.pk]
        scan.opened, scan.closed, scan.finished_at = outcome.opened, outcome.closed, timezone.now()
        scan.save(update_fields=["opened", "closed", "finished_at"])
    outcome.persisted = persist
    if persist and outcome.opened:
        transaction.on_commit(lambda: _notify_opened(scan.pk))
    return outcome


def _suppressed(draft: FindingDraft, done: dict) -> bool:
    """A waived or verified-closed occurrence is not raised again while the same occurrence holds."""
    for since in done.get((draft.rule, draft.account_id, draft.key), ()):
        if draft.since is None or since is None or since == draft.since:
            return True
    return False


def _record(outcome: ScanOutcome, scan: Scan) -> None:
    institution, as_of = outcome.institution, outcome.as_of
    pack = institution.policy
    active = {
        (f.rule, f.account_id, f.key): f
        for f in Finding.objects.select_for_update().filter(institution=institution, state__in=ACTIVE_STATES)
    }
    done: dict[tuple, list] = {}
    for rule, account_id, key, since in Finding.objects.filter(
        institution=institution, state__in=[FindingState.WAIVED, FindingState.CLOSED]
    ).values_list("rule", "account_id", "key", "since"):
        done.setdefault((rule, account_id, key), []).append(since)

    holding: set[tuple] = set()
    to_update, to_create = [], []
    seen_only: dict[date, list[int]] = {}  # unchanged but for last_seen: one UPDATE, not bulk_update's CASEs
    for d in outcome.drafts:
        k = (d.rule, d.account_id, d.key)
        if k in holding:
            continue
        holding.add(k)
        finding = active.get(k)
        if finding is not None:
            unchanged = (
                finding.title == d.title
                and finding.message == d.message
                and finding.evidence == d.evidence
                and (finding.severity, finding.action, finding.responsible)
                == (d.severity, d.action, d.responsible)
                and not (finding.due_date is None and d.due is not None)
            )
            finding.last_seen = max(finding.last_seen, as_of)
            finding.title, finding.message, finding.evidence = d.title, d.message, d.evidence
            finding.severity, finding.action, finding.responsible = d.severity, d.action, d.responsible
            if finding.due_date is None and d.due is not None:
                finding.due_date, finding.due_rule, finding.due_error = d.due, d.due_rule, ""
            if unchanged:
                seen_only.setdefault(finding.last_seen, []).append(finding.pk)
            else:
                to_update.append(finding)
            continue
        if _suppressed(d, done):
            continue
        to_create.append(
            Finding(
                institution=institution,
                account_id=d.account_id,
                rule=d.rule,
                kind=d.kind,
                key=d.key,
                regulation=pack.title,
                article=d.article,
                title=d.title,
                message=d.message,
                evidence=d.evidence,
                severity=d.severity,
                action=d.action,
                responsible=d.responsible,
                since=d.since,
                due_date=d.due,
                due_rule=d.due_rule,
                due_error=d.due_error,
                first_seen=as_of,
                last_seen=as_of,
                first_scan=scan,
            )
        )
    Finding.objects.bulk_update(
        to_update,
        [
            "last_seen",
            "title",
            "message",
            "evidence",
            "severity",
            "action",
            "responsible",
            "due_date",
            "due_rule",
            "due_error",
        ],
        batch_size=500,
    )
    for day, pks in seen_only.items():
        for i in range(0, len(pks), 5000):
            Finding.objects.filter(pk__in=pks[i : i + 5000]).update(last_seen=day)
    for finding in to_create:  # save() so history and the audit trail see each new finding
        finding.save()
        log_action(finding, "finding.opened", data={"rule": finding.rule, "as_of": as_of.isoformat()})
    outcome.opened = len(to_create)

    undecided = {line.split("：")[0].split(":")[0] for line in outcome.errors}
    rule_ids = {spec.id for spec in pack.compliance_rules()}
    closed = 0
    for k, finding in active.items():
        if k in holding or finding.rule in undecided or finding.rule.startswith(RECORDED_PREFIXES):
            continue  # a screened post or a name-watch result is not a scan's to close: only people close it
        account = outcome.accounts.get(finding.account_id)
        if account is not None and account.status == AccountStatus.SUSPENDED:
            continue  # 关停整改: frozen until the department lifts the sanction
        if finding.rule not in rule_ids:
            why = "该规则已不在政策包中"
        elif account is None or account.status == AccountStatus.CANCELLED:
            why = "帐号已注销"
        else:
            why = "扫描时问题已不存在"
        finding.resolve()
        finding.closed_on, finding.closed_at, finding.close_note = as_of, timezone.now(), why
        finding.save()
        log_action(finding, "finding.resolved", data={"as_of": as_of.isoformat(), "why": why})
        closed += 1
    outcome.closed = closed
    outcome.findings = active_findings_of([institution])[institution.pk]


def _notify_opened(scan_id: int) -> None:
    """Tell the responsible people about the findings a scan opened (in-app and the configured channels)."""
    from mediagov.notifications.services import findings_opened_notify

    findings_opened_notify(
        Finding.objects.filter(first_scan_id=scan_id).select_related(
            "institution", "account__responsible_unit", "account__direct_responsible__user"
        )
    )


def scan_institutions(*, as_of: date, trigger: str = ScanTrigger.SCHEDULE) -> list[ScanOutcome]:
    """The scheduled scan: every institution with a pack."""
    from mediagov.org.models import Institution

    institutions = list(Institution.objects.exclude(pack={}).order_by("code"))
    # One query per table for all of them, not per institution (docs/performance.md).
    snapshots = snapshots_build(institutions, as_of)
    active = active_findings_of(institutions)  # each scan_run changes only its own institution's findings
    return [
        scan_run(inst, as_of=as_of, trigger=trigger, snapshot=snapshots[inst.pk], active=active[inst.pk])
        for inst in institutions
    ]


def finding_json(outcome: ScanOutcome, draft: FindingDraft) -> dict:
    """One finding of the `mediagov scan --json` contract (docs/compliance.md)."""
    account = outcome.accounts[draft.account_id]
    recorded = outcome.findings.get((draft.rule, draft.account_id, draft.key))
    due = draft.due
    pack = outcome.institution.policy
    return {
        "rule": draft.rule,
        "kind": draft.kind,
        "regulation": pack.title,
        "article": draft.article,
        "citation": pack.cite(draft.article),
        "account": {
            "id": account.id,
            "name": account.name,
            "platform": account.platform,
            "platform_id": account.platform_id,
        },
        "title": draft.title,
        "message": draft.message,
        "severity": draft.severity,
        "action": draft.action,
        "responsible": draft.responsible,
        "since": draft.since.isoformat() if draft.since else None,
        "due": due.isoformat() if due else None,
        "due_rule": draft.due_rule,
        "evidence": draft.evidence,
        "key": draft.key,
        "finding_id": recorded.pk if recorded is not None else None,
        "state": recorded.state if recorded is not None else None,
    }


# ---------------------------------------------------------------- findings from screening published posts
SCREENING_EXCERPT = 30  # characters of context either side of a hit in the evidence
SCREENING_ACTIONS = {
    "classified": "立即删除该条内容，并向党委宣传部、保密部门报告",
    "typo": "更正该条内容中的错别字或错误表述",
    "commercial_ad": "删除与学校无关的商业广告内容",
}
SCREENING_ACTION = "核实该条内容，违规的立即删除或更正，并将处理情况报党委宣传部"


def screening_key(post_id: int, category: str, term: str) -> str:
    """The finding key of one term in one post (terms may be long: the key holds a digest of it)."""
    digest = hashlib.sha1(f"{category}\0{term}".encode()).hexdigest()[:16]
    return f"post:{post_id}:{digest}"


def screening_excerpt(text: str, start: int, end: int, width: int = SCREENING_EXCERPT) -> dict:
    """The hit with `width` characters either side: {"before", "hit", "after"} (the page marks "hit")."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return {
        "before": ("…" if start > width else "") + before,
        "hit": text[start:end],
        "after": after + ("…" if end + width < len(text) else ""),
    }


def _screening_due(pack, article: str, start: date) -> tuple[date | None, str, str]:
    draft = FindingDraft(
        rule="",
        kind="",
        account_id=0,
        key="",
        title="",
        message="",
        evidence={},
        since=start,
        article=article,
    )
    _due(draft, start, pack)
    return draft.due, draft.due_rule, draft.due_error


def finding_record_screening(post, hits, text: str) -> list[Finding]:
    """Record the screening `hits` in `text` (the title and body of the published `post`) as findings.

    One finding per (post, term): rule `screening.<category>`, citing the article the pack's
    `screening.categories` ties the category to, with an excerpt around the first hit as evidence. A term
    found in the post before (whatever became of that finding: closed, waived) adds nothing, so screening a
    post again is idempotent. The daily scan never resolves these findings (`_record`). The new findings
    are announced after commit to the direct responsible person and the propaganda department.
    """
    from mediagov.screening.models import Category, Severity

    account = MediaAccount.objects.select_related("institution", "direct_responsible").get(pk=post.account_id)
    institution = account.institution
    pack = institution.policy
    categories = pack.screening_categories
    first: dict[tuple[str, str], list] = {}
    for hit in hits:
        first.setdefault((hit.category, hit.term), []).append(hit)
    keys = {screening_key(post.pk, c, t): (c, t) for c, t in first}
    seen = set(
        Finding.objects.filter(
            account=account, key__in=list(keys), rule__startswith=SCREENING_PREFIX
        ).values_list("key", flat=True)
    )
    today = timezone.localdate(timezone=_CHINA)
    published = timezone.localtime(post.published_at, _CHINA)
    responsible = []
    if account.direct_responsible is not None:
        person = account.direct_responsible
        responsible.append({"role": "direct_responsible", "person_id": person.pk, "name": person.name})
    created: list[Finding] = []
    for key, (category, term) in keys.items():
        if key in seen:
            continue
        found = first[(category, term)]
        hit = found[0]
        conf = categories.get(category) or {}
        article = conf.get("article", "")
        label = Category(category).label if category in Category.values else category
        severity = hit.severity or conf.get("severity") or Severity.MEDIUM
        if category == Category.CLASSIFIED:
            severity = Severity.URGENT  # a leak is handled at once (DUT 第十四条（一）, YUFE 第十一条)
        due, due_rule, due_error = _screening_due(pack, article, today)
        source = f"词库“{hit.lexicon}”第{hit.version}版" if hit.lexicon else "规则"
        message = f"{published:%Y-%m-%d %H:%M}发布的《{post.title}》含“{hit.text}”（{label}，{source}）"
        if hit.correction:
            message += f"，应为“{hit.correction}”"
        if conf.get("text"):
            message += f"。{conf['text']}"
        finding = Finding(
            institution=institution,
            account=account,
            rule=f"{SCREENING_PREFIX}{category}",
            kind="screening",
            key=key,
            regulation=pack.title,
            article=article,
            title=f"发布内容命中{label}词条“{term}”"[:200],
            message=message,
            evidence={
                "post_id": post.pk,
                "post_title": post.title,
                "post_url": post.url,
                "published_at": f"{published:%Y-%m-%d %H:%M}",
                "term": term,
                "category": label,
                "lexicon": source,
                "hits": len(found),
                "excerpt": screening_excerpt(text, hit.start, hit.end),
            },
            severity=severity,
            action=SCREENING_ACTIONS.get(category, SCREENING_ACTION),
            responsible=responsible,
            since=published.date(),
            due_date=due,
            due_rule=due_rule,
            due_error=due_error,
            first_seen=today,
            last_seen=today,
        )
        try:
            with transaction.atomic():  # another worker screening the same post got there first: one finding
                finding.save()
        except IntegrityError:
            continue
        log_action(finding, "finding.opened", data={"rule": finding.rule, "post": post.pk, "term": term})
        created.append(finding)
    if created:
        ids = [f.pk for f in created]
        transaction.on_commit(lambda: _notify_screening(ids), robust=True)
    return created


# ---------------------------------------------------------------- findings from the name watch (DUT 第九条)
NAMEWATCH_ACTION = (
    "核实该仿冒帐号，保存页面证据，向平台投诉要求更名或注销；由党委宣传部发出责令更名/注销通知，"
    "并在本帐号发布声明提醒关注者"
)


def namewatch_key(platform: str, handle: str, name: str) -> str:
    """The finding key of one discovered account: its platform and handle (or, with no handle, its name)."""
    from mediagov.screening.normalize import normalize_term

    ident = handle or f"name:{normalize_term(name)}"
    digest = hashlib.sha1(f"{platform}\0{ident}".encode()).hexdigest()[:16]
    return f"namewatch:{digest}"


NAMEWATCH_UNREGISTERED_ACTION = (
    "核实该帐号的开设主体：未经审批使用学校名称的，由党委宣传部责令其更名或注销（可下载通知），"
    "确需使用的须按规定办理审批备案；整改情况写明“已更名”或“已注销”（或已审批备案）及核实日期"
)
NAMEWATCH_OUTCOMES = ("已更名", "已注销", "已审批", "已备案")  # what a rectified unregistered use must say
NAMEWATCH_RULES = {  # verdict -> rule id of the finding it raises
    "impersonation": f"{NAMEWATCH_PREFIX}impersonation",
    "unregistered_use": f"{NAMEWATCH_PREFIX}unregistered_use",
}


def _namewatch_lookup(discovered) -> dict | None:
    """The fields that find the finding a `screening.DiscoveredAccount` raised, or None if it raises none:
    an impersonation is a finding of the account it copies; an unregistered use is an account-less finding
    of the institution."""
    rule = NAMEWATCH_RULES.get(discovered.verdict)
    if rule is None:
        return None
    key = namewatch_key(discovered.platform, discovered.handle, discovered.name)
    if discovered.verdict == "impersonation":
        if discovered.account_id is None:
            return None
        return {"account_id": discovered.account_id, "rule": rule, "key": key}
    return {"institution_id": discovered.institution_id, "account__isnull": True, "rule": rule, "key": key}


def finding_of_discovered(discovered) -> Finding | None:
    """The name-watch finding a `screening.DiscoveredAccount` raised (the latest, whatever its state)."""
    lookup = _namewatch_lookup(discovered)
    if lookup is None:
        return None
    return Finding.objects.filter(**lookup).order_by("-pk").first()


def findings_of_discovered(discovered: list) -> dict[int, Finding]:
    """{discovered account id: the finding it raised} for a page of `screening.DiscoveredAccount`s (one query)."""
    wanted: dict[tuple, list[int]] = {}  # (institution or account, rule, key) -> discovered ids
    for d in discovered:
        lookup = _namewatch_lookup(d)
        if lookup is None:
            continue
        owner = ("account", lookup["account_id"]) if "account_id" in lookup else ("inst", d.institution_id)
        wanted.setdefault((owner, lookup["rule"], lookup["key"]), []).append(d.pk)
    if not wanted:
        return {}
    out: dict[int, Finding] = {}
    found = Finding.objects.filter(
        rule__in={rule for _, rule, _ in wanted}, key__in={key for _, _, key in wanted}
    ).order_by("pk")
    for finding in found:
        if finding.account_id is not None:
            owner = ("account", finding.account_id)
        else:
            owner = ("inst", finding.institution_id)
        for pk in wanted.get((owner, finding.rule, finding.key), ()):
            out[pk] = finding  # the latest wins
    return out


def _discovered_evidence(discovered, where: str) -> dict:
    return {
        "discovered_id": discovered.pk,
        "discovered_platform": where,
        "discovered_name": discovered.name,
        "discovered_handle": discovered.handle or discovered.handle_raw,
        "discovered_url": discovered.url,
        "discovered_bio": discovered.bio,
        "followers": discovered.followers,
    }


def finding_record_namewatch(discovered, *, user=None) -> tuple[Finding | None, bool]:
    """Record a saved name-watch result (`screening.DiscoveredAccount`) as a finding: (finding, created).

    Both flagged verdicts cite the article the pack's `protected_names` names (DUT 第九条):

    - an impersonation becomes a finding of the registered account it copies, rule
      `namewatch.impersonation`, so the unit that runs that account and the propaganda department both see
      it and are told;
    - an unregistered use (an account outside the registry using the school's name without approval) has
      no registered account: it becomes an account-less finding of the institution, rule
      `namewatch.unregistered_use`, that only the propaganda department sees, answers and is told of.

    The key names the discovered account (platform and handle, or its name when the row gave no handle), so
    importing the same account again adds nothing and returns the finding it raised before, whatever became
    of it (a waived one stays waived). Other verdicts raise none.
    """
    if _namewatch_lookup(discovered) is None:
        return None, False
    existing = finding_of_discovered(discovered)
    if existing is not None:
        return existing, False
    from mediagov.registry.platforms import PLATFORM_INFO

    where = (
        PLATFORM_INFO[discovered.platform].label
        if discovered.platform in PLATFORM_INFO
        else discovered.platform
    )
    named = f"{where}帐号“{discovered.name}”" + (f"（{discovered.handle}）" if discovered.handle else "")
    evidence = _discovered_evidence(discovered, where)
    if discovered.verdict == "impersonation":
        account = MediaAccount.objects.select_related("institution", "direct_responsible").get(
            pk=discovered.account_id
        )
        institution = account.institution
        responsible = []
        if account.direct_responsible is not None:
            person = account.direct_responsible
            responsible.append({"role": "direct_responsible", "person_id": person.pk, "name": person.name})
        message = f"{named}仿冒已备案帐号“{account.name}”（名称相似度{discovered.score or 0:g}）"
        title = f"疑似仿冒帐号：{where}“{discovered.name}”"
        evidence["similarity"] = discovered.score
        severity, action = "high", NAMEWATCH_ACTION
    else:
        account, institution, responsible = None, discovered.institution, []
        used = discovered.keyword or ""
        if discovered.matched and discovered.matched != used:
            used += f"（写作“{discovered.matched}”）"
        message = f"{named}不是已备案帐号，名称使用了学校名称“{used}”，未经审批"
        title = f"未经审批使用学校名称：{where}“{discovered.name}”"
        evidence["keyword"] = discovered.keyword
        evidence["matched"] = discovered.matched
        severity, action = "medium", NAMEWATCH_UNREGISTERED_ACTION
    evidence["namewatch_evidence"] = list(discovered.evidence or [])
    pack = institution.policy
    conf = pack.protected_names
    article = conf.get("article", "")
    if conf.get("text"):
        message += f"。{conf['text']}"
    today = timezone.localdate(timezone=_CHINA)
    due, due_rule, due_error = _screening_due(pack, article, today)
    finding = Finding(
        institution=institution,
        account=account,
        rule=NAMEWATCH_RULES[discovered.verdict],
        kind=NAMEWATCH_KIND,
        key=namewatch_key(discovered.platform, discovered.handle, discovered.name),
        regulation=pack.title,
        article=article,
        title=title[:200],
        message=message,
        evidence=evidence,
        severity=severity,
        action=action,
        responsible=responsible,
        since=today,
        due_date=due,
        due_rule=due_rule,
        due_error=due_error,
        first_seen=today,
        last_seen=today,
    )
    try:
        with transaction.atomic():  # the same account imported twice at once: one finding
            finding.save()
    except IntegrityError:
        return finding_of_discovered(discovered), False
    log_action(finding, "finding.opened", user=user, data={"rule": finding.rule, "discovered": discovered.pk})
    transaction.on_commit(lambda: _notify_screening([finding.pk]), robust=True)
    return finding, True


def _notify_screening(finding_ids: list[int]) -> None:
    """Tell the responsible people and the propaganda department at once; urgent ones leave the queue now."""
    from mediagov.notifications.services import findings_opened_notify
    from mediagov.notifications.tasks import deliveries_send

    findings = list(
        Finding.objects.filter(pk__in=finding_ids).select_related(
            "institution", "account__responsible_unit", "account__direct_responsible__user"
        )
    )
    findings_opened_notify(findings, propaganda=True)
    if any(f.severity == "urgent" for f in findings):
        deliveries_send.delay()


# ---------------------------------------------------------------- the finding lifecycle
def _locked(finding: Finding) -> Finding:
    # Lock the finding's row only: the account is an outer join now (a name-watch finding may have none),
    # and PostgreSQL cannot lock the nullable side of an outer join.
    return (
        Finding.objects.select_for_update(of=("self",))
        .select_related("account", "institution")
        .get(pk=finding.pk)
    )


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise DomainPermissionDenied(message)


def _can_answer(user, finding) -> bool:
    return user.has_perm("compliance.answer_finding", finding)


def _is_department(user, finding) -> bool:
    return scoping.is_department(user, finding.institution)


def _state_error(finding: Finding, what: str) -> ComplianceError:
    return ComplianceError(f"问题当前状态为“{finding.get_state_display()}”，不能{what}")


@transaction.atomic
def finding_acknowledge(finding: Finding, *, by, note: str = "") -> Finding:
    finding = _locked(finding)
    _require(_can_answer(by, finding), "只有帐号所在单位的人员或党委宣传部可以确认问题")
    if finding.state != FindingState.OPEN:
        raise _state_error(finding, "确认")
    finding.acknowledge()
    finding.acknowledged_by, finding.acknowledged_at = by, timezone.now()
    finding.save()
    log_action(finding, "finding.acknowledged", user=by, data={"note": note} if note else None)
    return finding


@transaction.atomic
def finding_rectify(finding: Finding, *, by, description: str, url: str = "") -> Finding:
    finding = _locked(finding)
    _require(_can_answer(by, finding), "只有帐号所在单位的人员或党委宣传部可以报告整改")
    if finding.state not in (FindingState.OPEN, FindingState.ACKNOWLEDGED):
        raise _state_error(finding, "报告整改")
    if not description.strip():
        raise ComplianceError("请填写整改情况（做了什么、何时完成）")
    if finding.rule == NAMEWATCH_RULES["unregistered_use"] and not any(
        w in description for w in NAMEWATCH_OUTCOMES
    ):
        raise ComplianceError(
            f"{finding.citation}：整改情况须写明结果——“已更名”“已注销”或已审批备案（“已审批”“已备案”）"
        )
    finding.rectify()
    finding.rectification, finding.rectification_url = description.strip(), url.strip()
    finding.rectified_by, finding.rectified_at = by, timezone.now()
    if finding.acknowledged_at is None:
        finding.acknowledged_by, finding.acknowledged_at = by, finding.rectified_at
    finding.save()
    log_action(finding, "finding.rectified", user=by, data={"description": finding.rectification, "url": url})
    return finding


@transaction.atomic
def finding_verify(finding: Finding, *, by, note: str = "") -> Finding:
    finding = _locked(finding)
    _require(_is_department(by, finding), "只有党委宣传部可以核验整改")
    if finding.state != FindingState.RECTIFIED:
        raise _state_error(finding, "核验")
    if finding.rectified_by_id == by.pk:
        raise ComplianceError("不能核验本人报告的整改，请由党委宣传部其他人员核验")
    finding.verify()
    finding.closed_by, finding.closed_at = by, timezone.now()
    finding.closed_on, finding.close_note = timezone.localdate(), note.strip() or "整改已核验"
    finding.save()
    log_action(finding, "finding.verified", user=by, data={"note": note} if note else None)
    return finding


@transaction.atomic
def finding_reject_rectification(finding: Finding, *, by, note: str) -> Finding:
    finding = _locked(finding)
    _require(_is_department(by, finding), "只有党委宣传部可以退回整改")
    if finding.state != FindingState.RECTIFIED:
        raise _state_error(finding, "退回整改")
    if not note.strip():
        raise ComplianceError("退回整改须说明理由")
    finding.reject_rectification()
    finding.save()
    log_action(finding, "finding.rectification_rejected", user=by, data={"note": note.strip()})
    return finding


@transaction.atomic
def finding_waive(finding: Finding, *, by, reason: str) -> Finding:
    finding = _locked(finding)
    _require(_is_department(by, finding), "只有党委宣传部可以豁免问题")
    if finding.state not in ACTIVE_STATES:
        raise _state_error(finding, "豁免")
    if not reason.strip():
        raise ComplianceError("豁免须说明理由")
    finding.waive()
    finding.closed_by, finding.closed_at = by, timezone.now()
    finding.closed_on, finding.close_note = timezone.localdate(), reason.strip()
    finding.save()
    log_action(finding, "finding.waived", user=by, data={"reason": reason.strip()})
    return finding


# ---------------------------------------------------------------- sanctions
def sanction_accountable(account: MediaAccount) -> list[dict]:
    """问责对象: the first and the direct responsible persons of the account."""
    out = []
    first = account.first_responsible or account.responsible_unit.first_responsible
    for role, person in (("first_responsible", first), ("direct_responsible", account.direct_responsible)):
        if person is not None:
            out.append(
                {"role": role, "person_id": person.pk, "name": person.name, "staff_no": person.staff_no}
            )
    return out


def _active_sanction(account) -> Sanction | None:
    return Sanction.objects.select_for_update().filter(account=account, state=SanctionState.ACTIVE).first()


@transaction.atomic
def sanction_issue(
    *, account: MediaAccount, level: str, findings, reason: str, by, deadline: date | None = None
) -> Sanction:
    account = MediaAccount.objects.select_for_update().select_related("institution").get(pk=account.pk)
    _require(scoping.is_department(by, account.institution), "只有党委宣传部可以作出处理决定")
    if level not in SanctionLevel.values:
        raise ComplianceError(f"未知的处理措施“{level}”")
    findings = list(findings)
    if not findings:
        raise ComplianceError("处理决定须依据至少一个问题")
    unlinked = [f for f in findings if f.account_id is None]
    if unlinked:
        raise ComplianceError(
            f"问题“{unlinked[0].title}”涉及的是未备案帐号，没有可处理的已备案帐号，不能据此作出处理决定；"
            "请责令其更名或注销，整改后核验关闭该问题"
        )
    if any(f.account_id != account.pk for f in findings):
        raise ComplianceError("所选问题不属于该帐号")
    if not reason.strip():
        raise ComplianceError("请填写处理理由")
    if account.status == AccountStatus.CANCELLED:
        raise ComplianceError("帐号已注销，不能再作处理")
    pack = account.institution.policy
    conf = pack.sanctions
    current = _active_sanction(account)
    if current is not None and SANCTION_RANK[current.level] >= SANCTION_RANK[level]:
        raise ComplianceError(
            f"帐号已有“{current.get_level_display()}”处理在执行，只能升级为更严厉的措施，或先解除"
        )
    if deadline is None and level != SanctionLevel.CANCEL:
        rectify = conf.get("rectify") or DEFAULT_RECTIFY
        try:
            deadline = due_date(timezone.localdate(), int(rectify["amount"]), rectify["unit"], "after")
        except CalendarDataMissing as exc:
            raise ComplianceError(f"无法计算整改期限：{exc}；请手工填写整改期限") from exc
    sanction = Sanction.objects.create(
        institution=account.institution,
        account=account,
        level=level,
        regulation=pack.title,
        article=conf.get("article", ""),
        reason=reason.strip(),
        deadline=deadline if level != SanctionLevel.CANCEL else None,
        accountable=sanction_accountable(account),
        previous_status=current.previous_status if current else account.status,
        issued_by=by,
        state=SanctionState.FINAL if level == SanctionLevel.CANCEL else SanctionState.ACTIVE,
    )
    sanction.findings.set(findings)
    if current is not None:
        current.escalate()
        current.escalated_to = sanction
        current.save()
        log_action(current, "sanction.escalated", user=by, data={"to": level})
    old_status = account.status
    account.status = SANCTION_STATUS[level]
    fields = ["status"]
    if level == SanctionLevel.CANCEL:
        account.alliance_member = False
        fields.append("alliance_member")
    account.save(update_fields=fields + ["updated"])
    log_action(
        sanction,
        "sanction.issued",
        user=by,
        data={"level": level, "findings": [f.pk for f in findings], "status": [old_status, account.status]},
    )
    transaction.on_commit(lambda: _notify_sanction(sanction.pk))
    return sanction


@transaction.atomic
def sanction_lift(sanction: Sanction, *, by, note: str) -> Sanction:
    """Reinstate the account once every finding the sanction rests on is closed, resolved or waived."""
    sanction = (
        Sanction.objects.select_for_update().select_related("account", "institution").get(pk=sanction.pk)
    )
    _require(scoping.is_department(by, sanction.institution), "只有党委宣传部可以解除处理")
    if sanction.state != SanctionState.ACTIVE:
        raise ComplianceError(f"处理决定当前状态为“{sanction.get_state_display()}”，不能解除")
    pending = [f for f in sanction.findings.all() if f.state in ACTIVE_STATES]
    if pending:
        names = "、".join(f"{f.title}（{f.get_state_display()}）" for f in pending)
        raise ComplianceError(f"以下问题尚未核验整改，不能恢复运营：{names}")
    if not note.strip():
        raise ComplianceError("请填写解除说明（整改核验情况）")
    sanction.lift()
    sanction.lifted_by, sanction.lifted_at, sanction.lift_note = by, timezone.now(), note.strip()
    sanction.save()
    account = MediaAccount.objects.select_for_update().get(pk=sanction.account_id)
    account.status = sanction.previous_status or AccountStatus.ACTIVE
    account.save(update_fields=["status", "updated"])
    log_action(
        sanction, "sanction.lifted", user=by, data={"note": sanction.lift_note, "status": account.status}
    )
    return sanction


def _notify_sanction(sanction_id: int) -> None:
    try:
        from mediagov.notifications.services import sanction_issued_notify
    except ImportError:  # pragma: no cover
        return
    sanction_issued_notify(Sanction.objects.select_related("account", "institution").get(pk=sanction_id))
