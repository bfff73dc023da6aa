"""Reads for the dashboard: one user's to-dos in one institution, and the department's overview.

Lists read through the scoped QuerySet methods (`visible_to`); "waiting for me" is decided by the
`registry.decide_filing` rule itself for filings, and by `screening.reviews.reviews_to_decide` (the review
list's 待我审核 tab) for 先审后发 drafts; the institution-wide overview is built only for the propaganda
department (`is_department`). The dashboard never shows what the lists and detail pages would hide.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Prefetch, Q

from mediagov.core.scoping import is_department
from mediagov.org.models import Role, Unit
from mediagov.registry.models import (
    AccountStatus,
    ApprovalStep,
    Filing,
    FilingState,
    MediaAccount,
    StepDecision,
)
from mediagov.screening.models import ContentReview, DecisionKind, ReviewDecision
from mediagov.screening.reviews import reviews_to_decide
from mediagov.workdays.services import CalendarDataMissing, add_working_days, working_days_between

# "Deadlines within N working days" (临近截止).
DUE_SOON_WORKING_DAYS = 3
# When the calendar of the coming days is missing, list the filings due in this many calendar days instead,
# and say so: a reminder that shows a little too much is better than one that shows nothing.
DUE_SOON_FALLBACK_DAYS = 7


@dataclass(frozen=True)
class TodoItem:
    """One filing on the dashboard, with the step waiting for a decision (if any) and what it rests on."""

    filing: Filing
    step: ApprovalStep | None = None
    citation: str = ""
    working_days_left: int | None = None

    @property
    def working_days_overdue(self) -> int | None:
        left = self.working_days_left
        return -left if left is not None and left < 0 else None


@dataclass(frozen=True)
class ReviewItem:
    """One 先审后发 draft on the dashboard, with the level waiting for a decision (if any) and its article."""

    review: ContentReview
    level: ReviewDecision | None = None
    citation: str = ""


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class UnitRow:
    """One campus unit (校属单位, a root of the unit tree) with its sub-units rolled up."""

    unit: Unit
    accounts: int = 0
    pending_accounts: int = 0
    open_filings: int = 0
    overdue_filings: int = 0


@dataclass(frozen=True)
class StepRow:
    label: str
    role_label: str
    count: int


@dataclass(frozen=True)
class InstitutionOverview:
    """The propaganda department's view of the whole institution."""

    units: list[UnitRow]
    pending_steps: list[StepRow]

    @property
    def pending_total(self) -> int:
        return sum(row.count for row in self.pending_steps)


@dataclass
class Todo:
    """What `user` has to do in `institution` on `today`."""

    institution: object
    today: date
    horizon: date | None
    calendar_error: str
    to_decide: list[TodoItem] = field(default_factory=list)
    my_open: list[TodoItem] = field(default_factory=list)
    due_soon: list[TodoItem] = field(default_factory=list)
    overdue: list[TodoItem] = field(default_factory=list)
    undated: list[TodoItem] = field(default_factory=list)
    reviews_to_decide: list[ReviewItem] = field(default_factory=list)
    reviews_returned: list[ReviewItem] = field(default_factory=list)
    accounts_by_status: list[StatusCount] = field(default_factory=list)
    accounts_total: int = 0
    alliance_members: int = 0
    overview: InstitutionOverview | None = None

    @property
    def due_soon_days(self) -> int:
        return DUE_SOON_WORKING_DAYS

    @property
    def fallback_days(self) -> int:
        return DUE_SOON_FALLBACK_DAYS

    @property
    def action_count(self) -> int:
        filings = len(self.to_decide) + len(self.my_open) + len(self.due_soon) + len(self.overdue)
        return filings + len(self.reviews_to_decide) + len(self.reviews_returned)


def _item(filing, *, today: date | None = None) -> TodoItem:
    left = None
    if today is not None and filing.due_date is not None:
        try:
            left = working_days_between(today, filing.due_date)
        except CalendarDataMissing:
            left = None
    return TodoItem(filing=filing, citation=filing.due_rule, working_days_left=left)


def _filings(user, institution):
    return (
        Filing.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("account", "account__responsible_unit", "institution")
    )


def _to_decide(user, institution) -> list[TodoItem]:
    """Submitted filings whose current step `user` may decide (the `registry.decide_filing` rule)."""
    pack = institution.policy
    candidates = (
        Filing.objects.filter(institution=institution, state=FilingState.SUBMITTED)
        .exclude(created_by=user)
        .exclude(submitted_by=user)
        .select_related("account", "account__responsible_unit", "institution")
        .order_by("submitted_at", "id")
    )
    items = []
    for filing in candidates:
        if not user.has_perm("registry.decide_filing", filing):
            continue
        step = filing.current_step()
        items.append(TodoItem(filing=filing, step=step, citation=pack.cite(step.article) if step else ""))
    return items


def _reviews(user, institution):
    return (
        ContentReview.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("account__responsible_unit", "author", "institution")
    )


