"""The institution as of a date: the only thing compliance rules read.

`snapshot_build(institution, as_of)` reads, in a handful of set-based queries:
- the accounts, people and administrators as they were recorded at the end of `as_of` (django-simple-history
  for a past date; the live tables for today), so a scan "as of" a past date sees what a scan then saw;
- filings and reports with only what had happened by then (submitted, approved, reported);
- post statistics per account from one GROUP BY over posts published by then: first and last post, and the
  counts in the windows the pack's rules ask for.

Accounts entered into mediagov after `as_of` but created (on their platform) before it are included with
their first recorded values: the registry learns about old accounts late, and a past scan should see them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from mediagov.activity.models import Post, Report
from mediagov.org.models import Person, Unit
from mediagov.registry.models import AccountManager, Filing, FilingState, MediaAccount

ACCOUNT_FIELDS = [
    "id",
    "name",
    "platform",
    "platform_id",
    "status",
    "responsible_unit_id",
    "owner_kind",
    "created_on",
    "verified",
    "is_main",
    "app_category",
    "online_payment",
    "payment_approved_by",
    "data_integration",
    "data_integration_approval",
    "first_responsible_id",
    "direct_responsible_id",
    "guiding_teacher_id",
    "created",
]
PERSON_FIELDS = ["id", "name", "staff_no", "on_staff", "on_roster", "user_id"]
MANAGER_FIELDS = ["id", "account_id", "role", "name", "person_id"]


def day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def local_date(dt: datetime | None, tz=None) -> date | None:
    """The local date of `dt` (aware, as read from the database); callers converting many rows pass `tz`,
    the current time zone looked up once (timezone.localtime looks it up and checks awareness every call)."""
    if dt is None:
        return None
    return dt.astimezone(tz).date() if tz is not None else timezone.localtime(dt).date()


@dataclass
class AccountRow:
    id: int
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


@dataclass
class PersonRow:
    id: int
    name: str
    staff_no: str
    on_staff: bool
    on_roster: bool
    user_id: int | None

    @property
    def is_on_staff(self) -> bool:
        return self.on_staff and self.on_roster


@dataclass
class ManagerRow:
    id: int
    account_id: int
    role: str
    name: str
    person_id: int | None


@dataclass
class FilingRow:
    id: int
    account_id: int
    kind: str
    state: str
    event_date: date | None
    due_date: date | None
    due_rule: str
    due_error: str
    submitted_on: date | None  # first submitted, by as_of
    approved_on: date | None  # approved, by as_of


@dataclass
class PostStats:
    first: date | None = None
    last: date | None = None
    counts: dict = field(default_factory=dict)  # (start, end) -> posts in [start, end)

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
    managers: dict[int, list[ManagerRow]]
    filings: dict[int, list[FilingRow]]
    reports: dict[tuple, date]  # (account_id, kind, period) -> submitted on
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


def _latest_by_id(rows) -> dict[int, dict]:
    latest: dict[int, dict] = {}
    for row in rows:  # ordered by id, then newest first
        latest.setdefault(row["id"], row)
    return {pk: row for pk, row in latest.items() if row.get("history_type") != "-"}


def _rows(model, fields: list[str], live_filter: Q, end: datetime, past: bool) -> list[dict]:
    """Rows of `model` as recorded at `end`: history for a past date, else the live table."""
    live = list(model.objects.filter(live_filter).order_by("id").values(*fields))
    if not past:
        return live
    hist = model.history.model
    recorded = _latest_by_id(
        hist.objects.filter(live_filter, history_date__lt=end)
        .order_by("id", "-history_date", "-history_id")
        .values(*fields, "history_type")
    )
    # Records without history before `end` (entered later, or loaded in bulk): their live values.
    out = [recorded[row["id"]] if row["id"] in recorded else row for row in live]
    live_ids = {row["id"] for row in live}
    out.extend(row for pk, row in recorded.items() if pk not in live_ids)  # deleted since
    return out


def snapshot_build(institution, as_of: date, *, post_stats: dict | None = None, windows=None) -> Snapshot:

    pack = institution.policy
    end = day_start(as_of + timedelta(days=1))
    past = as_of < timezone.localdate()
    tz = timezone.get_current_timezone()

    account_rows = _rows(MediaAccount, ACCOUNT_FIELDS, Q(institution=institution), end, past)
    accounts = []
    for row in account_rows:
        known_on = local_date(row["created"], tz)
        if known_on > as_of and (row["created_on"] is None or row["created_on"] > as_of):
            continue  # unknown at as_of and not yet created
        accounts.append(
            AccountRow(
                id=row["id"],
                name=row["name"],
                platform=row["platform"],
                platform_id=row["platform_id"],
                status=row["status"],
                unit_id=row["responsible_unit_id"],
                owner_kind=row["owner_kind"],
                created_on=row["created_on"],
                known_on=known_on,
                verified=row["verified"],
                is_main=row["is_main"],
                app_category=row["app_category"],
                online_payment=row["online_payment"],
                payment_approved_by=row["payment_approved_by"],
                data_integration=row["data_integration"],
                data_integration_approval=row["data_integration_approval"],
                first_responsible_id=row["first_responsible_id"],
                direct_responsible_id=row["direct_responsible_id"],
                guiding_teacher_id=row["guiding_teacher_id"],
            )
        )
    ids = [a.id for a in accounts]

    persons = {
        row["id"]: PersonRow(**{k: row[k] for k in PERSON_FIELDS})
        for row in _rows(Person, PERSON_FIELDS, Q(institution=institution), end, past)
    }
    managers: dict[int, list[ManagerRow]] = defaultdict(list)
    for row in _rows(AccountManager, MANAGER_FIELDS, Q(account__institution=institution), end, past):
        managers[row["account_id"]].append(ManagerRow(**{k: row[k] for k in MANAGER_FIELDS}))

    filings: dict[int, list[FilingRow]] = defaultdict(list)
    for f in (
        Filing.objects.filter(institution=institution, created__lt=end)
        .order_by("id")
        .values(
            "id",
            "account_id",
            "kind",
            "state",
            "event_date",
            "due_date",
            "due_rule",
            "due_error",
            "first_submitted_at",
            "decided_at",
        )
    ):
        submitted = (
            f["first_submitted_at"] if f["first_submitted_at"] and f["first_submitted_at"] < end else None
        )
        approved = (
            f["decided_at"]
            if f["state"] == FilingState.APPROVED and f["decided_at"] and f["decided_at"] < end
            else None
        )
        filings[f["account_id"]].append(
            FilingRow(
                id=f["id"],
                account_id=f["account_id"],
                kind=f["kind"],
                state=f["state"],
                event_date=f["event_date"],
                due_date=f["due_date"],
                due_rule=f["due_rule"],
                due_error=f["due_error"],
                submitted_on=local_date(submitted, tz),
                approved_on=local_date(approved, tz),
            )
        )
    for account in accounts:
        approvals = [
            f.approved_on
            for f in filings.get(account.id, [])
            if f.approved_on and f.kind in ("new", "legacy")
        ]
        # The day it began operating: its creation on the platform, else its approval, else its entry here.
        account.opened_on = account.created_on or (min(approvals) if approvals else account.known_on)

    reports = {
        (r["account_id"], r["kind"], r["period"]): local_date(r["submitted_at"], tz)
        for r in Report.objects.filter(
            account__institution=institution, submitted_at__isnull=False, submitted_at__lt=end
        ).values("account_id", "kind", "period", "submitted_at")
    }

    if windows is None:
        windows = pack_windows(pack, as_of)
    if post_stats is None:
        post_stats = post_stats_build(Q(account_id__in=_account_ids(institution)), as_of, windows)

    units = dict(Unit.objects.filter(institution=institution).values_list("id", "name"))
    return Snapshot(
        institution=institution,
        pack=pack,
        as_of=as_of,
        accounts=accounts,
        persons=persons,
        managers=dict(managers),
        filings=dict(filings),
        reports=reports,
        posts={pk: post_stats[pk] for pk in ids if pk in post_stats},
        units=units,
        windows=set(windows or []),
    )


def pack_windows(pack, as_of: date) -> list[tuple[date, date]]:
    """The post-count windows the pack's rules need as of a date."""
    from .kinds import RULES

    return sorted(
        {
            w
            for spec in pack.compliance_rules()
            if spec.kind in RULES
            for w in RULES[spec.kind].windows(spec, as_of)
        }
    )


