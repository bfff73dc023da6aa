"""Reads for the activity charts: posts per month (per account, per platform), inactive and at-risk accounts,
and the on-time rate of monthly reports.

Every read starts from the user's scope (`ChartScope`: the accounts `visible_to` the user in one institution,
optionally narrowed to a unit subtree), so a chart never counts what the lists would hide. Monthly counts are
one GROUP BY each over the (account, published_at) index, months cut in the local time zone (TruncMonth with
`settings.TIME_ZONE`, the same on SQLite and PostgreSQL). Which accounts are inactive or at risk, and which
monthly reports were due when, come from the pack's rules evaluated on one snapshot (`compliance.snapshot`),
never from institution code: the dashboard and the scan cannot disagree.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mediagov.activity.models import Post, ReportKind
from mediagov.compliance.kinds import RULES
from mediagov.compliance.snapshot import Snapshot, day_start, local_day, pack_windows, snapshot_build
from mediagov.core.scoping import account_scope_q
from mediagov.org.models import Unit
from mediagov.registry.models import MediaAccount
from mediagov.registry.platforms import Platform

TIMELINE_MONTHS = 24
INACTIVITY_KINDS = ("inactivity_months", "inactivity_annual", "inactivity_days")


# ---------------------------------------------------------------- months
def month_add(d: date, n: int) -> date:
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def last_months(today: date, n: int = TIMELINE_MONTHS) -> list[date]:
    """The first days of the `n` months ending with the month of `today`, oldest first."""
    current = today.replace(day=1)
    return [month_add(current, i - n + 1) for i in range(n)]


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _month_of(value) -> date:
    """A TruncMonth value as the first day of its month (a local datetime, or a date on some backends)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, _tz()) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _by_month(posts: QuerySet, months: list[date], *extra: str):
    """(month, *extra, count) rows: one GROUP BY over `posts` published in `months` (local time)."""
    return (
        posts.filter(
            published_at__gte=day_start(months[0]), published_at__lt=day_start(month_add(months[-1], 1))
        )
        .annotate(month=TruncMonth("published_at", tzinfo=_tz()))
        .order_by()
        .values_list("month", *extra)
        .annotate(n=Count("pk"))
    )


# ---------------------------------------------------------------- the scope of a page
@dataclass
class ChartScope:
    """What one user may chart in one institution: their visible accounts, optionally one unit's subtree."""

    user: object
    institution: object
    unit: Unit | None = None
    whole_institution: bool = False  # the user sees every account of the institution (department, IT center)

    @property
    def name(self) -> str:
        """Whose charts these are, for titles and file names."""
        return self.unit.name if self.unit else self.institution.name

    def accounts(self) -> QuerySet:
        accounts = MediaAccount.objects.visible_to(self.user).filter(institution=self.institution)
        if self.unit is not None:
            accounts = accounts.filter(responsible_unit__path__startswith=self.unit.path)
        return accounts

    def posts(self) -> QuerySet:
        posts = Post.objects.filter(
            account_scope_q(self.user, "account__"), account__institution=self.institution
        )
        if self.unit is not None:
            posts = posts.filter(account__responsible_unit__path__startswith=self.unit.path)
        return posts


# ---------------------------------------------------------------- posts per month by platform
@dataclass
class PlatformSeries:
    months: list[date]
    series: list[tuple[str, list[int]]]  # (platform label, posts per month), platforms with posts only

    @property
    def totals(self) -> list[int]:
        return [sum(values[i] for _, values in self.series) for i in range(len(self.months))]

    @property
    def total(self) -> int:
        return sum(self.totals)


def posts_by_platform(scope: ChartScope, today: date, n: int = TIMELINE_MONTHS) -> PlatformSeries:
    """Posts per month and platform over the last `n` months, months without posts as zeros."""
    months = last_months(today, n)
    position = {m: i for i, m in enumerate(months)}
    counts: dict[str, list[int]] = {}
    for month, platform, count in _by_month(scope.posts(), months, "account__platform"):
        counts.setdefault(platform, [0] * len(months))[position[_month_of(month)]] += count
    order = {value: i for i, value in enumerate(Platform.values)}
    labels = dict(Platform.choices)
    series = [(labels.get(p, p), counts[p]) for p in sorted(counts, key=lambda p: order.get(p, len(order)))]
    return PlatformSeries(months=months, series=series)


