"""Each rule kind of the catalogue against a real snapshot of the database (compliance/kinds/)."""

from datetime import date, timedelta

import pytest
import time_machine

from mediagov.compliance.kinds import RULES
from mediagov.compliance.snapshot import snapshot_build
from mediagov.policy.pack import RuleSpec
from mediagov.registry.models import AccountManager, ManagerRole

from .builders import live_account, post, posts, report

pytestmark = pytest.mark.django_db


def spec(kind, article="第X条", **params):
    return RuleSpec(id=f"t-{kind}", kind=kind, article=article, params=params)


def run(inst, kind, as_of, **params):
    rule, rule_spec = RULES[kind], spec(kind, **params)
    snap = snapshot_build(inst, as_of, windows=rule.windows(rule_spec, as_of), reads=rule.reads)
    return rule.evaluate(rule_spec, snap)


@pytest.fixture
def frozen():
    with time_machine.travel(date(2026, 11, 22), tick=False):
        yield


# --- inactivity ------------------------------------------------------------------------------------------
def test_two_empty_calendar_months_after_the_last_post(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2026, 1, 5))
    post(account, date(2026, 7, 15))
    assert run(world.dut, "inactivity_months", date(2026, 9, 29), months=2) == []  # September not over
    [found] = run(world.dut, "inactivity_months", date(2026, 9, 30), months=2)
    assert found.evidence == {
        "last_post": "2026-07-15",
        "opened_on": "2026-01-05",
        "empty_months": ["2026-08", "2026-09"],
        "threshold_months": 2,
    }
    assert found.since == date(2026, 9, 30)
    assert "连续2个月" in found.title


def test_a_post_in_the_second_month_breaks_the_run(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2026, 1, 5))
    posts(account, [date(2026, 7, 15), date(2026, 9, 1)])
    assert run(world.dut, "inactivity_months", date(2026, 10, 31), months=2) == []


def test_never_posted_counts_from_creation(world, frozen):
    live_account(world, "化工学院官微", created_on=date(2026, 8, 20))
    assert run(world.dut, "inactivity_months", date(2026, 10, 30), months=2) == []
    [found] = run(world.dut, "inactivity_months", date(2026, 10, 31), months=2)
    assert found.evidence["last_post"] is None and found.evidence["opened_on"] == "2026-08-20"


def test_pending_and_cancelled_accounts_are_not_inactive(world, frozen):
    from ..registry.factories import register

    register(world, name="申请中的帐号", created_on=date(2025, 1, 1))
    assert run(world.dut, "inactivity_months", date(2026, 11, 22), months=2) == []