def _reviews_to_decide(user, institution) -> list[ReviewItem]:
    """Drafts whose current level `user` may decide now, oldest submission first (the same read as the
    review list's 待我审核 tab)."""
    pack = institution.policy
    pending = ReviewDecision.objects.filter(round=F("review__round"), decision=DecisionKind.PENDING)
    waiting = (
        reviews_to_decide(user, _reviews(user, institution))
        .prefetch_related(Prefetch("decisions", queryset=pending.order_by("level"), to_attr="pending_levels"))
        .order_by("submitted_at", "id")
    )
    items = []
    for review in waiting:
        level = review.pending_levels[0] if review.pending_levels else None  # = review.current_level()
        items.append(
            ReviewItem(review=review, level=level, citation=pack.cite(level.article) if level else "")
        )
    return items


def _reviews_returned(user, institution) -> list[ReviewItem]:
    """`user`'s own drafts returned for changes, oldest submission first."""
    return [
        ReviewItem(review=review)
        for review in _reviews(user, institution).returned_to(user).order_by("submitted_at", "id")
    ]


def _horizon(today: date) -> tuple[date | None, str]:
    try:
        return add_working_days(today, DUE_SOON_WORKING_DAYS), ""
    except CalendarDataMissing as exc:
        return None, exc.message


def _accounts_by_status(user, institution) -> tuple[list[StatusCount], int, int]:
    accounts = MediaAccount.objects.visible_to(user).filter(institution=institution)
    counts = dict(accounts.order_by().values_list("status").annotate(n=Count("id")))
    rows = [StatusCount(value, label, counts.get(value, 0)) for value, label in AccountStatus.choices]
    return rows, sum(counts.values()), accounts.alliance().count()


def _top_unit_id(path: str) -> int | None:
    head = path.strip("/").split("/", 1)[0]
    return int(head) if head else None


def institution_overview(institution, today: date) -> InstitutionOverview:
    """Accounts and open filings per campus unit (sub-units rolled up), and pending approvals per step."""
    roots = list(Unit.objects.filter(institution=institution, parent=None).order_by("code"))
    accounts: Counter = Counter()
    pending: Counter = Counter()
    alive = MediaAccount.objects.filter(institution=institution).alive().order_by()
    for path, status, n in alive.values_list("responsible_unit__path", "status").annotate(n=Count("id")):
        top = _top_unit_id(path)
        accounts[top] += n
        if status == AccountStatus.PENDING:
            pending[top] += n
    open_filings: Counter = Counter()
    overdue: Counter = Counter()
    rows = (
        Filing.objects.filter(institution=institution)
        .open()
        .order_by()
        .values_list("account__responsible_unit__path")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
    )
    for path, n, late in rows:
        top = _top_unit_id(path)
        open_filings[top] += n
        overdue[top] += late
    units = [
        UnitRow(
            unit=u,
            accounts=accounts[u.pk],
            pending_accounts=pending[u.pk],
            open_filings=open_filings[u.pk],
            overdue_filings=overdue[u.pk],
        )
        for u in roots
    ]
    units.sort(key=lambda r: (-r.open_filings, -r.accounts, r.unit.code))
    return InstitutionOverview(units=units, pending_steps=_pending_steps(institution))


def _pending_steps(institution) -> list[StepRow]:
    """Submitted filings per step they wait at: the first pending step of the filing's current round."""
    steps = (
        ApprovalStep.objects.filter(
            filing__institution=institution,
            filing__state=FilingState.SUBMITTED,
            round=F("filing__round"),
            decision=StepDecision.PENDING,
        )
        .order_by("filing_id", "order")
        .values_list("filing_id", "label", "role")
    )
    seen: set[int] = set()
    counts: Counter = Counter()
    for filing_id, label, role in steps:
        if filing_id in seen:
            continue
        seen.add(filing_id)
        counts[(label, role)] += 1
    labels = dict(Role.choices)
    return [
        StepRow(label=label, role_label=labels.get(role, role), count=n)
        for (label, role), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    ]


def todo_for(user, institution, today: date) -> Todo:
    """The to-dos of `user` in `institution` as of `today`; a missing calendar year is reported, not raised."""
    horizon, calendar_error = _horizon(today)
    filings = _filings(user, institution)
    open_filings = filings.open()
    todo = Todo(institution=institution, today=today, horizon=horizon, calendar_error=calendar_error)
    todo.to_decide = _to_decide(user, institution)
    todo.my_open = [
        _item(f, today=today)
        for f in open_filings.filter(state__in=[FilingState.DRAFT, FilingState.RETURNED])
        .filter(Q(created_by=user) | Q(submitted_by=user))
        .order_by(F("due_date").asc(nulls_last=True), "id")
    ]
    end = horizon if horizon is not None else today + timedelta(days=DUE_SOON_FALLBACK_DAYS)
    todo.due_soon = [
        _item(f, today=today) for f in filings.due_within(start=today, end=end).order_by("due_date", "id")
    ]
    todo.overdue = [_item(f, today=today) for f in filings.overdue(as_of=today).order_by("due_date", "id")]
    todo.undated = [_item(f) for f in open_filings.filter(due_date=None).exclude(due_error="").order_by("id")]
    todo.reviews_to_decide = _reviews_to_decide(user, institution)
    todo.reviews_returned = _reviews_returned(user, institution)
    todo.accounts_by_status, todo.accounts_total, todo.alliance_members = _accounts_by_status(
        user, institution
    )
    if is_department(user, institution):
        todo.overview = institution_overview(institution, today)
    return todo