# ---------------------------------------------------------------- one account
@dataclass(frozen=True)
class Gap:
    """The longest time without a post: from one post day to the next (or to today, `ongoing`)."""

    start: date
    end: date
    ongoing: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def longest_gap(days: list[date], today: date) -> Gap | None:
    """The longest gap between consecutive post days (sorted, distinct), and from the last one to `today`."""
    if not days:
        return None
    best = None
    points = [*days, today] if today > days[-1] else list(days)
    for start, end in zip(points, points[1:], strict=False):
        if best is None or (end - start).days > best.days:
            best = Gap(start=start, end=end, ongoing=end == today and start == days[-1] and today > days[-1])
    return best or Gap(start=days[-1], end=days[-1])


@dataclass
class Timeline:
    account: MediaAccount
    months: list[date]
    counts: list[int]
    last_post: Post | None
    gap: Gap | None
    today: date

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def rows(self) -> list[tuple[date, int]]:
        return list(zip(self.months, self.counts, strict=True))

    @property
    def empty_months(self) -> int:
        return sum(1 for c in self.counts if not c)

    @property
    def days_since_last(self) -> int | None:
        if self.last_post is None:
            return None
        return (self.today - timezone.localtime(self.last_post.published_at, _tz()).date()).days


def account_timeline(account: MediaAccount, today: date, n: int = TIMELINE_MONTHS) -> Timeline:
    """Posts per month over the last `n` months (zeros shown), the last post, and the longest gap."""
    months = last_months(today, n)
    position = {m: i for i, m in enumerate(months)}
    counts = [0] * len(months)
    posts = Post.objects.filter(account=account)
    for month, count in _by_month(posts, months):
        counts[position[_month_of(month)]] += count
    until = day_start(today + timedelta(days=1))
    last = posts.filter(published_at__lt=until).order_by("-published_at").first()
    days = list(
        posts.filter(published_at__lt=until)
        .annotate(day=local_day("published_at"))
        .order_by("day")
        .values_list("day", flat=True)
        .distinct()
    )
    return Timeline(
        account=account,
        months=months,
        counts=counts,
        last_post=last,
        gap=longest_gap(days, today),
        today=today,
    )


# ---------------------------------------------------------------- the pack's rules on a snapshot
def activity_snapshot(institution, today: date) -> Snapshot:
    """The institution as of `today`, with the post windows its inactivity rules need to say who breaks them
    and who is about to (`at_risk`), and the reports when its pack has a report window."""
    pack = institution.policy
    windows = list(pack_windows(pack, today))
    reads: set[str] = set()
    for spec in pack.compliance_rules():
        kind = RULES.get(spec.kind)
        if kind is None:
            continue
        if hasattr(kind, "risk_windows"):
            windows.extend(kind.risk_windows(spec, today))
        if spec.kind == "report_window":
            reads.add("reports")
    return snapshot_build(institution, today, windows=sorted(set(windows), key=str), reads=reads)


@dataclass
class RiskRow:
    """One account that breaks (`inactive`) or is about to break (`at_risk`) one inactivity rule."""

    state: str  # "inactive" | "at_risk"
    account_id: int
    account: str
    unit: str
    platform: str
    rule: str  # the rule, in words ("连续2个自然月未更新")
    citation: str  # 《办法》第X条
    title: str
    message: str
    last_post: date | None
    breaks_on: date | None  # at risk: the day the rule would start to hold

    @property
    def state_label(self) -> str:
        return "已违反" if self.state == "inactive" else "临近违反"


def activity_risks(scope: ChartScope, snap: Snapshot) -> list[RiskRow]:
    """Accounts in scope that break an inactivity rule of the pack today, then those at risk of breaking one,
    each row naming the rule and citing its article."""
    pack = snap.pack
    ids = set(scope.accounts().values_list("pk", flat=True))
    accounts = {a.id: a for a in snap.accounts if a.id in ids}
    platforms = dict(Platform.choices)
    rows: list[RiskRow] = []
    for spec in pack.compliance_rules():
        kind = RULES.get(spec.kind)
        if spec.kind not in INACTIVITY_KINDS or kind is None:
            continue
        for state, drafts in (("inactive", kind.evaluate(spec, snap)), ("at_risk", kind.at_risk(spec, snap))):
            for draft in drafts:
                account = accounts.get(draft.account_id)
                if account is None:
                    continue
                rows.append(
                    RiskRow(
                        state=state,
                        account_id=account.id,
                        account=account.name,
                        unit=snap.units.get(account.unit_id, ""),
                        platform=platforms.get(account.platform, account.platform),
                        rule=kind.describe(spec),
                        citation=pack.cite(spec.article),
                        title=draft.title,
                        message=draft.message,
                        last_post=snap.posts_of(account.id).last,
                        breaks_on=draft.since if state == "at_risk" else None,
                    )
                )
    rows.sort(key=lambda r: (r.state != "inactive", r.unit, r.account, r.rule))
    return rows


