"""The filing workflow: every path through the approval chain the pack prescribes."""

from datetime import date

import pytest
import time_machine

from mediagov.core.errors import PermissionDenied
from mediagov.core.models import ActionLog
from mediagov.registry import services
from mediagov.registry.models import AccountStatus, FilingKind, FilingState, ManagerRole, StepDecision
from mediagov.registry.platforms import Platform
from mediagov.registry.services import FilingError

from .factories import file_new, register

pytestmark = pytest.mark.django_db


def decide(filing, user, decision=StepDecision.APPROVED, opinion="同意"):
    step = filing.current_step()
    return services.filing_decide(step=step, user=user, decision=decision, opinion=opinion)


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_dut_new_filing_passes_party_then_propaganda_and_joins_alliance(world):
    account = register(world, planned_open_on=date(2026, 3, 20))
    filing = file_new(world, account)
    steps = list(filing.current_steps())
    assert [s.role for s in steps] == ["unit_party", "propaganda"]
    assert steps[0].unit == world.chem and steps[0].article == "第八条"
    assert filing.due_date == date(2026, 3, 20)  # DUT: approved before the planned opening
    filing = decide(filing, world.chem_party, opinion="同意开设")
    assert filing.state == FilingState.SUBMITTED
    assert filing.current_step().role == "propaganda"
    filing = decide(filing, world.xuan)
    assert filing.state == FilingState.APPROVED
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.alliance_member and account.alliance_joined_on == date(2026, 3, 10)
    first = filing.steps.get(order=1)
    assert first.opinion == "同意开设" and first.signed_by == world.chem_party and first.signed_at
    actions = list(ActionLog.objects.for_object(filing).values_list("action", flat=True))
    assert "filing.approved" in actions and "filing.submitted" in actions


def test_return_for_revision_then_resubmit_opens_a_new_round(world):
    account = register(world)
    filing = file_new(world, account)
    filing = decide(filing, world.chem_party, StepDecision.RETURNED, "媒体定位不清晰，请补充")
    assert filing.state == FilingState.RETURNED
    assert filing.steps.get(round=1, order=2).decision == StepDecision.SKIPPED
    services.account_update(account=account, user=world.chem_op, fields={"positioning_content": "学院新闻"})
    filing = services.filing_submit(filing=filing, user=world.chem_op)
    assert filing.round == 2 and filing.current_step().round == 2
    filing = decide(filing, world.chem_party)
    filing = decide(filing, world.xuan)
    assert filing.state == FilingState.APPROVED
    assert filing.steps.count() == 4


def test_rejection_ends_the_filing_and_account_stays_unapproved(world):
    account = register(world)
    filing = file_new(world, account)
    filing = decide(filing, world.chem_party)
    filing = decide(filing, world.xuan, StepDecision.REJECTED, "与学院已有帐号功能重复")
    assert filing.state == FilingState.REJECTED
    account.refresh_from_db()
    assert account.status == AccountStatus.PENDING and not account.alliance_member
    with pytest.raises(FilingError):
        services.filing_submit(filing=filing, user=world.chem_op)


def test_return_and_reject_need_an_opinion(world):
    filing = file_new(world, register(world))
    with pytest.raises(FilingError, match="意见"):
        decide(filing, world.chem_party, StepDecision.RETURNED, "  ")


def test_nobody_decides_on_a_filing_they_submitted(world):
    # The propaganda officer files for 化工学院 himself and then tries to approve it.
    account = register(world, user=world.xuan)
    filing = file_new(world, account, user=world.xuan)
    filing = decide(filing, world.chem_party)
    with pytest.raises(PermissionDenied, match="本人"):
        decide(filing, world.xuan)


def test_only_the_role_the_pack_names_for_the_unit_decides(world):
    filing = file_new(world, register(world))
    for outsider in (world.mech_head, world.xuan, world.tw_sup, world.chem_op, world.stranger):
        with pytest.raises(PermissionDenied):
            decide(filing, outsider)
    assert filing.current_step().decision == StepDecision.PENDING


def test_steps_are_decided_in_order(world):
    filing = file_new(world, register(world))
    propaganda_step = filing.current_steps().get(order=2)
    with pytest.raises(FilingError, match="尚未轮到"):
        services.filing_decide(step=propaganda_step, user=world.xuan, decision=StepDecision.APPROVED)


def test_a_decided_step_cannot_be_decided_again(world):
    filing = file_new(world, register(world))
    step = filing.current_step()
    services.filing_decide(step=step, user=world.chem_party, decision=StepDecision.APPROVED)
    with pytest.raises(FilingError, match="已经处理"):
        services.filing_decide(step=step, user=world.chem_party, decision=StepDecision.REJECTED, opinion="x")


def test_youth_account_routes_to_the_league_committee(world):
    account = register(world, name="化工学院学生会", owner_kind="youth")
    filing = file_new(world, account)
    step = filing.current_step()
    assert step.role == "supervisor" and step.unit == world.tw and step.article == "第五条"
    decide(filing, world.tw_sup)
    assert filing.current_step().role == "propaganda"


