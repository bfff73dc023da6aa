"""The permission walk: every URL of the project, for every named user of the `world` and for anonymous.

`EXPECT` says, for each URL name, what each user gets. A URL pattern the table does not cover fails
`test_every_url_pattern_is_in_the_table`: a new view is not done until it says who may open it.

The objects (an account and its submitted filing each):
- chem: 化工学院 (college)             - youth: 化工学院学生会 (youth, supervised by 校团委)
- mech: 机械工程学院 (college)          - foreign: 机械工程学院, foreign-related (涉外)
- yufe: 会计学院 of YUFE

Who sees what is written out by hand below (`SEES`, `FILES`): the truth the scoping code must meet, not a
copy of it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from mediagov.compliance.models import Finding, Sanction, SanctionLevel
from mediagov.imports.models import ImportRun
from mediagov.notifications.models import Delivery, Notification, Webhook
from mediagov.registry.models import ApprovalStep, Filing, FilingState, MediaAccount, StepDecision
from mediagov.registry.platforms import Platform

from .registry.factories import file_new, register

pytestmark = pytest.mark.django_db


USERS = [
    "xuan",
    "it",
    "intl",
    "chem_party",
    "chem_op",
    "mech_head",
    "mech_op",
    "tw_sup",
    "stranger",
    "yufe_xuan",
    "acc_head",
    "acc_op",
]
TARGETS = ["chem", "mech", "foreign", "youth", "yufe"]
DUT_ALL = {"chem", "mech", "foreign", "youth"}

# Accounts (and so their filings) each user may see.
SEES = {
    "xuan": DUT_ALL,
    "it": DUT_ALL,
    "intl": {"foreign"},
    "chem_party": {"chem", "youth"},
    "chem_op": {"chem", "youth"},
    "mech_head": {"mech", "foreign"},
    "mech_op": {"mech", "foreign"},
    "tw_sup": {"youth"},
    "stranger": set(),
    "yufe_xuan": {"yufe"},
    "acc_head": {"yufe"},
    "acc_op": {"yufe"},
}
# Accounts each user may file for (registry.file_account): unit staff for their unit, the department for all.
FILES = {
    **{user: set() for user in USERS},
    "xuan": DUT_ALL,
    "chem_party": {"chem", "youth"},
    "chem_op": {"chem", "youth"},
    "mech_head": {"mech", "foreign"},
    "mech_op": {"mech", "foreign"},
    "yufe_xuan": {"yufe"},
    "acc_head": {"yufe"},
    "acc_op": {"yufe"},
}
# Unit pages (compliance) follow the units of a user's roles: institution-wide roles see every unit of their
# institution; unit roles their unit's subtree. The targets' units: chem and youth → 化工学院, mech and
# foreign → 机械工程学院, yufe → 会计学院. (tw_sup supervises the youth account but holds no role in 化工学院.)
UNIT_SEES = {
    **SEES,
    "intl": DUT_ALL,
    "tw_sup": set(),
}
DEPARTMENT = {"xuan", "yufe_xuan"}
MEMBERS = set(USERS) - {"stranger"}


# --- rules: (user, target) -> the status of a GET --------------------------------------------------------
def anyone(status: int) -> Callable[[str, str | None], int]:
    return lambda who, target: status


def signed_in(who, target) -> int:
    return 200


def member(who, target) -> int:
    """Pages of the current institution: 403 for a user without any role."""
    return 200 if who in MEMBERS else 403


def department(who, target) -> int:
    return 200 if who in DEPARTMENT else 403


def sees(who, target) -> int:
    """Object pages: an object outside the user's scope does not exist for them."""
    return 200 if target in SEES[who] else 404


def files(who, target) -> int:
    if target not in SEES[who]:
        return 404
    return 200 if target in FILES[who] else 403


def post_only(who, target) -> int:
    return 405


# Who may open pages that import for accounts: holders of a role that files (the department, unit staff and
# supervisors; each row is still checked against the account). The IT center and the international office
# see accounts but do not file for them.
IMPORTERS = MEMBERS - {"it", "intl"}