# ---------------------------------------------------------------- monthly reports on time
@dataclass
class ReportMonth:
    period: date  # the month the report covers
    window_start: date
    window_end: date
    owed: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return self.owed - self.on_time - self.late

    @property
    def rate(self) -> float | None:
        """Percent of the reports owed that were submitted within the window."""
        return round(100 * self.on_time / self.owed, 1) if self.owed else None


@dataclass
class ReportPunctuality:
    rule: str
    citation: str
    months: list[ReportMonth] = field(default_factory=list)


def monthly_report_rule(pack):
    """The pack's monthly `report_window` rule, or None (the chart is shown only for packs that have one)."""
    return next(
        (
            s
            for s in pack.compliance_rules()
            if s.kind == "report_window" and s.params.get("cadence") == "monthly"
        ),
        None,
    )


def report_punctuality(scope: ChartScope, snap: Snapshot) -> ReportPunctuality | None:
    """Per month whose report window has closed (the rule's last 12): the accounts in scope that owed the
    monthly report (the rule's own test: alive and opened before the month ended), and how many submitted it
    within the window, late, or not at all. `owed - on_time` is the number of report_window findings."""
    spec = monthly_report_rule(snap.pack)
    if spec is None:
        return None
    kind = RULES[spec.kind]
    ids = set(scope.accounts().values_list("pk", flat=True))
    accounts = [a for a in snap.accounts if a.id in ids and a.alive and a.opened_on is not None]
    result = ReportPunctuality(rule=kind.describe(spec), citation=snap.pack.cite(spec.article))
    for period, start, end in reversed(kind.periods(spec, snap.as_of)):
        month = ReportMonth(period=period, window_start=start, window_end=end)
        for account in accounts:
            if account.opened_on >= month_add(period, 1):
                continue
            month.owed += 1
            row = snap.reports.get((account.id, ReportKind.MONTHLY, period))
            submitted = getattr(row, "submitted_on", row)  # the day it was submitted, None if never
            if submitted is not None:
                if submitted <= end:
                    month.on_time += 1
                else:
                    month.late += 1
        result.months.append(month)
    return result


# ---------------------------------------------------------------- ECharts options (plain JSON)
def _month_labels(months: list[date]) -> list[str]:
    return [f"{m:%Y-%m}" for m in months]


def _base_option(title: str) -> dict:
    return {
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 56, "top": 64, "bottom": 40},
        "animation": False,
    }


def timeline_option(timeline: Timeline) -> dict:
    option = _base_option(f"{timeline.account.name} · 每月发布条数（近{len(timeline.months)}个月）")
    option.update(
        xAxis={"type": "category", "data": _month_labels(timeline.months)},
        yAxis={"type": "value", "minInterval": 1, "name": "条"},
        series=[
            {"name": "发布条数", "type": "bar", "data": timeline.counts, "itemStyle": {"color": "#c0392b"}}
        ],
    )
    return option


def platform_option(data: PlatformSeries, scope_name: str) -> dict:
    option = _base_option(f"{scope_name} · 各平台每月发布条数（近{len(data.months)}个月）")
    option["legend"] = {"top": 28, "type": "scroll"}
    series = [
        {"name": label, "type": "bar", "stack": "posts", "emphasis": {"focus": "series"}, "data": values}
        for label, values in data.series
    ]
    series.append({"name": "合计", "type": "line", "data": data.totals, "symbolSize": 4})
    option.update(
        xAxis={"type": "category", "data": _month_labels(data.months)},
        yAxis={"type": "value", "minInterval": 1, "name": "条"},
        series=series,
    )
    return option


def reports_option(data: ReportPunctuality, scope_name: str) -> dict:
    option = _base_option(f"{scope_name} · 月报表按时报送率（按报表所属月份）")
    option["legend"] = {"top": 28}
    labels = [f"{m.period:%Y-%m}" for m in data.months]
    option.update(
        xAxis={"type": "category", "data": labels},
        yAxis=[
            {"type": "value", "minInterval": 1, "name": "帐号"},
            {"type": "value", "min": 0, "max": 100, "name": "按时率%"},
        ],
        series=[
            {"name": "按时报送", "type": "bar", "stack": "r", "data": [m.on_time for m in data.months]},
            {"name": "逾期报送", "type": "bar", "stack": "r", "data": [m.late for m in data.months]},
            {"name": "未报送", "type": "bar", "stack": "r", "data": [m.missing for m in data.months]},
            {"name": "按时率", "type": "line", "yAxisIndex": 1, "data": [m.rate for m in data.months]},
        ],
        color=["#198754", "#fd7e14", "#dc3545", "#0d6efd"],
    )
    return option
