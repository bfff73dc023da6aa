"""Monthly reports (月报表, YUFE 第十五条 and its annex 2): prefill, submission and the two opinions.

An institution has monthly reports when its pack has a `report_window` rule with `cadence: monthly`; that rule
gives the window (YUFE: the 1st to the 5th of the next month) and its article. Nothing here asks which
institution it is.

- `reports_prefill` (the 1st, Celery beat, and `mediagov reports prefill`) creates each operating account's
  report for the month just ended, filled with every field of annex 2 from the registry and the month's posts.
  Running it again creates nothing new; it only refreshes the observed count of reports not yet submitted.
- `report_update` / `report_submit`: the account's staff edit and submit it; after the window it is late.
- `report_unit_opinion` then `report_department_opinion`: the unit head's 单位意见, then 党委宣传部意见. A report
  declared 涉密 goes straight to the department: it is notified at once and may sign without the unit's opinion.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from mediagov.compliance.snapshot import day_start
from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError
from mediagov.core.errors import PermissionDenied as DomainPermissionDenied
from mediagov.org.models import Institution, Membership, Role
from mediagov.policy.pack import RuleSpec
from mediagov.registry.models import AccountManager, AccountStatus, ManagerRole, MediaAccount

from . import rules as report_rules
from .models import Post, Report, ReportKind, ReportState

TOPICS_MAX_LINES = 200  # titles written into 主题及内容; the rest are counted ("如有需要可附页")
REPORTING_STATUSES = (AccountStatus.ACTIVE, AccountStatus.RECTIFYING)  # the accounts report_window checks


class ReportError(DomainError):
    pass


# ---------------------------------------------------------------- what the pack says
def monthly_report_rule(pack) -> RuleSpec | None:
    """The pack's monthly `report_window` rule; None: the institution has no monthly reports."""
    return next(
        (
            spec
            for spec in pack.compliance_rules()
            if spec.kind == "report_window" and spec.params.get("cadence") == "monthly"
        ),
        None,
    )


def classified_rule(pack) -> RuleSpec | None:
    """The pack's `report_classified` rule: the article a report declared 涉密 is escalated under."""
    return next((spec for spec in pack.compliance_rules() if spec.kind == "report_classified"), None)


def reports_enabled(institution) -> bool:
    return monthly_report_rule(institution.policy) is not None


def month_first(d: date) -> date:
    return d.replace(day=1)