def test_app_with_data_integration_and_foreign_flag_adds_it_center_and_intl_office(world):
    account = register(
        world,
        name="化工学院移动校园",
        platform=Platform.APP,
        app_category="service",
        data_integration=True,
        data_integration_approval="网信〔2026〕3号",
        foreign_related=True,
    )
    filing = file_new(world, account)
    roles = [s.role for s in filing.current_steps()]
    assert roles == ["unit_party", "it_center", "intl_office", "propaganda"]
    for user in (world.chem_party, world.it, world.intl, world.xuan):
        filing = decide(filing, user)
    assert filing.state == FilingState.APPROVED


def test_withdraw_closes_an_open_filing(world):
    filing = file_new(world, register(world))
    filing = services.filing_withdraw(filing=filing, user=world.chem_op)
    assert filing.state == FilingState.WITHDRAWN
    assert not filing.current_steps().filter(decision=StepDecision.PENDING).exists()


def _approved(world, **kw):
    account = register(world, **kw)
    filing = file_new(world, account)
    decide(filing, world.chem_party)
    decide(filing, world.xuan)
    account.refresh_from_db()
    return account


@time_machine.travel(date(2025, 9, 30), tick=False)
def test_change_filing_has_field_diff_and_three_working_day_deadline(world):
    account = _approved(world)
    proposed = {
        "name": "化工学院研究生",
        "managers": [
            {"role": ManagerRole.ADMIN, "name": "张三", "person": world.p_chem.pk, "phone": "1", "email": ""}
        ],
    }
    filing = services.filing_create(
        account=account, kind=FilingKind.CHANGE, user=world.chem_op, proposed=proposed
    )
    assert {d["field"] for d in filing.diff} == {"name", "managers"}
    name_diff = next(d for d in filing.diff if d["field"] == "name")
    assert name_diff["old"] == "化工学院" and name_diff["new"] == "化工学院研究生"
    # 2025-09-30 + 3 working days: 10-01..10-08 are the National Day holiday, 10-09 Thu, 10-10 Fri, 10-11 Sat (调休).
    assert filing.due_date == date(2025, 10, 11)
    assert "第十一条" in filing.due_rule
    filing = services.filing_submit(filing=filing, user=world.chem_op)
    decide(filing, world.chem_party)
    decide(filing, world.xuan)
    account.refresh_from_db()
    assert account.name == "化工学院研究生"
    assert [m.name for m in account.managers.all()] == ["张三"]


def test_change_filing_with_nothing_changed_is_refused(world):
    account = _approved(world)
    with pytest.raises(FilingError, match="没有任何变更"):
        services.filing_create(
            account=account, kind=FilingKind.CHANGE, user=world.chem_op, proposed={"name": account.name}
        )


def test_cancellation_closes_the_account_and_leaves_the_alliance(world):
    account = _approved(world)
    filing = services.filing_create(
        account=account, kind=FilingKind.CANCEL, user=world.chem_op, reason="停止运营"
    )
    filing = services.filing_submit(filing=filing, user=world.chem_op)
    decide(filing, world.chem_party)
    decide(filing, world.xuan)
    account.refresh_from_db()
    assert account.status == AccountStatus.CANCELLED and not account.alliance_member


def test_yufe_chain_is_unit_head_then_propaganda_with_five_working_days_after_creation(world):
    account = register(
        world,
        inst=world.yufe,
        unit=world.acc,
        name="会计学院",
        user=world.acc_op,
        created_on=date(2026, 2, 10),
    )
    filing = file_new(world, account, user=world.acc_op)
    assert [s.role for s in filing.current_steps()] == ["unit_head", "propaganda"]
    # 2026-02-10 + 5 working days: 11, 12, 13, 14 (Sat 调休), then 春节 15..23 off, 24 → the 5th.
    assert filing.due_date == date(2026, 2, 24)
    decide(filing, world.acc_head)
    decide(filing, world.yufe_xuan)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


def test_yufe_has_no_legacy_filing(world):
    account = register(world, inst=world.yufe, unit=world.acc, name="会计学院", user=world.acc_op)
    with pytest.raises(FilingError, match="未规定补交备案"):
        services.filing_create(account=account, kind=FilingKind.LEGACY, user=world.acc_op)


def test_dut_legacy_filing_counts_fifteen_working_days_from_publication(world):
    account = register(world, created_on=date(2015, 5, 1))
    filing = services.filing_create(account=account, kind=FilingKind.LEGACY, user=world.chem_op)
    assert filing.due_rule.startswith("办法公布后15个工作日内")
    assert filing.due_date is not None and filing.due_date > world.dut.policy.published


def test_one_open_filing_per_account(world):
    account = register(world)
    services.filing_create(account=account, kind=FilingKind.NEW, user=world.chem_op)
    with pytest.raises(FilingError, match="办理中"):
        services.filing_create(account=account, kind=FilingKind.NEW, user=world.chem_op)


def test_same_account_is_never_registered_twice(world):
    register(world, url="https://weibo.com/u/1234567890", platform=Platform.WEIBO, platform_id="")
    with pytest.raises(FilingError, match="已登记"):
        register(
            world,
            name="另一个名字",
            url="https://m.weibo.cn/u/1234567890",
            platform=Platform.WEIBO,
            platform_id="",
        )


def test_an_account_id_from_another_platform_is_a_clear_error(world):
    with pytest.raises(FilingError, match="帐号ID无法识别"):
        register(world, platform=Platform.WEIBO, platform_id="https://space.bilibili.com/123")