def filer(who, target) -> int:
    return 200 if who in IMPORTERS else 403


# Import runs: their uploader (the target's filer, see `objects`) and the department of their institution.
RUN_UPLOADERS = {
    "chem": "chem_op",
    "youth": "chem_op",
    "mech": "mech_op",
    "foreign": "mech_op",
    "yufe": "acc_op",
}


def run_sees(who, target) -> int:
    mine = who == RUN_UPLOADERS[target]
    department = (who == "xuan" and target != "yufe") or (who == "yufe_xuan" and target == "yufe")
    return 200 if mine or department else 404


def review_author(who, target) -> int:
    """A draft's edit page: its author (the target's filer, see `objects`); others who see it get 403."""
    if target not in SEES[who]:
        return 404
    return 200 if who == RUN_UPLOADERS[target] else 403


def unit_sees(who, target) -> int:
    return 200 if target in UNIT_SEES[who] else 404


# The monthly-report chart exists only where the pack has a monthly report window (YUFE 第十五条; not DUT).
MONTHLY_REPORTS = {"yufe_xuan", "acc_head", "acc_op"}


def member_reports(who, target) -> int:
    if who not in MEMBERS:
        return 403
    return 200 if who in MONTHLY_REPORTS else 404


def unit_reports(who, target) -> int:
    return 200 if target in UNIT_SEES[who] and target == "yufe" else 404


def robot(who, target) -> int:
    """A group robot belongs to one institution: its department edits it; another department gets 404."""
    if who not in DEPARTMENT:
        return 403
    mine = "yufe" if who == "yufe_xuan" else "dut"
    theirs = "yufe" if target == "yufe" else "dut"
    return 200 if mine == theirs else 404


# Feeds and connectors: the 党委宣传部 and the IT center manage their institution's sources (DUT 第四条（二）).
SOURCE_MANAGERS = {"xuan", "it", "yufe_xuan"}


def source_manager(who, target) -> int:
    return 200 if who in SOURCE_MANAGERS else 403


def source_of_account(who, target) -> int:
    """A source is reached through its account: 404 outside the user's scope, 403 for a non-manager."""
    if target not in SEES[who]:
        return 404
    return 200 if who in SOURCE_MANAGERS else 403


# Monthly reports (月报表): the account's operators and direct responsible person fill them in (the targets'
# direct responsible persons are chem_op's, mech_op's and acc_op's people); others who see them get 403.
FILLS_REPORTS = {
    **{user: set() for user in USERS},
    "chem_op": {"chem", "youth"},
    "mech_op": {"mech", "foreign"},
    "acc_op": {"yufe"},
}


def report_filler(who, target) -> int:
    if target not in SEES[who]:
        return 404
    return 200 if target in FILLS_REPORTS[who] else 403


LOGIN = "login"  # anonymous: 302 to the login page
API = "api"  # anonymous: 401 or 403


@dataclass(frozen=True)
class Expect:
    rule: Callable[[str, str | None], int]
    anonymous: str | int = LOGIN
    target: str | None = None  # what <pk> names: account, filing, finding, sanction, unit, webhook, ...
    post: bool = False  # a POST-only action on the object; POSTs outside scope must be 404


