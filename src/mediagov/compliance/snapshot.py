"""The institution as of a date: the only thing compliance rules read.

`snapshot_build(institution, as_of)` reads, in a handful of set-based queries:
- the accounts, people and administrators as they were recorded at the end of `as_of` (django-simple-history
  for a past date; the live tables for today), so a scan "as of" a past date sees what a scan then saw;
- filings and reports with only what had happened by then (submitted, approved, reported);
- post statistics per account, in one query over the accounts (`post_stats_build`): the last post by then,
  and the counts in the windows the pack's rules ask for.

Accounts entered into mediagov after `as_of` but created (on their platform) before it are included with
their first recorded values: the registry learns about old accounts late, and a past scan should see them.
"""

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from mediagov.activity.models import Post, Report
from mediagov.core.bulk import gc_paused
from mediagov.org.models import Person, Unit
from mediagov.registry.models import AccountManager, Filing, FilingState, MediaAccount


def day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def local_day(expression):
    """The date of a timestamp in the institution's time zone (the zone `day_start` uses), computed by the
    database: cheaper than reading the timestamp and converting it in Python, and the same in any thread."""
    return TruncDate(expression, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(slots=True)
class AccountRow:
    id: int
    institution_id: int
    name: str
    platform: str
    platform_id: str
    status: str
    unit_id: int
    owner_kind: str
    created_on: date | None
    known_on: date
    verified: bool
    is_main: bool
    app_category: str
    online_payment: bool
    payment_approved_by: str
    data_integration: bool
    data_integration_approval: str
    first_responsible_id: int | None
    direct_responsible_id: int | None
    guiding_teacher_id: int | None
    opened_on: date | None = None  # created on the platform, else approved, else entered in mediagov

    @property
    def alive(self) -> bool:
        return self.status in ("active", "rectifying")


@dataclass(slots=True)
class PersonRow:
    id: int
    institution_id: int
    name: str
    staff_no: str
    on_staff: bool
    on_roster: bool
    user_id: int | None

    @property
    def is_on_staff(self) -> bool:
        return self.on_staff and self.on_roster


@dataclass(slots=True)
class ManagerRow:
    id: int
    account_id: int
    role: str
    name: str
    person_id: int | None


@dataclass(slots=True)
class FilingRow:
    id: int
    institution_id: int
    account_id: int
    kind: str
    state: str
    event_date: date | None
    due_date: date | None
    due_rule: str
    due_error: str
    submitted_on: date | None  # first submitted, by as_of
    approved_on: date | None  # approved, by as_of


def _columns(row_class, **sources) -> list:
    """What to read for each field of `row_class`, in its order: the field's own column, or `sources[name]`
    (another column, or an expression the database computes). Rows are read as tuples and built positionally."""
    return [sources.get(f.name, f.name) for f in fields(row_class) if f.default is MISSING]


# Dates are computed by the database in the current time zone (TruncDate): far cheaper than reading timestamps
# and converting each in Python.
ACCOUNT_COLUMNS = _columns(AccountRow, unit_id="responsible_unit_id", known_on=local_day("created"))
PERSON_COLUMNS = _columns(PersonRow)
MANAGER_COLUMNS = _columns(ManagerRow)


@dataclass(slots=True)
class ReportRow:
    """A report submitted by `as_of` (a report prefilled but never submitted is not one): the day it was
    submitted and what the unit declared (发布信息数量, 是否涉密)."""

    submitted_on: date
    declared: int | None = None
    classified: bool = False


@dataclass
class PostStats:
    last: date | None = None
    counts: dict = field(default_factory=dict)  # (start, end, cap) -> posts in [start, end), at most cap

    def count(self, window: tuple, computed: set) -> int:
        """Posts in `window`; the window must be one the snapshot counted (a rule declares it in windows())."""
        if window not in computed:
            raise KeyError(f"post window {window} was not computed; declare it in the rule's windows()")
        return self.counts.get(window, 0)


NO_POSTS = PostStats()


@dataclass
class Snapshot:
    institution: object
    pack: object
    as_of: date
    accounts: list[AccountRow]
    persons: dict[int, PersonRow]
    managers: dict[int, list[ManagerRow]] | None  # None: no rule of the pack reads them (Rule.reads)
    filings: dict[int, list[FilingRow]]
    reports: dict[tuple, ReportRow] | None  # (account_id, kind, period) -> submitted report; None: not read
    posts: dict[int, PostStats]
    units: dict[int, str]
    errors: list = field(default_factory=list)  # what a rule could not decide (e.g. a year without calendar)
    windows: set = field(default_factory=set)  # the post-count windows computed

    def post_count(self, account_id: int, window: tuple) -> int:
        return self.posts_of(account_id).count(window, self.windows)

    def posts_of(self, account_id: int) -> PostStats:
        return self.posts.get(account_id, NO_POSTS)

    def person(self, pk: int | None) -> PersonRow | None:
        return self.persons.get(pk) if pk else None

    def responsible(self, account: AccountRow) -> list[dict]:
        """The people a finding names (问责对象): first and direct responsible persons, guiding teacher."""
        out = []
        for role, pk in (
            ("first_responsible", account.first_responsible_id),
            ("direct_responsible", account.direct_responsible_id),
            ("guiding_teacher", account.guiding_teacher_id),
        ):
            person = self.person(pk)
            if person:
                out.append({"role": role, "person_id": person.id, "name": person.name})
        return out


def _rows(model, columns: list, live_filter: Q, end: datetime, past: bool) -> list[tuple]:
    """Rows of `model` as recorded at `end` (tuples of `columns`, the id first): history for a past date,
    else the live table."""
    live = list(model.objects.filter(live_filter).order_by("id").values_list(*columns))
    if not past:
        return live
    recorded: dict[int, tuple] = {}
    for *row, history_type in (
        model.history.model.objects.filter(live_filter, history_date__lt=end)
        .order_by("id", "-history_date", "-history_id")
        .values_list(*columns, "history_type")
    ):
        if row[0] not in recorded:  # the newest record of each id
            recorded[row[0]] = None if history_type == "-" else tuple(row)
    # Records without history before `end` (entered later, or loaded in bulk): their live values.
    out = [recorded.get(row[0]) or row for row in live]
    live_ids = {row[0] for row in live}
    out.extend(row for pk, row in recorded.items() if pk not in live_ids and row)  # deleted since
    return out


def snapshot_build(institution, as_of: date, *, windows=None, reads=None, concurrent=None) -> Snapshot:
    """The institution as of a date. `windows` (the post-count windows to count) and `reads` (the optional
    parts to read) default to what its pack's rules need."""
    return snapshots_build([institution], as_of, windows=windows, reads=reads, concurrent=concurrent)[
        institution.pk
    ]


@gc_paused()
def snapshots_build(
    institutions, as_of: date, *, windows=None, reads=None, concurrent=None
) -> dict[int, Snapshot]:
    """Snapshots of many institutions as of one date, by institution id: one query per table for all of them
    (the scheduled scan builds a hundred; a query per table per institution cost more than the rules).

    The post statistics, the one query that keeps the database busy, run on a second connection while the
    other tables are read (`concurrent`: by default on PostgreSQL outside a transaction; see
    `_post_stats_started`)."""
    institutions = list(institutions)
    ids = [inst.pk for inst in institutions]
    end = day_start(as_of + timedelta(days=1))
    past = as_of < timezone.localdate()
    if windows is None:
        windows = _sorted_windows(w for inst in institutions for w in pack_windows(inst.policy, as_of))
    post_stats = _post_stats_started(
        MediaAccount.objects.filter(institution__in=ids), as_of, windows, concurrent=concurrent
    )

    accounts: dict[int, list[AccountRow]] = defaultdict(list)
    institution_of: dict[int, int] = {}
    for row in _rows(MediaAccount, ACCOUNT_COLUMNS, Q(institution__in=ids), end, past):
        account = AccountRow(*row)
        institution_of[account.id] = account.institution_id
        if account.known_on > as_of and (account.created_on is None or account.created_on > as_of):
            continue  # unknown at as_of and not yet created
        accounts[account.institution_id].append(account)

    persons: dict[int, dict[int, PersonRow]] = defaultdict(dict)
    for row in _rows(Person, PERSON_COLUMNS, Q(institution__in=ids), end, past):
        person = PersonRow(*row)
        persons[person.institution_id][person.id] = person

    reads = set(_reads(institutions) if reads is None else reads)
    managers: dict[int, dict[int, list[ManagerRow]]] = defaultdict(lambda: defaultdict(list))
    manager_rows = (
        _rows(AccountManager, MANAGER_COLUMNS, Q(account__institution__in=ids), end, past)
        if "managers" in reads
        else ()
    )
    for row in manager_rows:
        manager = ManagerRow(*row)
        if manager.account_id in institution_of:
            managers[institution_of[manager.account_id]][manager.account_id].append(manager)

    filings: dict[int, dict[int, list[FilingRow]]] = defaultdict(lambda: defaultdict(list))
    filing_columns = _columns(
        FilingRow,
        # What had happened by `as_of`: first submitted, approved.
        submitted_on=Case(When(first_submitted_at__lt=end, then=local_day("first_submitted_at"))),
        approved_on=Case(When(state=FilingState.APPROVED, decided_at__lt=end, then=local_day("decided_at"))),
    )
    for row in (
        Filing.objects.filter(institution__in=ids, created__lt=end)
        .order_by("id")
        .values_list(*filing_columns)
    ):
        filing = FilingRow(*row)
        filings[filing.institution_id][filing.account_id].append(filing)
    for pk, rows in accounts.items():
        for account in rows:
            approvals = [
                f.approved_on
                for f in filings[pk].get(account.id, ())
                if f.approved_on and f.kind in ("new", "legacy")
            ]
            # The day it began operating: its creation on the platform, else its approval, else its entry.
            account.opened_on = account.created_on or (min(approvals) if approvals else account.known_on)

    # Reports submitted by then: `submitted_at` is set only by submitting, so a prefilled report is not one.
    reports: dict[int, dict[tuple, ReportRow]] = defaultdict(dict)
    report_rows = Report.objects.none() if "reports" not in reads else Report.objects.all()
    for inst, account, kind, period, submitted, declared, classified in report_rows.filter(
        account__institution__in=ids, submitted_at__isnull=False, submitted_at__lt=end
    ).values_list(
        "account__institution_id",
        "account_id",
        "kind",
        "period",
        local_day("submitted_at"),
        "post_count",
        "classified",
    ):
        reports[inst][(account, kind, period)] = ReportRow(submitted, declared, classified)

    post_stats = post_stats()
    units: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, unit_id, name in Unit.objects.filter(institution__in=ids).values_list(
        "institution_id", "id", "name"
    ):
        units[pk][unit_id] = name
    return {
        inst.pk: Snapshot(
            institution=inst,
            pack=inst.policy,
            as_of=as_of,
            accounts=accounts[inst.pk],
            persons=persons[inst.pk],
            managers=dict(managers[inst.pk]) if "managers" in reads else None,
            filings=dict(filings[inst.pk]),
            reports=reports[inst.pk] if "reports" in reads else None,
            posts={a.id: post_stats[a.id] for a in accounts[inst.pk] if a.id in post_stats},
            units=units[inst.pk],
            windows=set(windows),
        )
        for inst in institutions
    }


def _reads(institutions) -> set[str]:
    """The optional parts of the snapshot that the rules of these institutions' packs read."""
    from .kinds import RULES

    return {
        part
        for inst in institutions
        for spec in inst.policy.compliance_rules()
        if spec.kind in RULES
        for part in RULES[spec.kind].reads
    }


def _post_stats_started(accounts, as_of: date, windows, *, concurrent=None):
    """Start `post_stats_build`; returns a function that waits for its result.

    Concurrently, it runs in a thread on that thread's own connection. Only outside a transaction: another
    connection would not see the transaction's uncommitted rows (a scan inside `atomic`, every test)."""
    if concurrent is None:
        concurrent = connection.vendor == "postgresql" and not connection.in_atomic_block
    if not concurrent:
        result = post_stats_build(accounts, as_of, windows)
        return lambda: result
    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(_on_own_connection, post_stats_build, accounts, as_of, windows)
    executor.shutdown(wait=False)
    return future.result


def _on_own_connection(func, *args):
    try:
        return func(*args)
    finally:
        connections.close_all()  # this thread's connections only


def pack_windows(pack, as_of: date) -> list[tuple[date, date, int | None]]:
    """The post-count windows (start, end, cap) the pack's rules need as of a date."""
    from .kinds import RULES

    return _sorted_windows(
        w
        for spec in pack.compliance_rules()
        if spec.kind in RULES
        for w in RULES[spec.kind].windows(spec, as_of)
    )


def _sorted_windows(windows) -> list:
    return sorted(set(windows), key=lambda w: (w[0], w[1], w[2] is None, w[2] or 0))


def post_stats_build(accounts, as_of: date, windows) -> dict[int, PostStats]:
    """The last post by `as_of` and the counts in `windows`, for each of `accounts` (a MediaAccount queryset).

    One query over the accounts, never over all the posts: per account, the last post is one probe of the
    (account, published_at) index, and a window's count reads at most `cap` index entries (a rule asks "fewer
    than 20 a year?", so counting stops at 20). Its cost grows with the accounts, not with the posts.
    """
    end = day_start(as_of + timedelta(days=1))
    posts = Post.objects.filter(account=OuterRef("pk"))
    annotations = {
        "last": local_day(
            Subquery(posts.filter(published_at__lt=end).order_by("-published_at").values("published_at")[:1])
        )
    }
    post_table = connection.ops.quote_name(Post._meta.db_table)
    account_id = f"{connection.ops.quote_name(MediaAccount._meta.db_table)}.{connection.ops.quote_name('id')}"
    adapt = connection.ops.adapt_datetimefield_value
    for i, (start, stop, cap) in enumerate(windows):
        limit = "" if cap is None else f" LIMIT {int(cap)}"
        annotations[f"w{i}"] = RawSQL(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {post_table} p WHERE p.account_id = {account_id}"
            f" AND p.published_at >= %s AND p.published_at < %s{limit}) c",
            (adapt(day_start(start)), adapt(day_start(stop))),
            output_field=IntegerField(),
        )
    out = {}
    for row in accounts.order_by().values("pk").annotate(**annotations):
        counts = {w: row[f"w{i}"] for i, w in enumerate(windows)}
        if row["last"] is not None or any(counts.values()):
            out[row["pk"]] = PostStats(last=row["last"], counts=counts)
    return out
