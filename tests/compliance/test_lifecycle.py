"""The finding lifecycle and the sanction ladder (services)."""

from datetime import date

import pytest
import time_machine

from mediagov.compliance.models import Finding, FindingState, Sanction, SanctionLevel, SanctionState
from mediagov.compliance.services import (
    ComplianceError,
    finding_acknowledge,
    finding_rectify,
    finding_reject_rectification,
    finding_verify,
    finding_waive,
    sanction_issue,
    sanction_lift,
    scan_run,
)
from mediagov.core.errors import PermissionDenied
from mediagov.org.models import Role
from mediagov.registry.models import AccountStatus

from ..conftest import make_user
from .builders import live_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    """A DUT account that never posted since 2024, scanned on 22 November 2026."""
    with time_machine.travel(date(2026, 11, 22), tick=False):
        account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
        scan_run(world.dut, as_of=date(2026, 11, 22))
    return account, Finding.objects.get(rule="dut-12-two-months", account=account)


def test_open_acknowledged_rectified_verified(world, case):
    account, finding = case
    xuan2 = make_user("xuan2", "宣传部李老师", (world.dut, Role.PROPAGANDA, None))
    finding_acknowledge(finding, by=world.chem_op)
    finding = finding_rectify(
        finding, by=world.chem_op, description="已恢复更新，每周至少两篇", url="https://example.edu/x"
    )
    assert finding.state == FindingState.RECTIFIED and finding.rectified_by == world.chem_op
    with pytest.raises(PermissionDenied):
        finding_verify(finding, by=world.chem_op)
    finding = finding_verify(finding, by=xuan2, note="抽查属实")
    assert finding.state == FindingState.CLOSED and finding.closed_by == xuan2


def test_nobody_verifies_their_own_rectification(world, case):
    _, finding = case
    finding_rectify(finding, by=world.xuan, description="宣传部代为整改")
    with pytest.raises(ComplianceError, match="不能核验本人"):
        finding_verify(finding, by=world.xuan)


def test_rejected_rectification_goes_back(world, case):
    _, finding = case
    finding_rectify(finding, by=world.chem_op, description="已整改")
    with pytest.raises(ComplianceError, match="理由"):
        finding_reject_rectification(finding, by=world.xuan, note=" ")
    finding = finding_reject_rectification(finding, by=world.xuan, note="仍未更新")
    assert finding.state == FindingState.ACKNOWLEDGED


def test_only_the_department_waives_with_a_reason(world, case):
    _, finding = case
    with pytest.raises(PermissionDenied):
        finding_waive(finding, by=world.chem_op, reason="不想整改")
    with pytest.raises(PermissionDenied):
        finding_waive(finding, by=world.yufe_xuan, reason="别的学校")
    with pytest.raises(ComplianceError, match="理由"):
        finding_waive(finding, by=world.xuan, reason="")
    assert finding_waive(finding, by=world.xuan, reason="帐号已并入学院主号").state == FindingState.WAIVED


def test_other_units_cannot_answer(world, case):
    _, finding = case
    with pytest.raises(PermissionDenied):
        finding_acknowledge(finding, by=world.mech_op)


def test_sanction_ladder_and_reinstatement(world, case):
    account, finding = case
    with time_machine.travel(date(2026, 11, 23), tick=False):
        first = sanction_issue(
            account=account,
            level=SanctionLevel.RECTIFY,
            findings=[finding],
            reason="连续未更新",
            by=world.xuan,
        )
        account.refresh_from_db()
        assert account.status == AccountStatus.RECTIFYING
        assert first.article == "" or first.citation.startswith("《大连理工大学新媒体管理办法》")
        assert {a["role"] for a in first.accountable} >= {"direct_responsible"}
        assert first.deadline == date(2026, 12, 7)  # 10 working days
        with pytest.raises(ComplianceError, match="只能升级"):
            sanction_issue(
                account=account, level=SanctionLevel.RECTIFY, findings=[finding], reason="再次", by=world.xuan
            )
        second = sanction_issue(
            account=account,
            level=SanctionLevel.SUSPEND,
            findings=[finding],
            reason="逾期未整改",
            by=world.xuan,
        )
    first = Sanction.objects.get(pk=first.pk)
    account.refresh_from_db()
    assert first.state == SanctionState.ESCALATED and first.escalated_to == second
    assert account.status == AccountStatus.SUSPENDED and second.previous_status == AccountStatus.ACTIVE
    with pytest.raises(ComplianceError, match="尚未核验整改"):
        sanction_lift(second, by=world.xuan, note="恢复")
    finding_rectify(finding, by=world.chem_op, description="已恢复更新")
    finding_verify(finding, by=world.xuan)
    sanction_lift(second, by=world.xuan, note="整改核验通过，恢复运营")
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


def test_cancellation_is_final_and_leaves_the_alliance(world, case):
    account, finding = case
    account.alliance_member = True
    account.save()
    sanction = sanction_issue(
        account=account, level=SanctionLevel.CANCEL, findings=[finding], reason="长期不更新", by=world.xuan
    )
    account.refresh_from_db()
    assert account.status == AccountStatus.CANCELLED and not account.alliance_member
    assert sanction.state == SanctionState.FINAL
    with pytest.raises(ComplianceError):
        sanction_lift(sanction, by=world.xuan, note="恢复")


def test_only_the_department_sanctions(world, case):
    account, finding = case
    with pytest.raises(PermissionDenied):
        sanction_issue(
            account=account, level=SanctionLevel.RECTIFY, findings=[finding], reason="x", by=world.chem_party
        )