EXPECT: dict[str, Expect] = {
    # project
    "": Expect(anyone(302), anonymous=302),  # / redirects to the dashboard
    "login": Expect(anyone(200), anonymous=200),
    "logout": Expect(anyone(405), anonymous=405),  # POST only
    "switch_institution": Expect(post_only),
    "dashboard:home": Expect(signed_in),
    "dashboard:activity": Expect(member),
    "dashboard:activity_posts_xlsx": Expect(member),
    "dashboard:activity_risks_xlsx": Expect(member),
    "dashboard:activity_reports_xlsx": Expect(member_reports),
    "dashboard:unit_activity": Expect(unit_sees, target="unit"),
    "dashboard:unit_activity_posts_xlsx": Expect(unit_sees, target="unit"),
    "dashboard:unit_activity_risks_xlsx": Expect(unit_sees, target="unit"),
    "dashboard:unit_activity_reports_xlsx": Expect(unit_reports, target="unit"),
    "dashboard:account_timeline_xlsx": Expect(sees, target="account"),
    "workdays:calendar": Expect(signed_in),
    # org
    "org:person_list": Expect(member),
    "org:person_import": Expect(department),
    "org:unit_list": Expect(member),
    # registry
    "registry:account_list": Expect(member),
    "registry:account_create": Expect(member),
    "registry:url_parse": Expect(member),
    "registry:ledger_export": Expect(member),
    "registry:ledger_import": Expect(department),
    "registry:account_detail": Expect(sees, target="account"),
    "registry:account_edit": Expect(files, target="account"),
    "registry:filing_change": Expect(files, target="account"),
    "registry:filing_cancel": Expect(files, target="account"),
    "registry:filing_list": Expect(member),
    "registry:filing_detail": Expect(sees, target="filing"),
    "registry:filing_decide": Expect(post_only, target="filing", post=True),
    "registry:filing_submit": Expect(post_only, target="filing", post=True),
    "registry:filing_withdraw": Expect(post_only, target="filing", post=True),
    "registry:filing_form_docx": Expect(sees, target="filing"),
    # activity
    "activity:post_list": Expect(member),
    # imports
    "imports:run_list": Expect(filer),
    "imports:post_upload": Expect(filer),
    "imports:run_detail": Expect(run_sees, target="import_run"),
    "imports:run_progress": Expect(run_sees, target="import_run"),
    "imports:run_errors": Expect(run_sees, target="import_run"),
    "imports:run_confirm": Expect(post_only, target="import_run", post=True),
    "activity:report_list": Expect(member),
    "activity:report_month_export": Expect(member),
    "activity:report_detail": Expect(sees, target="report"),
    "activity:report_edit": Expect(report_filler, target="report"),
    "activity:report_submit": Expect(post_only, target="report", post=True),
    "activity:report_unit_opinion": Expect(post_only, target="report", post=True),
    "activity:report_department_opinion": Expect(post_only, target="report", post=True),
    "activity:report_docx": Expect(sees, target="report"),
    "activity:report_print": Expect(sees, target="report"),
    # compliance
    "compliance:overview": Expect(member),
    "compliance:overview_export": Expect(member),
    "compliance:scan_now": Expect(post_only),
    "compliance:unit_detail": Expect(unit_sees, target="unit"),
    "compliance:unit_export": Expect(unit_sees, target="unit"),
    "compliance:account_detail": Expect(sees, target="account"),
    "compliance:account_export": Expect(sees, target="account"),
    "compliance:sanction_issue": Expect(post_only, target="account", post=True),
    "compliance:finding_detail": Expect(sees, target="finding"),
    "compliance:finding_acknowledge": Expect(post_only, target="finding", post=True),
    "compliance:finding_rectify": Expect(post_only, target="finding", post=True),
    "compliance:finding_verify": Expect(post_only, target="finding", post=True),
    "compliance:finding_reject": Expect(post_only, target="finding", post=True),
    "compliance:finding_waive": Expect(post_only, target="finding", post=True),
    "compliance:sanction_detail": Expect(sees, target="sanction"),
    "compliance:sanction_lift": Expect(post_only, target="sanction", post=True),
    # screening: name watch (DUT 第九条), the department of the institution only
    "screening:namewatch": Expect(department),
    "screening:namewatch_notice": Expect(robot, target="discovered"),
    # screening: lexicons, the department of the institution only
    "screening:lexicon_list": Expect(department),
    "screening:lexicon_rescreen": Expect(post_only),
    "screening:lexicon_detail": Expect(robot, target="lexicon"),
    "screening:lexicon_download": Expect(robot, target="lexicon"),
    # screening: 先审后发 (review before publishing); drafts are read through the account scope
    "screening:review_list": Expect(member),
    "screening:review_create": Expect(filer),
    "screening:review_precheck": Expect(post_only),
    "screening:review_detail": Expect(sees, target="review"),
    "screening:review_edit": Expect(review_author, target="review"),
    "screening:review_submit": Expect(post_only, target="review", post=True),
    "screening:review_decide": Expect(post_only, target="review", post=True),
    "screening:review_withdraw": Expect(post_only, target="review", post=True),
    "screening:review_attachment": Expect(sees, target="review_attachment"),  # the detail page's scope
    # notifications
    "notifications:inbox": Expect(signed_in),
    "notifications:read": Expect(post_only, target="notification"),
    "notifications:read_all": Expect(post_only),
    "notifications:webhook_list": Expect(department),
    "notifications:webhook_create": Expect(department),
    "notifications:webhook_edit": Expect(robot, target="webhook"),
    "notifications:webhook_test": Expect(post_only, target="webhook"),
    "notifications:delivery_list": Expect(department),
    "notifications:delivery_retry": Expect(post_only, target="delivery"),
    # connectors
    "connectors:source_list": Expect(source_manager),
    "connectors:source_create": Expect(source_manager),
    "connectors:source_edit": Expect(source_of_account, target="source"),
    "connectors:source_run": Expect(post_only, target="source", post=True),
    # api
    "api:api-root": Expect(signed_in, anonymous=API),
    "api:schema": Expect(signed_in, anonymous=API),
    "api:docs": Expect(signed_in, anonymous=API),
    "api:account-list": Expect(signed_in, anonymous=API),
    "api:account-detail": Expect(sees, anonymous=API, target="account"),
    "api:filing-list": Expect(signed_in, anonymous=API),
    "api:filing-detail": Expect(sees, anonymous=API, target="filing"),
    "api:filing-decide": Expect(post_only, anonymous=API, target="filing", post=True),
    "api:filing-submit": Expect(post_only, anonymous=API, target="filing", post=True),
    "api:filing-withdraw": Expect(post_only, anonymous=API, target="filing", post=True),
    "api:finding-list": Expect(signed_in, anonymous=API),
    "api:finding-detail": Expect(sees, anonymous=API, target="finding"),
    "api:finding-acknowledge": Expect(post_only, anonymous=API, target="finding", post=True),
    "api:finding-rectify": Expect(post_only, anonymous=API, target="finding", post=True),
    "api:finding-verify": Expect(post_only, anonymous=API, target="finding", post=True),
    "api:finding-reject": Expect(post_only, anonymous=API, target="finding", post=True),
    "api:finding-waive": Expect(post_only, anonymous=API, target="finding", post=True),
    "api:sanction-list": Expect(signed_in, anonymous=API),
    "api:sanction-detail": Expect(sees, anonymous=API, target="sanction"),
    "api:report-list": Expect(signed_in, anonymous=API),
    "api:report-detail": Expect(sees, anonymous=API, target="report"),
    "api:review-list": Expect(signed_in, anonymous=API),
    "api:review-detail": Expect(sees, anonymous=API, target="review"),
    "api:review-decide": Expect(post_only, anonymous=API, target="review", post=True),
    # public (no login): everyone, anonymous included; <code> is DUT; the API needs ?institution=
    "public:index": Expect(anyone(200), anonymous=200),
    "public:directory": Expect(anyone(200), anonymous=200),
    "public:verify": Expect(anyone(200), anonymous=200),
    "api:public-institutions": Expect(anyone(200), anonymous=200),
    "api:public-directory": Expect(anyone(400), anonymous=400),
    "api:public-verify": Expect(anyone(400), anonymous=400),
}