def post_stats_build(where: Q, as_of: date, windows: list[tuple[date, date]]) -> dict[int, PostStats]:
    """First and last post by `as_of` and the counts in `windows`, per account: one GROUP BY over posts.

    It reads only `account_id` and `published_at` (it counts published_at, never null, not id), so PostgreSQL
    answers one institution from the (account, published_at) index alone: an index-only scan per account.
    """
    end = day_start(as_of + timedelta(days=1))
    aggs = {"first": Min("published_at"), "last": Max("published_at")}
    for i, (start, stop) in enumerate(windows):
        aggs[f"w{i}"] = Count(
            "published_at", filter=Q(published_at__gte=day_start(start), published_at__lt=day_start(stop))
        )
    rows = Post.objects.filter(where, published_at__lt=end).order_by().values("account_id").annotate(**aggs)
    tz = timezone.get_current_timezone()
    out = {}
    for row in rows:
        out[row["account_id"]] = PostStats(
            first=local_date(row["first"], tz),
            last=local_date(row["last"], tz),
            counts={w: row[f"w{i}"] for i, w in enumerate(windows)},
        )
    return out


def post_stats_for(institutions, as_of: date) -> tuple[dict[int, PostStats], list[tuple[date, date]]]:
    """Post statistics of every account of `institutions` in one GROUP BY, and the windows counted.

    For `snapshot_build(post_stats=, windows=)` when scanning many institutions: the posts are read once, not
    once per institution. The windows are the union of those their packs need (a rule reads only its own).
    """
    institutions = list(institutions)
    windows = sorted({w for inst in institutions for w in pack_windows(inst.policy, as_of)})
    ids = [inst.pk for inst in institutions]
    if MediaAccount.objects.exclude(institution__in=ids).exists():
        where = Q(account_id__in=_account_ids(ids))
    else:  # every account is theirs (the scheduled scan): no filter, one plain pass over the posts
        where = Q()
    return post_stats_build(where, as_of, windows), windows


def _account_ids(institutions):
    """A subquery of the ids of their accounts: filtering posts by it (not by a join on the account) lets
    both databases walk the (account, published_at) index in account order, with no sort for the GROUP BY."""
    if isinstance(institutions, list):
        return MediaAccount.objects.filter(institution__in=institutions).values("pk")
    return MediaAccount.objects.filter(institution=institutions).values("pk")
