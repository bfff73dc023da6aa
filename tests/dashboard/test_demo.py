"""`mediagov demo load|users`: a demo world built through the real services, loaded once per module."""

import io
from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from mediagov.compliance.models import Sanction, SanctionState
from mediagov.core.models import ActionLog
from mediagov.org.models import Institution, Membership, Person, Role, Unit, UnitKind
from mediagov.registry.models import (
    AccountManager,
    AccountStatus,
    ApprovalStep,
    Filing,
    FilingKind,
    FilingState,
    ManagerRole,
    MediaAccount,
)
from mediagov.registry.platforms import Platform, normalise_url
from mediagov.workdays.services import add_working_days

TODAY = date(2026, 6, 15)
MODELS = (
    Institution,
    Unit,
    Person,
    get_user_model(),
    Membership,
    MediaAccount,
    AccountManager,
    Filing,
    ApprovalStep,
)


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once, as of TODAY, for the tests of one class; rolled back after them."""
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False), transaction.atomic():
        output = run("load")
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return loaded


def institutions():
    return {i.code: i for i in Institution.objects.all()}


class TestLoadedDemo:
    """Loaded as of TODAY (a Monday in June 2026)."""

    def test_load_reports_what_it_built(self, demo):
        assert "大连理工大学" in demo and "云南财经大学" in demo
        assert "演示数据已存在" not in demo

    def test_each_institution_has_units_staff_and_accounts(self, demo):
        for inst in institutions().values():
            assert MediaAccount.objects.filter(institution=inst).count() >= 25
            people = Person.objects.filter(institution=inst)
            assert 55 <= people.count() <= 70
            assert people.filter(on_staff=False).exists()
            assert people.filter(on_roster=False).count() == 1
            assert Unit.objects.filter(institution=inst, parent__isnull=False).exists()
            accounts = MediaAccount.objects.filter(institution=inst)
            assert accounts.filter(platform=Platform.APP).exclude(app_category="").exists()
            assert accounts.filter(online_payment=True, payment_approved_by="财务处").exists()
            assert accounts.filter(data_integration=True).exists()
            assert accounts.filter(foreign_related=True).exists()
            for account in accounts.exclude(status=AccountStatus.PENDING):
                assert account.direct_responsible.is_on_staff
                roles = set(account.managers.values_list("role", flat=True))
                assert roles == {ManagerRole.LEADER, ManagerRole.ADMIN}
        dut = institutions()["dut"]
        kinds = set(Unit.objects.filter(institution=dut).values_list("kind", flat=True))
        assert kinds == set(UnitKind.values)
        assert Unit.objects.get(institution=dut, name="校学生会").kind == UnitKind.YOUTH
        assert Unit.objects.get(institution=dut, name="招生宣传办公室").parent.code == "zsjyc"
        platforms = set(MediaAccount.objects.filter(institution=dut).values_list("platform", flat=True))
        assert {
            "wechat",
            "weibo",
            "douyin",
            "bilibili",
            "channels",
            "xiaohongshu",
            "toutiao",
            "zhihu",
            "app",
        } <= platforms

    def test_platform_ids_and_urls_look_real_and_normalise(self, demo):
        accounts = MediaAccount.objects.all()
        for account in accounts.filter(platform=Platform.WECHAT):
            assert account.platform_id.startswith("gh_") and len(account.platform_id) == 15
        for account in accounts.exclude(url=""):
            assert normalise_url(account.url) == (account.platform, account.handle)
        douyin = accounts.filter(platform=Platform.DOUYIN).exclude(url="").first()
        assert douyin.url.startswith("https://www.douyin.com/user/MS4wLjABAAAA")
        assert not accounts.filter(handle="").exists()

    def test_every_filing_state_in_each_institution(self, demo):
        for inst in institutions().values():
            states = set(Filing.objects.filter(institution=inst).values_list("state", flat=True))
            assert states == set(FilingState.values), inst.code

    def test_every_filing_kind_the_pack_allows(self, demo):
        for inst in institutions().values():
            kinds = set(Filing.objects.filter(institution=inst).values_list("kind", flat=True))
            assert kinds == set(inst.policy.filing_kinds), inst.code
        assert FilingKind.LEGACY not in institutions()["yufe"].policy.filing_kinds

    def test_filings_in_every_stage_of_the_chain(self, demo):
        for inst in institutions().values():
            submitted = Filing.objects.filter(institution=inst, state=FilingState.SUBMITTED)
            current = [f.current_step() for f in submitted]
            assert any(s.order == 1 for s in current), inst.code
            assert any(s.order > 1 and s.role == Role.PROPAGANDA for s in current), inst.code
            returned = Filing.objects.filter(institution=inst, state=FilingState.RETURNED)
            assert all(f.steps.exclude(opinion="").filter(decision="returned").exists() for f in returned)
            change = Filing.objects.filter(
                institution=inst, kind=FilingKind.CHANGE, state=FilingState.SUBMITTED
            )
            assert change.exists() and all(f.diff for f in change)
            assert Filing.objects.filter(
                institution=inst, kind=FilingKind.CANCEL, state=FilingState.APPROVED
            ).exists()
            blocked = Filing.objects.filter(institution=inst, state=FilingState.DRAFT).exclude(checks=[])
            assert any(f.blocking_checks for f in blocked), inst.code
            revised = Filing.objects.filter(institution=inst, state=FilingState.APPROVED, round=2)
            assert revised.exists(), inst.code

    def test_account_statuses_and_alliance(self, demo):
        for inst in institutions().values():
            accounts = MediaAccount.objects.filter(institution=inst)
            statuses = set(accounts.values_list("status", flat=True))
            assert statuses == set(AccountStatus.values), inst.code
            assert accounts.filter(status=AccountStatus.ACTIVE).count() > accounts.count() / 2
            assert accounts.alliance().count() >= accounts.filter(status=AccountStatus.ACTIVE).count()
            assert not accounts.filter(status=AccountStatus.CANCELLED, alliance_member=True).exists()
        sanctioned = MediaAccount.objects.filter(
            status__in=[AccountStatus.RECTIFYING, AccountStatus.SUSPENDED]
        )
        assert sanctioned.count() >= 4
        for account in sanctioned:
            sanction = Sanction.objects.get(account=account, state=SanctionState.ACTIVE)
            assert sanction.reason and sanction.findings.exists()
            assert ActionLog.objects.for_object(sanction).filter(action="sanction.issued").exists()

    def test_deadlines_due_soon_and_overdue(self, demo):
        soon = add_working_days(TODAY, 3)
        for inst in institutions().values():
            filings = Filing.objects.filter(institution=inst)
            assert filings.due_within(start=TODAY, end=soon).count() >= 2, inst.code
            assert filings.overdue(as_of=TODAY).count() >= 2, inst.code
            assert not filings.exclude(due_error="").exists()
        legacy = Filing.objects.filter(institution__code="dut", kind=FilingKind.LEGACY).open()
        assert legacy.exists()
        assert all(f.due_date == date(2017, 9, 22) and f.is_overdue(TODAY) for f in legacy)

    def test_every_role_has_a_demo_user_in_each_institution(self, demo):
        for inst in institutions().values():
            roles = set(
                Membership.objects.filter(
                    institution=inst, user__username__startswith=f"{inst.code}-"
                ).values_list("role", flat=True)
            )
            assert roles == set(Role.values), inst.code
        User = get_user_model()
        xuan = User.objects.get(username="dut-xuan")
        assert xuan.check_password("demo12345") and xuan.last_name and xuan.person.is_on_staff
        assert User.objects.get(username="dut-sup-tw").memberships.get().unit.code == "tw"
        assert User.objects.get(username="dut-sup-zs").memberships.get().unit.code == "zsjyc"
        assert User.objects.get(username="dut-party-chem").memberships.get().unit.name == "化学学院"
        assert User.objects.get(username="dut-resp-chem").person.unit.name == "化学学院"
        assert User.objects.get(username="yufe-head-acc").memberships.get().role == Role.UNIT_HEAD
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert not User.objects.filter(username__startswith="dut-", last_name="").exists()

    def test_review_drafts_at_every_stage_in_each_institution(self, demo):
        from mediagov.screening.models import ContentReview

        for inst in institutions().values():
            reviews = ContentReview.objects.filter(institution=inst)
            assert reviews.count() >= 3, inst.code
            states = set(reviews.values_list("state", flat=True))
            assert {"in_review"} <= states and states & {"returned", "approved"}, inst.code
            assert reviews.filter(decisions__override=True).exists() or inst.code == "dut"
            assert all(
                r.decisions.exclude(reviewer=None).exclude(reviewer=r.author).count()
                == r.decisions.exclude(reviewer=None).count()
                for r in reviews
            )

    def test_no_step_is_signed_by_the_filer(self, demo):
        signed = ApprovalStep.objects.filter(signed_by__isnull=False).select_related("filing")
        assert signed.count() > 100
        for step in signed:
            assert step.signed_by_id not in (step.filing.created_by_id, step.filing.submitted_by_id)
        deciders = set(signed.values_list("signed_by__username", flat=True))
        assert len(deciders) >= 15

    def test_load_twice_changes_nothing_but_reloads_the_packs(self, demo):
        before = {m.__name__: m.objects.count() for m in MODELS}
        Institution.objects.update(pack_sha256="stale")
        with time_machine.travel(TODAY, tick=False):
            output = run("load")
        assert "演示数据已存在" in output
        assert {m.__name__: m.objects.count() for m in MODELS} == before
        assert not Institution.objects.filter(pack_sha256="stale").exists()

    def test_demo_users_lists_every_login(self, demo):
        output = run("users")
        assert output == run("users")
        lines = output.splitlines()
        assert "demo12345" in lines[0]
        names = [line.split()[0] for line in lines[3:]]
        assert names[0] == "admin"
        assert "dut-xuan" in names and "yufe-xuan" in names
        assert names.index("dut-xuan") < names.index("yufe-xuan")
        assert len(names) == get_user_model().objects.count()
        row = next(line for line in lines if line.startswith("dut-party-chem "))
        assert "二级党组织" in row and "化学学院" in row and "大工" in row


@pytest.mark.django_db
def test_demo_users_before_load_says_how_to_load():
    assert "mediagov demo load" in run("users")


@pytest.mark.django_db
@time_machine.travel(date(2026, 12, 31), tick=False)
def test_load_on_the_last_day_with_calendar_data():
    run("load")
    filings = Filing.objects.all()
    assert filings.exists() and not filings.exclude(due_error="").exists()
    dues = filings.open().exclude(due_date=None).values_list("due_date", flat=True)
    assert max(dues) == date(2026, 12, 31)  # every deadline stays within the calendar's data