SKIPPED_PREFIXES = ("admin/", "static/", "media/", "__debug__/")
CONVERTER_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name with its namespace; the route itself for an unnamed pattern
    route: str

    def url(self, pk: int | None = None) -> str:
        def value(match) -> str:
            converter, name = match["converter"], match["name"]
            if name == "pk":
                assert pk is not None, f"{self.route}: the table entry must name a target for <pk>"
                return str(pk)
            if converter == "drf_format_suffix":
                return ".json"
            if name == "code":  # an institution's public pages
                return "dut"
            if name == "fmt":  # an export's format
                return "csv"
            raise AssertionError(f"{self.route}: teach the permission walk a value for <{match[0]}>")

        return "/" + CONVERTER_RE.sub(value, self.route)

    @property
    def has_pk(self) -> bool:
        return any(m["name"] == "pk" for m in CONVERTER_RE.finditer(self.route))


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    """Every URL pattern of the project, except the admin and static files."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            key = ":".join(filter(None, [namespace, p.name])) if p.name else route
            yield Route(key, route)


ROUTES = list(walk())


def test_every_url_pattern_is_in_the_table():
    keys = {r.key for r in ROUTES}
    missing = sorted(keys - set(EXPECT))
    assert not missing, f"URL patterns without an expectation in tests/test_permissions.py EXPECT: {missing}"
    stale = sorted(set(EXPECT) - keys)
    assert not stale, f"EXPECT names URLs that no longer exist: {stale}"
    for r in ROUTES:
        assert r.has_pk == (EXPECT[r.key].target is not None), f"{r.route}: <pk> and target disagree"


# --- the objects ------------------------------------------------------------------------------------------
@pytest.fixture
def objects(world, settings, tmp_path):
    """An account and its submitted filing for each target: {"chem": (account, filing), ...}."""
    w = world
    settings.MEDIA_ROOT = tmp_path / "media"  # stored files (review attachments) stay in the test's folder
    with time_machine.travel(date(2026, 3, 10), tick=False):
        built = {
            "chem": register(w, name="化工学院官微"),
            "youth": register(w, name="化工学院学生会", owner_kind="youth", platform=Platform.WEIBO),
            "mech": register(
                w, name="机械学院官微", unit=w.mech, user=w.mech_op, direct_responsible=w.p_mech
            ),
            "foreign": register(
                w,
                name="机械学院国际交流",
                unit=w.mech,
                user=w.mech_op,
                direct_responsible=w.p_mech,
                foreign_related=True,
                platform=Platform.WEIBO,
            ),
            "yufe": register(w, name="会计学院官微", unit=w.acc, user=w.acc_op, inst=w.yufe),
        }
        filers = {"chem": w.chem_op, "youth": w.chem_op, "mech": w.mech_op, "foreign": w.mech_op}
        out = {}
        robots = {inst.pk: robot_of(inst) for inst in (w.dut, w.yufe)}
        for key, account in built.items():
            filing = file_new(w, account, user=filers.get(key, w.acc_op))
            finding = finding_of(account)
            sanction = Sanction.objects.create(
                institution=account.institution,
                account=account,
                level=SanctionLevel.RECTIFY,
                regulation="办法",
                article="第十九条",
                reason="测试",
                previous_status=account.status,
            )
            sanction.findings.set([finding])
            webhook, delivery = robots[account.institution_id]
            notification = Notification.objects.create(
                institution=account.institution,
                recipient=w.xuan,
                key=f"walk:{key}",
                stage="due",
                title="t",
                body="b",
            )
            out[key] = Objects(
                account, filing, finding, sanction, account.responsible_unit, webhook, delivery, notification
            )
            out[key].import_run = ImportRun.objects.create(
                institution=account.institution,
                file=f"walk/{key}.csv",
                filename=f"{key}.csv",
                created_by=filers.get(key, w.acc_op),
            )
            out[key].source = source_of(account)
            out[key].report = report_of(account)
            out[key].discovered = discovered_of(account)
            out[key].review = review_of(account, filers.get(key, w.acc_op))
            out[key].review_attachment = review_attachment_of(out[key].review)
            out[key].lexicon = lexicon_of(account)
        return out


@dataclass
class Objects:
    account: object
    filing: object
    finding: object
    sanction: object
    unit: object
    webhook: object
    delivery: object
    notification: object
    import_run: object = None

    def __iter__(self):  # `account, filing = objects[target]`
        return iter((self.account, self.filing))

    def __getitem__(self, index: int):
        return (self.account, self.filing)[index]


def finding_of(account):
    return Finding.objects.create(
        institution=account.institution,
        account=account,
        rule="walk",
        kind="inactivity_months",
        regulation="办法",
        article="第十二条",
        title="连续2个月未更新",
        message="m",
        severity="high",
        action="a",
        first_seen=date(2026, 3, 10),
        last_seen=date(2026, 3, 10),
    )


def discovered_of(account):
    """A name-watch result that uses the school's name without approval (it has a notice to download)."""
    from mediagov.screening.models import DiscoveredAccount

    return DiscoveredAccount.objects.create(
        institution=account.institution,
        platform="douyin",
        name=f"{account.institution.short_name}树洞",
        verdict="unregistered_use",
        keyword=account.institution.short_name,
        source="manual",
    )