def next_month(period: date) -> date:
    return date(period.year + (period.month == 12), period.month % 12 + 1, 1)


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s: the month the report due now covers."""
    return month_first(month_first(today) - timedelta(days=1))


def report_window(spec: RuleSpec, period: date) -> tuple[date, date]:
    """The days of the month after `period` in which its report is due (clamped to the month's length)."""
    following = next_month(period)
    last = calendar.monthrange(following.year, following.month)[1]
    first_day, last_day = int(spec.params["first_day"]), int(spec.params["last_day"])
    return following.replace(day=min(first_day, last)), following.replace(day=min(last_day, last))


def parse_period(text: str) -> date:
    """`2026-10` → 2026-10-01, with a Chinese message for anything else."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ReportError(f"月份“{text}”无效，应为 YYYY-MM，如 2026-10") from None


# ---------------------------------------------------------------- prefill
@dataclass
class PrefillResult:
    institution: Institution
    period: date | None
    created: int = 0
    refreshed: int = 0
    skipped: str = ""  # why nothing was done (no monthly reports in the pack, month not over)
    reports: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "period": self.period.isoformat() if self.period else None,
            "created": self.created,
            "refreshed": self.refreshed,
            "skipped": self.skipped,
        }


def reporting_accounts(institution, period: date):
    """The accounts that owe a report for `period`: operating, and open before the month ended (the accounts
    `report_window` checks)."""
    end = next_month(period)
    return (
        MediaAccount.objects.filter(institution=institution, status__in=REPORTING_STATUSES)
        .exclude(created_on__gte=end)
        .exclude(created_on__isnull=True, created__gte=day_start(end))
        .select_related("responsible_unit", "direct_responsible")
        .order_by("responsible_unit__path", "name", "pk")
    )


def observed_posts(account_ids: list[int], period: date) -> tuple[dict[int, int], dict[int, list]]:
    """Posts of the month per account: their count, and (time, title) in order of publication."""
    posts = Post.objects.filter(account__in=account_ids).between(
        day_start(period), day_start(next_month(period))
    )
    counts = dict(posts.order_by().values("account").annotate(n=Count("pk")).values_list("account", "n"))
    titles: dict[int, list] = {}
    for account_id, published_at, title in posts.order_by("account", "published_at", "pk").values_list(
        "account_id", "published_at", "title"
    ):
        titles.setdefault(account_id, []).append((published_at, title))
    return counts, titles


def topics_text(titles: list, total: int) -> str:
    """主题及内容: one line per post (date and title); past TOPICS_MAX_LINES, a line counting the rest."""
    lines = [f"{timezone.localtime(at):%m-%d} {title}" for at, title in titles[:TOPICS_MAX_LINES]]
    if total > len(lines):
        lines.append(f"……另有{total - len(lines)}条，共{total}条")
    return "\n".join(lines)


def managers_of(account) -> tuple[str, str, list[dict]]:
    """管理人员 of annex 2: the 负责人 (a leader of the management team, else the direct responsible person) with
    their 职务, and the 管理员."""
    team = list(
        AccountManager.objects.filter(account=account).select_related("person").order_by("role", "id")
    )
    leader = next((m for m in team if m.role == ManagerRole.LEADER), None)
    if leader is not None:
        name, title = leader.name, leader.title or (leader.person.title if leader.person else "")
    elif account.direct_responsible is not None:
        name, title = account.direct_responsible.name, account.direct_responsible.title
    else:
        name, title = "", ""
    admins = [
        {"name": m.name, "title": m.title or (m.person.title if m.person else ""), "phone": m.phone}
        for m in team
        if m.role == ManagerRole.ADMIN
    ]
    return name, title, admins


def reports_prefill(*, institution, period: date | None = None, today: date | None = None) -> PrefillResult:
    """Create each reporting account's report for `period` (default: the month before `today`), prefilled with
    every field of annex 2. Idempotent: an existing report is kept; one not yet submitted gets its observed
    count refreshed (a later import is reflected)."""
    today = today or timezone.localdate()
    spec = monthly_report_rule(institution.policy)
    if spec is None:
        return PrefillResult(institution, period, skipped="政策包未启用月报表")
    period = month_first(period) if period else previous_month(today)
    if next_month(period) > today:
        return PrefillResult(institution, period, skipped=f"{period:%Y年%m月}尚未结束，不能生成月报表")
    _, due_on = report_window(spec, period)
    accounts = list(reporting_accounts(institution, period))
    existing = {
        r.account_id: r
        for r in Report.objects.filter(account__in=accounts, kind=ReportKind.MONTHLY, period=period)
    }
    counts, titles = observed_posts([a.pk for a in accounts], period)
    result = PrefillResult(institution, period)
    now = timezone.now()
    for account in accounts:
        observed = counts.get(account.pk, 0)
        report = existing.get(account.pk)
        if report is not None:
            if report.state == ReportState.PREFILLED and report.observed_count != observed:
                report.observed_count = observed
                report.save(update_fields=["observed_count"])
                result.refreshed += 1
            result.reports.append(report)
            continue
        leader_name, leader_title, admins = managers_of(account)
        report = Report(
            account=account,
            kind=ReportKind.MONTHLY,
            period=period,
            unit_name=account.responsible_unit.name,
            platform_label=account.media_type_label,
            account_name=account.name,
            account_platform_id=account.platform_id,
            leader_name=leader_name,
            leader_title=leader_title,
            admins=admins,
            observed_count=observed,
            post_count=observed,
            topics=topics_text(titles.get(account.pk, []), observed),
            due_on=due_on,
            prefilled_at=now,
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # another worker prefilled it in the meantime
            continue
        log_action(
            report,
            "report.prefilled",
            institution=institution,
            data={"period": period.isoformat(), "observed_count": observed},
        )
        result.created += 1
        result.reports.append(report)
    return result


def reports_prefill_all(*, today: date | None = None) -> dict[str, dict]:
    """The job on the 1st: every institution whose pack has monthly reports."""
    out = {}
    for institution in Institution.objects.exclude(pack={}).order_by("code"):
        if reports_enabled(institution):
            out[institution.code] = reports_prefill(institution=institution, today=today).as_dict()
    return out


# ---------------------------------------------------------------- edit and submit
def _fresh(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("account__institution").get(pk=report.pk)


def _require_filer(user, report: Report) -> None:
    if not report_rules.can_fill_report(user, report):
        raise DomainPermissionDenied("只有帐号所在单位的管理员/运营人员或直接责任人可以填写和报送月报表")


def report_update(
    *, report: Report, user, post_count: int, topics: str, classified: bool, note: str = ""
) -> Report:
    """The account's staff edit what the unit declares: 发布信息数量, 主题及内容, 是否涉密 and a note."""
    _require_filer(user, report)
    with transaction.atomic():
        report = _fresh(report)
        if not report.editable:
            raise ReportError(f"月报表已报送（{report.get_state_display()}），不能再修改")
        if post_count is None or post_count < 0:
            raise ReportError("“发布信息数量”须为不小于0的整数")
        changed = {
            name: value
            for name, value in (
                ("post_count", post_count),
                ("topics", topics),
                ("classified", classified),
                ("note", note),
            )
            if getattr(report, name) != value
        }
        for name, value in changed.items():
            setattr(report, name, value)
        report.save()
        if changed:
            log_action(
                report,
                "report.updated",
                user=user,
                institution=report.account.institution,
                data={k: ("（已修改）" if k == "topics" else v) for k, v in changed.items()},
            )
    return report


def report_submit(*, report: Report, user, now: datetime | None = None) -> Report:
    """Submit the report. After the pack's window it is accepted and recorded as late (逾期报送)."""
    _require_filer(user, report)
    now = now or timezone.now()
    with transaction.atomic():
        report = _fresh(report)
        if report.state != ReportState.PREFILLED:
            raise ReportError(f"月报表已报送（{report.get_state_display()}），不能重复报送")
        if report.post_count is None:
            raise ReportError("请先填写“发布信息数量”再报送")
        today = timezone.localdate(now)
        if next_month(report.period) > today:
            raise ReportError(f"{report.period:%Y年%m月}尚未结束，月报表须在下月报送")
        spec = monthly_report_rule(report.account.institution.policy)
        if report.due_on is None and spec is not None and report.kind == ReportKind.MONTHLY:
            report.due_on = report_window(spec, report.period)[1]
        late = report.due_on is not None and today > report.due_on
        report.submit(by=user, at=now, late=late)
        report.save()
        log_action(
            report,
            "report.submitted",
            user=user,
            institution=report.account.institution,
            data={
                "late": late,
                "due_on": report.due_on.isoformat() if report.due_on else None,
                "post_count": report.post_count,
                "observed_count": report.observed_count,
                "classified": report.classified,
            },
        )
        transaction.on_commit(lambda: _submitted_notify(report))
    return report


def _submitted_notify(report: Report) -> None:
    if report.classified:
        report_classified_notify(report)
    else:
        _unit_heads_notify(report)


def report_classified_notify(report: Report) -> int:
    """A report declared 涉密 goes straight to the propaganda department: an urgent notice to each member."""
    from mediagov.notifications.services import notify

    account = report.account
    institution = account.institution
    pack = institution.policy
    rule = classified_rule(pack)
    citation = pack.cite(rule.article if rule else "")
    recipients = [
        m.user
        for m in Membership.objects.filter(
            institution=institution, role=Role.PROPAGANDA, user__is_active=True
        ).select_related("user")
    ]
    body = "\n".join(
        [
            f"帐号：{account}（建设单位：{report.unit_name or account.responsible_unit.name}）",
            f"{report.period:%Y年%m月}月报表“是否涉密”填报为“是”，已直接报送党委宣传部。",
            f"依据：{citation}" + (f"：{rule.text}" if rule and rule.text else ""),
            "请立即核查相关发布内容并按规定处置。",
        ]
    )
    return notify(
        institution=institution,
        recipients=recipients,
        key=f"report:{report.pk}:classified",
        stage="urgent",
        title=f"【紧急】{account.name}{report.period:%Y年%m月}月报表申报涉密信息",
        body=body,
        link=_link(report),
        unit=None,
    )


def _unit_heads_notify(report: Report) -> int:
    from mediagov.notifications.services import notify

    account = report.account
    units = [int(pk) for pk in account.responsible_unit.path.strip("/").split("/") if pk]
    recipients = [
        m.user
        for m in Membership.objects.filter(
            institution=account.institution, role=Role.UNIT_HEAD, unit__in=units, user__is_active=True
        ).select_related("user")
        if m.user_id != report.submitted_by_id
    ]
    late = "（逾期报送）" if report.late else ""
    return notify(
        institution=account.institution,
        recipients=recipients,
        key=f"report:{report.pk}:submitted",
        stage="report",
        title=f"【月报表】{account.name}{report.period:%Y年%m月}月报表已报送{late}，请签署单位意见",
        body=f"帐号：{account}\n发布信息数量：{report.post_count}\n请登录平台签署单位意见。",
        link=_link(report),
        unit=account.responsible_unit,
    )


def _link(report: Report) -> str:
    from django.urls import reverse

    return reverse("activity:report_detail", args=[report.pk])


# ---------------------------------------------------------------- opinions
def _not_own(user, report: Report) -> None:
    if report.submitted_by_id == user.pk:
        raise DomainPermissionDenied("不能对自己报送的月报表签署意见")


def report_unit_opinion(*, report: Report, user, opinion: str, now: datetime | None = None) -> Report:
    """单位意见: the unit head of the account's unit, on a submitted report."""
    if not report_rules.is_report_unit_head(user, report):
        raise DomainPermissionDenied("只有帐号所在单位的负责人可以签署单位意见")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ReportError("请填写单位意见")
    with transaction.atomic():
        report = _fresh(report)
        _not_own(user, report)
        if not report.awaits_unit:
            raise ReportError(f"该月报表当前不需要单位意见（{report.get_state_display()}）")
        report.sign_unit_opinion(by=user, at=now or timezone.now(), opinion=opinion)
        report.save()
        log_action(report, "report.unit_opinion", user=user, institution=report.account.institution)
    return report


def report_department_opinion(*, report: Report, user, opinion: str, now: datetime | None = None) -> Report:
    """党委宣传部意见: after the unit's opinion, or at once for a report declared 涉密."""
    if not report_rules.is_report_department(user, report):
        raise DomainPermissionDenied("只有党委宣传部可以签署宣传部意见")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ReportError("请填写党委宣传部意见")
    with transaction.atomic():
        report = _fresh(report)
        _not_own(user, report)
        if not report.awaits_department:
            if report.state == ReportState.SUBMITTED:
                raise ReportError("请等待单位签署意见后再签署党委宣传部意见")
            raise ReportError(f"该月报表当前不需要宣传部意见（{report.get_state_display()}）")
        report.sign_department_opinion(by=user, at=now or timezone.now(), opinion=opinion)
        report.save()
        log_action(report, "report.department_opinion", user=user, institution=report.account.institution)
    return report
