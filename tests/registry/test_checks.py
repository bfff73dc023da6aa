"""Checks at submission, each citing its article."""

import pytest

from mediagov.registry import services
from mediagov.registry.models import Filing, FilingKind, ManagerRole
from mediagov.registry.platforms import Platform
from mediagov.registry.services import FilingError

from .factories import file_new, register

pytestmark = pytest.mark.django_db


def submit_error(world, account, user=None) -> FilingError:
    user = user or world.chem_op
    filing = services.filing_create(account=account, kind=FilingKind.NEW, user=user)
    with pytest.raises(FilingError) as exc:
        services.filing_submit(filing=filing, user=user)
    filing = Filing.objects.get(pk=filing.pk)
    assert filing.state == "draft" and filing.checks  # nothing submitted, the findings are kept
    return exc.value


def test_one_main_account_per_unit_per_platform(world):
    register(world, name="化工学院")
    second = register(world, name="化工学院官微二号")
    err = submit_error(world, second)
    assert (
        "主体账户" in err.message and "第八条" in err.article and "大连理工大学新媒体管理办法" in err.article
    )


def test_a_second_account_that_is_not_main_is_allowed(world):
    register(world, name="化工学院")
    second = register(world, name="化工学院研究生会", is_main=False)
    assert file_new(world, second).state == "submitted"


def test_cancelled_accounts_do_not_count_against_the_quota(world):
    first = register(world, name="化工学院")
    first.status = "cancelled"
    first.save()
    assert file_new(world, register(world, name="化工学院新号")).state == "submitted"


def test_one_app_per_category_per_unit(world):
    register(world, name="化工服务", platform=Platform.APP, app_category="service")
    err = submit_error(
        world, register(world, name="化工服务二", platform=Platform.APP, app_category="service")
    )
    assert "服务型" in err.message and "第八条" in err.article
    ok = register(world, name="化工教学", platform=Platform.APP, app_category="education")
    assert file_new(world, ok).state == "submitted"


def test_direct_responsible_must_be_on_staff(world):
    err = submit_error(world, register(world, direct_responsible=world.p_chem_temp))
    assert "临时工" in err.message and "第七条" in err.article


def test_direct_responsible_who_left_the_roster_is_refused(world):
    world.p_chem.on_roster = False
    world.p_chem.save()
    err = submit_error(world, register(world))
    assert "在岗在编" in err.message


def test_direct_responsible_is_required(world):
    err = submit_error(world, register(world, direct_responsible=None))
    assert "直接责任人" in err.message


def test_yufe_verified_account_admins_must_be_on_staff(world):
    managers = [
        {"role": ManagerRole.ADMIN, "person": world.p_acc.pk},
        {"role": ManagerRole.ADMIN, "name": "学生助理", "person": world.p_acc2.pk},
    ]
    account = register(
        world,
        inst=world.yufe,
        unit=world.acc,
        name="会计学院",
        user=world.acc_op,
        verified=True,
        managers=managers,
    )
    err = submit_error(world, account, user=world.acc_op)
    assert "学生助理" in err.message and "第八条" in err.article and "云南财经大学" in err.article


def test_yufe_unverified_account_may_have_student_admins(world):
    managers = [{"role": ManagerRole.ADMIN, "name": "学生助理", "person": world.p_acc2.pk}]
    account = register(
        world,
        inst=world.yufe,
        unit=world.acc,
        name="会计学院",
        user=world.acc_op,
        verified=False,
        managers=managers,
    )
    assert file_new(world, account, user=world.acc_op).state == "submitted"


def test_online_payment_needs_the_approving_department(world):
    err = submit_error(world, register(world, online_payment=True))
    assert "在线支付" in err.message and "第十五条（三）" in err.article
    ok = register(
        world, name="化工学院缴费", is_main=False, online_payment=True, payment_approved_by="财务处"
    )
    assert file_new(world, ok).state == "submitted"


def test_protected_name_is_flagged_and_needs_unit_and_department_approval(world):
    filing = file_new(world, register(world, name="大工化工"))
    note = next(c for c in filing.checks if c["code"] == "name.protected")
    assert "大工" in note["message"] and note["article"] == "第九条"
    roles = [s.role for s in filing.current_steps()]
    assert "unit_party" in roles and "propaganda" in roles


def test_protected_name_requirement_adds_a_missing_step(world):
    # A youth account's chain is 校团委 → 宣传部; 第九条 also requires the unit's approval.
    filing = file_new(world, register(world, name="大连理工化工学生会", owner_kind="youth"))
    roles = [s.role for s in filing.current_steps()]
    assert roles == ["supervisor", "unit_party", "propaganda"]


def test_allowlisted_phrase_is_not_a_protected_name(world):
    filing = file_new(world, register(world, name="化工大工匠精神"))
    assert not [c for c in filing.checks if c["code"] == "name.protected"]