def lexicon_of(account):
    """The institution's lexicon with one term (one per institution, shared by its targets)."""
    from mediagov.screening.services import lexicon_import

    lexicon = account.institution.lexicons.filter(name="词库").first()
    if lexicon is None:
        lexicon = lexicon_import(
            institution=account.institution,
            data="词条,类别\n内部资料,classified\n".encode(),
            filename="w.csv",
        ).lexicon
    return lexicon


def review_of(account, author):
    """A draft of 先审后发 for the account, written by its filer and not yet submitted (made directly: the
    account is still pending, and the service accepts drafts only for accounts that may publish)."""
    from mediagov.screening.models import ContentReview

    return ContentReview.objects.create(
        institution=account.institution, account=account, author=author, title="讲座通知", body="欢迎参加。"
    )


def review_attachment_of(review):
    """A small stored attachment of the draft (under the test's MEDIA_ROOT, see `objects`)."""
    from django.core.files.base import ContentFile

    from mediagov.screening.models import ReviewAttachment

    attachment = ReviewAttachment(review=review, name="议程.txt", size=6, sha256="0" * 64, text="议程")
    attachment.file.save(f"walk-{review.pk}.txt", ContentFile("议程".encode()), save=True)
    return attachment


def report_of(account):
    """The account's February 2026 monthly report, prefilled and not yet submitted."""
    from mediagov.activity.models import Report

    return Report.objects.create(account=account, kind="monthly", period=date(2026, 2, 1), post_count=0)