def test_fewer_than_twenty_posts_in_the_rolling_year(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    as_of = date(2026, 11, 22)
    posts(account, [as_of - timedelta(days=10 * i) for i in range(19)])
    post(account, as_of - timedelta(days=400))  # outside the year
    [found] = run(world.dut, "inactivity_annual", as_of, min_posts=20)
    assert found.evidence["posts"] == 19 and found.evidence["min_posts"] == 20
    assert found.evidence["window_start"] == "2025-11-23"
    post(account, as_of - timedelta(days=364))  # the first day of the window counts
    assert run(world.dut, "inactivity_annual", as_of, min_posts=20) == []


def test_annual_rule_skips_accounts_younger_than_a_year(world, frozen):
    live_account(world, "化工学院官微", created_on=date(2026, 3, 1))
    assert run(world.dut, "inactivity_annual", date(2026, 11, 22), min_posts=20) == []


def test_calendar_year_window_is_keyed_by_year(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    posts(account, [date(2025, m, 10) for m in range(1, 13)])
    [found] = run(world.dut, "inactivity_annual", date(2026, 11, 22), min_posts=20, window="calendar_year")
    assert found.key == "2025" and found.evidence["posts"] == 12 and found.since == date(2025, 12, 31)


def test_no_post_within_the_last_fourteen_days(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    post(account, date(2026, 11, 8))
    assert run(world.dut, "inactivity_days", date(2026, 11, 21), days=14) == []
    [found] = run(world.dut, "inactivity_days", date(2026, 11, 22), days=14)
    assert found.evidence["days_without_post"] == 14 and found.since == date(2026, 11, 22)


def test_posts_after_the_scan_date_do_not_count(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    post(account, date(2026, 11, 1))
    [found] = run(world.dut, "inactivity_days", date(2026, 10, 31), days=14)
    assert found.evidence["opened_on"] == "2024-01-01"


# --- reporting windows -----------------------------------------------------------------------------------
def test_monthly_report_due_on_the_first_to_fifth(world, frozen):
    account = live_account(
        world, "会计学院官微", created_on=date(2026, 8, 10), unit=world.acc, inst=world.yufe
    )
    report(account, date(2026, 9, 1), submitted=date(2026, 10, 3))  # on time
    assert run(
        world.yufe, "report_window", date(2026, 11, 5), cadence="monthly", first_day=1, last_day=5
    ) == [
        f
        for f in run(
            world.yufe, "report_window", date(2026, 11, 5), cadence="monthly", first_day=1, last_day=5
        )
        if f.key == "2026-08"
    ]
    found = run(world.yufe, "report_window", date(2026, 11, 6), cadence="monthly", first_day=1, last_day=5)
    assert sorted(f.key for f in found) == ["2026-08", "2026-10"]  # August: opened mid-month, still owed
    october = next(f for f in found if f.key == "2026-10")
    assert october.evidence["window_end"] == "2026-11-05" and october.evidence["submitted_on"] is None
    report(account, date(2026, 10, 1), submitted=date(2026, 11, 8))  # late
    found = run(world.yufe, "report_window", date(2026, 11, 9), cadence="monthly", first_day=1, last_day=5)
    october = next(f for f in found if f.key == "2026-10")
    assert october.title.endswith("逾期报送") and october.evidence["submitted_on"] == "2026-11-08"


def test_annual_review_window(world, frozen):
    account = live_account(
        world, "会计学院官微", created_on=date(2024, 1, 1), unit=world.acc, inst=world.yufe
    )
    params = dict(cadence="annual", month=6, first_day=1, last_day=15)
    keys = sorted(f.key for f in run(world.yufe, "report_window", date(2026, 11, 22), **params))
    assert keys == ["2025", "2026"]
    report(account, date(2026, 1, 1), submitted=date(2026, 6, 10), kind="annual")
    keys = sorted(f.key for f in run(world.yufe, "report_window", date(2026, 11, 22), **params))
    assert keys == ["2025"]


def test_a_prefilled_report_never_submitted_is_not_submitted(world, frozen):
    from mediagov.activity.models import Report

    account = live_account(
        world, "会计学院官微", created_on=date(2026, 8, 10), unit=world.acc, inst=world.yufe
    )
    Report.objects.create(account=account, kind="monthly", period=date(2026, 10, 1), post_count=3)
    params = dict(cadence="monthly", first_day=1, last_day=5)
    october = next(
        f for f in run(world.yufe, "report_window", date(2026, 11, 6), **params) if f.key == "2026-10"
    )
    assert october.evidence["submitted_on"] is None and october.title.endswith("未按时报送")


def test_declared_count_differs_from_the_posts_observed(world, frozen):
    account = live_account(
        world, "会计学院官微", created_on=date(2026, 8, 10), unit=world.acc, inst=world.yufe
    )
    posts(account, [date(2026, 10, 1), date(2026, 10, 15), date(2026, 10, 31), date(2026, 11, 1)])
    october = report(account, date(2026, 10, 1), submitted=date(2026, 11, 3))
    october.post_count = 5
    october.save()
    september = report(account, date(2026, 9, 1), submitted=date(2026, 10, 3))  # declared nothing: skipped
    assert september.post_count is None
    [found] = run(world.yufe, "report_count_mismatch", date(2026, 11, 22), article="第十五条")
    assert found.key == "2026-10" and found.article == "第十五条"
    assert found.evidence == {
        "period": "2026-10-01",
        "declared": 5,
        "observed": 3,
        "tolerance": 0,
        "submitted_on": "2026-11-03",
    }
    assert "申报发布信息5条" in found.message and "实际发布3条" in found.message
    assert found.since == date(2026, 11, 3) and found.severity == "low"
    assert run(world.yufe, "report_count_mismatch", date(2026, 11, 22), tolerance=2) == []
    # A later import brings the observed count to what was declared: the finding no longer holds.
    posts(account, [date(2026, 10, 20), date(2026, 10, 21)])
    assert run(world.yufe, "report_count_mismatch", date(2026, 11, 22)) == []


def test_a_report_declared_classified(world, frozen):
    account = live_account(
        world, "会计学院官微", created_on=date(2026, 8, 10), unit=world.acc, inst=world.yufe
    )
    october = report(account, date(2026, 10, 1), submitted=date(2026, 11, 3))
    assert run(world.yufe, "report_classified", date(2026, 11, 22)) == []
    october.classified = True
    october.save()
    [found] = run(world.yufe, "report_classified", date(2026, 11, 22), article="第十一条")
    assert found.key == "2026-10" and found.article == "第十一条" and found.severity == "urgent"
    assert found.evidence == {"period": "2026-10-01", "submitted_on": "2026-11-03"}
    assert run(world.yufe, "report_classified", date(2026, 11, 2)) == []  # not yet submitted then


def test_the_yufe_pack_declares_the_report_rules():
    from mediagov.policy.pack import PolicyPack, shipped_pack_path
    from mediagov.policy.validate import pack_parse

    data, errors = pack_parse(shipped_pack_path("yufe").read_text(encoding="utf-8"))
    assert errors == []
    rules = {spec.kind: spec for spec in PolicyPack(data).compliance_rules()}
    assert rules["report_count_mismatch"].article == "第十五条"
    assert rules["report_classified"].article == "第十一条"
    assert rules["report_classified"].severity == "urgent"


# --- staffing, quotas, approvals -------------------------------------------------------------------------
def test_direct_responsible_who_left_the_roster(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    assert run(world.dut, "direct_responsible_on_staff", date(2026, 11, 22)) == []
    world.p_chem.on_roster = False
    world.p_chem.save()
    [found] = run(world.dut, "direct_responsible_on_staff", date(2026, 11, 22))
    assert found.account_id == account.pk and "已不在教职工名册中" in found.message
    assert found.evidence["staff_no"] == "10001"


def test_verified_admins_on_staff_and_minimum(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1), verified=True)
    AccountManager.objects.create(
        account=account, role=ManagerRole.ADMIN, name="临时工", person=world.p_chem_temp
    )
    [found] = run(world.dut, "verified_admins_on_staff", date(2026, 11, 22))
    assert found.evidence["not_on_staff"] == ["临时工"]
    [few] = run(world.dut, "min_admins", date(2026, 11, 22), min=2)
    assert few.evidence == {"admins": ["临时工"], "min": 2}


def test_one_main_account_per_platform(world, frozen):
    first = live_account(world, "化工学院官微", created_on=date(2020, 1, 1))
    second = live_account(world, "化工学院新闻", created_on=date(2023, 1, 1))
    live_account(world, "化工学院微博", created_on=date(2023, 1, 1), platform="weibo")
    [found] = run(world.dut, "main_account_per_platform", date(2026, 11, 22), max=1)
    assert found.account_id == second.pk and found.evidence["accounts"] == [first.pk, second.pk]


def test_payment_and_data_integration_without_approval(world, frozen):
    live_account(world, "化工学院缴费", created_on=date(2024, 1, 1), online_payment=True)
    live_account(world, "化工学院数据", created_on=date(2024, 1, 1), data_integration=True, platform="weibo")
    assert [f.title for f in run(world.dut, "payment_needs_approval", date(2026, 11, 22))] == [
        "在线支付未经批准"
    ]
    assert [f.title for f in run(world.dut, "data_integration_needs_approval", date(2026, 11, 22))] == [
        "数据对接未经审批"
    ]


def test_guiding_teacher_for_student_accounts(world, frozen):
    live_account(world, "化工学院学生会", created_on=date(2024, 1, 1), owner_kind="youth")
    [found] = run(world.dut, "guiding_teacher_for_student_accounts", date(2026, 11, 22))
    assert found.title == "指导教师缺失"


# --- filings ---------------------------------------------------------------------------------------------
def test_change_not_refiled_within_three_working_days(world):
    from mediagov.registry import services

    with time_machine.travel(date(2026, 11, 2), tick=False):
        account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
        filing = services.filing_create(
            account=account, kind="change", user=world.chem_op, proposed={"name": "化工学院新官微"}
        )
    assert filing.due_date == date(2026, 11, 5)  # 3 working days after Monday 2 November
    with time_machine.travel(date(2026, 11, 22), tick=False):
        assert run(world.dut, "filing_deadline", date(2026, 11, 5), filing="change") == []
        [found] = run(world.dut, "filing_deadline", date(2026, 11, 6), filing="change")
        assert found.key == f"filing-{filing.pk}" and found.evidence["days_late"] == 1
        services.filing_submit(filing=filing, user=world.chem_op)
        assert run(world.dut, "filing_deadline", date(2026, 11, 22), filing="change") == []
        # As of a day before it was submitted, it was still overdue.
        assert len(run(world.dut, "filing_deadline", date(2026, 11, 20), filing="change")) == 1


def test_account_never_filed(world, frozen):
    from ..registry.factories import register

    register(world, name="未备案帐号", created_on=date(2026, 10, 1))
    fifteen = {"within": {"amount": 15, "unit": "working_days"}}
    assert run(world.dut, "unfiled_account", date(2026, 12, 11), **fifteen) == []  # entered 11-22, +15 WD
    [found] = run(world.dut, "unfiled_account", date(2026, 12, 14), **fifteen)
    assert found.evidence["from"] == "known" and found.evidence["filing_due"] == "2026-12-11"
    [found] = run(
        world.dut,
        "unfiled_account",
        date(2026, 11, 22),
        within={"amount": 5, "unit": "working_days"},
        **{"from": "creation"},
    )
    assert found.evidence["start"] == "2026-10-01" and found.evidence["filing_due"] == "2026-10-13"


def test_a_filing_under_way_is_left_to_its_own_deadline(world, frozen):
    from mediagov.registry import services

    from ..registry.factories import register

    account = register(world, name="未备案帐号", created_on=date(2026, 10, 1))
    services.filing_create(account=account, kind="new", user=world.chem_op)
    assert (
        run(world.dut, "unfiled_account", date(2026, 11, 22), within={"amount": 0, "unit": "working_days"})
        == []
    )


# --- rules some institutions carry -----------------------------------------------------------------------
def test_every_kind_a_pack_may_name_is_implemented():
    from mediagov.policy.validate import QUOTA_KINDS, RULE_KINDS, STAFFING_KINDS

    assert set(RULE_KINDS) | set(QUOTA_KINDS) | set(STAFFING_KINDS) | {"filing_deadline"} == set(RULES)


def test_opened_before_the_application_was_approved(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2026, 10, 1))
    [found] = run(world.dut, "prior_approval", date(2026, 11, 22), requires="approved")
    assert found.account_id == account.pk and found.evidence["days_since_creation"] == 52
    live_account(world, "老帐号", created_on=date(2015, 1, 1), platform="weibo")  # before the regulation
    assert len(run(world.dut, "prior_approval", date(2026, 11, 22), requires="approved")) == 1


def test_admin_left_without_hand_over(world, frozen):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    AccountManager.objects.create(account=account, role=ManagerRole.ADMIN, name="张三", person=world.p_chem)
    assert run(world.dut, "admins_on_roster", date(2026, 11, 22)) == []
    world.p_chem.on_roster = False
    world.p_chem.save()
    [found] = run(world.dut, "admins_on_roster", date(2026, 11, 22))
    assert found.evidence["admins_left"] == [
        {"name": "张三", "person_id": world.p_chem.pk, "staff_no": "10001"}
    ]


def test_annual_review_in_announced_windows(world, frozen):
    live_account(world, "化工学院官微", created_on=date(2019, 1, 1))
    windows = [
        {"year": 2020, "first": "2020-12-18", "last": "2020-12-30"},
        {"year": 2026, "first": "2026-12-01", "last": "2026-12-15"},  # not closed yet
    ]
    [found] = run(world.dut, "report_window", date(2026, 11, 22), cadence="annual", windows=windows)
    assert found.key == "2020" and found.evidence["window_end"] == "2020-12-30"
    assert run(world.dut, "report_window", date(2026, 11, 22), cadence="annual", windows=[]) == []
