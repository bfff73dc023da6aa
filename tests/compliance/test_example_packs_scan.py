"""The four example packs (hfut, sbs, dlou, whut) scan: the catalogue is general, not DUT- or YUFE-shaped."""

from datetime import date

import pytest
import time_machine

from mediagov.compliance.services import scan_compute, scan_run
from mediagov.org.models import Person, Unit, UnitKind
from mediagov.policy.pack import shipped_pack_path
from mediagov.policy.services import policy_load
from mediagov.registry.models import AccountManager, AccountStatus, ManagerRole, MediaAccount

from .builders import post

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def institution_with_quiet_account(code: str):
    """Load the pack; one college with an active WeChat account that last posted on 1 September 2026."""
    inst = policy_load(text=shipped_pack_path(code).read_text(encoding="utf-8"), source=f"{code}.yaml")
    unit = Unit.objects.create(institution=inst, code="college", name="某学院", kind=UnitKind.COLLEGE)
    teacher = Person.objects.create(institution=inst, staff_no="T1", name="指导老师", unit=unit)
    account = MediaAccount.objects.create(
        institution=inst,
        name="某学院官微",
        owner="某学院",
        owner_kind=UnitKind.COLLEGE,
        responsible_unit=unit,
        platform="wechat",
        platform_id="gh_example",
        created_on=date(2025, 3, 1),
        status=AccountStatus.ACTIVE,
        direct_responsible=teacher,
        guiding_teacher=teacher,
    )
    AccountManager.objects.create(account=account, role=ManagerRole.ADMIN, name="指导老师", person=teacher)
    post(account, date(2026, 9, 1))
    return inst, account, teacher


@pytest.mark.parametrize("code", ["hfut", "sbs", "dlou", "whut"])
def test_example_pack_scans_without_errors(code):
    with time_machine.travel(TODAY, tick=False):
        inst, account, _ = institution_with_quiet_account(code)
        outcome = scan_run(inst, as_of=TODAY)
    assert outcome.errors == []
    assert outcome.persisted and outcome.scan.rules == len(inst.policy.compliance_rules())
    for draft in outcome.drafts:
        assert draft.article and draft.action and draft.due is not None


def test_hfut_one_month_without_update_is_cancelled_within_seven_working_days():
    with time_machine.travel(TODAY, tick=False):
        inst, account, _ = institution_with_quiet_account("hfut")
        outcome = scan_compute(inst, as_of=TODAY)
    inactive = [d for d in outcome.drafts if d.kind == "inactivity_months"]
    assert len(inactive) == 1 and inactive[0].evidence["empty_months"] == ["2026-10"]
    assert "注销" in inactive[0].action
    assert inactive[0].due == date(2026, 12, 1)  # 7 working days after 22 November


def test_hfut_operator_who_left_without_hand_over():
    with time_machine.travel(TODAY, tick=False):
        inst, account, teacher = institution_with_quiet_account("hfut")
        teacher.on_roster = False
        teacher.save()
        kinds = {d.kind for d in scan_compute(inst, as_of=TODAY).drafts}
    assert {"admins_on_roster", "guiding_teacher_for_student_accounts"} <= kinds