def source_of(account):
    """A feed source that was never run, pointing at a closed port (a POST that ran it would fail fast)."""
    from mediagov.connectors.models import Source

    return Source.objects.create(
        institution=account.institution, account=account, kind="feed", url="http://127.0.0.1:9/feed.xml"
    )


def robot_of(inst):
    webhook = Webhook.objects.create(
        institution=inst, channel="wecom", name="宣传群", url="http://127.0.0.1:9/cgi-bin/webhook/send?key=k"
    )
    delivery = Delivery.objects.create(
        institution=inst,
        channel="wecom",
        target=f"webhook:{webhook.pk}",
        webhook=webhook,
        key="walk",
        title="t",
        body="b",
        state="failed",
        next_attempt_at=timezone.now(),
    )
    return webhook, delivery


def pk_for(expect: Expect, objects, target: str) -> int:
    return getattr(objects[target], expect.target).pk


def snapshot(filing) -> tuple:
    filing = Filing.objects.get(pk=filing.pk)
    steps = tuple(ApprovalStep.objects.filter(filing=filing).values_list("decision", "signed_by_id"))
    return filing.state, filing.round, steps


def everything(objs) -> tuple:
    """The state of every object of one target that a POST could change."""
    account = MediaAccount.objects.get(pk=objs.account.pk)
    return (
        snapshot(objs.filing),
        Finding.objects.filter(pk=objs.finding.pk).values_list("state", flat=True).get(),
        tuple(Sanction.objects.filter(account=account).values_list("pk", "state")),
        account.status,
        tuple(account.reports.values_list("state", "unit_opinion", "department_opinion")),
        tuple(account.content_reviews.values_list("state", "round")),
    )


# --- the walk ---------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    """The public pages' rate counters (default cache) start empty for each walk."""
    from django.core.cache import cache

    cache.clear()


@time_machine.travel(date(2026, 3, 10), tick=False)
@pytest.mark.parametrize("who", USERS)
def test_permission_walk(client, world, objects, who):
    client.force_login(getattr(world, who))
    client.raise_request_exception = False  # a crash is a 500 in the list, not the end of the walk
    wrong = []
    for route in ROUTES:
        expect = EXPECT[route.key]
        for target in TARGETS if expect.target else [None]:
            url = route.url(pk_for(expect, objects, target) if target else None)
            wanted = expect.rule(who, target)
            got = client.get(url).status_code
            if got != wanted:
                wrong.append(f"{who} GET {url} ({route.key}, {target}): expected {wanted}, got {got}")
    assert not wrong, "\n".join(wrong)


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_anonymous_walk(client, objects):
    client.raise_request_exception = False
    wrong = []
    for route in ROUTES:
        expect = EXPECT[route.key]
        url = route.url(pk_for(expect, objects, "chem") if expect.target else None)
        response = client.get(url)
        if expect.anonymous == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith("/login/?next=")
        elif expect.anonymous == API:
            ok = response.status_code in (401, 403)
        else:
            ok = response.status_code == expect.anonymous
        if not ok:
            wrong.append(
                f"anonymous GET {url} ({route.key}): expected {expect.anonymous}, got {response.status_code}"
            )
    assert not wrong, "\n".join(wrong)


@time_machine.travel(date(2026, 3, 10), tick=False)
@pytest.mark.parametrize("who", USERS)
def test_post_actions_outside_scope_are_404_and_change_nothing(client, world, objects, who):
    client.force_login(getattr(world, who))
    client.raise_request_exception = False
    hidden = [t for t in TARGETS if t not in SEES[who]]
    wrong = []
    for route in ROUTES:
        expect = EXPECT[route.key]
        if not expect.post:
            continue
        for target in hidden:
            before = everything(objects[target])
            url = route.url(pk_for(expect, objects, target))
            data = {
                "decision": "approved",
                "opinion": "越权",
                "note": "越权",
                "reason": "越权",
                "description": "越权",
                "level": "suspend",
                "findings": [objects[target].finding.pk],
            }
            got = client.post(url, data).status_code
            if got != 404:
                wrong.append(f"{who} POST {url} ({route.key}, {target}): expected 404, got {got}")
            if everything(objects[target]) != before:
                wrong.append(f"{who} POST {url} ({route.key}, {target}) changed something")
    assert not wrong, "\n".join(wrong)


# --- the key cases, one by one ----------------------------------------------------------------------------


def account_names(response) -> set[str]:
    html = response.content.decode()
    names = ["化工学院官微", "化工学院学生会", "机械学院官微", "机械学院国际交流", "会计学院官微"]
    return {n for n in names if f">{n}</a>" in html}


def api_names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def test_mech_operator_can_neither_see_nor_act_on_chem(client, world, objects):
    account, filing = objects["chem"]
    client.force_login(world.mech_op)
    assert client.get(f"/registry/accounts/{account.pk}/").status_code == 404
    assert client.get(f"/registry/filings/{filing.pk}/").status_code == 404
    assert client.get(f"/api/accounts/{account.pk}/").status_code == 404
    before = snapshot(filing)
    for action in ("decide", "submit", "withdraw"):
        data = {"decision": "approved", "opinion": "越权"}
        assert client.post(f"/registry/filings/{filing.pk}/{action}/", data).status_code == 404
        assert client.post(f"/api/filings/{filing.pk}/{action}/", data).status_code == 404
    assert snapshot(filing) == before
    assert snapshot(filing)[0] == FilingState.SUBMITTED


def test_in_scope_but_not_allowed_to_act(client, world, objects):
    """The IT center sees 化工学院's filing but neither files for it nor holds its current step."""
    _account, filing = objects["chem"]
    client.force_login(world.it)
    before = snapshot(filing)
    assert client.post(f"/registry/filings/{filing.pk}/submit/").status_code == 403
    assert client.post(f"/registry/filings/{filing.pk}/withdraw/").status_code == 403
    assert client.post(f"/api/filings/{filing.pk}/withdraw/").status_code == 403
    data = {"decision": "approved", "opinion": ""}
    assert client.post(f"/api/filings/{filing.pk}/decide/", data).status_code == 403
    # The page answers with a message and back to the filing; nothing is signed.
    response = client.post(f"/registry/filings/{filing.pk}/decide/", data, follow=True)
    assert "您不是“所在二级党组织意见”环节的审批人" in response.content.decode()
    assert snapshot(filing) == before


def test_chem_party_decides_chem_but_not_mech(client, world, objects):
    _, chem = objects["chem"]
    _, mech = objects["mech"]
    client.force_login(world.chem_party)
    before = snapshot(mech)
    data = {"decision": StepDecision.APPROVED, "opinion": "同意"}
    assert client.post(f"/registry/filings/{mech.pk}/decide/", data).status_code == 404
    assert snapshot(mech) == before
    response = client.post(f"/registry/filings/{chem.pk}/decide/", data)
    assert response.status_code == 302
    step = chem.steps.get(round=1, order=1)
    assert step.decision == StepDecision.APPROVED and step.signed_by == world.chem_party


def test_propaganda_sees_all_of_dut_and_nothing_of_yufe(client, world, objects):
    client.force_login(world.xuan)
    expected = {"化工学院官微", "化工学院学生会", "机械学院官微", "机械学院国际交流"}
    assert account_names(client.get("/registry/accounts/")) == expected
    assert api_names(client.get("/api/accounts/")) == expected
    assert client.get(f"/registry/accounts/{objects['yufe'][0].pk}/").status_code == 404


def test_yufe_users_see_nothing_of_dut(client, world, objects):
    for user in (world.yufe_xuan, world.acc_head, world.acc_op):
        client.force_login(user)
        assert account_names(client.get("/registry/accounts/")) == {"会计学院官微"}
        assert api_names(client.get("/api/accounts/")) == {"会计学院官微"}
        filings = client.get("/api/filings/").json()["results"]
        assert {f["id"] for f in filings} == {objects["yufe"][1].pk}
        for target in DUT_ALL:
            account, filing = objects[target]
            assert client.get(f"/registry/accounts/{account.pk}/").status_code == 404
            assert client.get(f"/api/filings/{filing.pk}/").status_code == 404


def test_stranger_sees_nothing(client, world, objects):
    client.force_login(world.stranger)
    assert client.get("/registry/accounts/").status_code == 403
    assert client.get("/org/people/").status_code == 403
    assert client.get("/registry/filings/?tab=all").status_code == 403
    assert api_names(client.get("/api/accounts/")) == set()
    assert client.get("/api/filings/").json()["results"] == []


def test_intl_office_sees_only_foreign_related_accounts(client, world, objects):
    client.force_login(world.intl)
    assert account_names(client.get("/registry/accounts/")) == {"机械学院国际交流"}
    assert api_names(client.get("/api/accounts/")) == {"机械学院国际交流"}


def test_league_committee_sees_youth_accounts_of_any_unit(client, world, objects):
    client.force_login(world.tw_sup)
    assert account_names(client.get("/registry/accounts/")) == {"化工学院学生会"}
    assert api_names(client.get("/api/accounts/")) == {"化工学院学生会"}
    # It decides the youth account's first step (DUT 第五条), though 化工学院 is not its unit.
    _, filing = objects["youth"]
    response = client.post(
        f"/registry/filings/{filing.pk}/decide/", {"decision": StepDecision.APPROVED, "opinion": "同意"}
    )
    assert response.status_code == 302
    assert filing.steps.get(round=1, order=1).signed_by == world.tw_sup
