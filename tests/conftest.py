"""A small world of named users, shared by the tests.

DUT: 化工学院 (chem, unit A) and 机械工程学院 (mech, unit B), the departments its pack lists (校团委 …).
- xuan: propaganda officer (党委宣传部)      - it: IT center            - intl: international office
- chem_party: 二级党组织 of 化工学院          - chem_op: operator of 化工学院 (files accounts)
- mech_head: unit head of 机械工程学院         - mech_op: operator of 机械工程学院
- tw_sup: supervisor at 校团委 (youth accounts) - stranger: no role at all
YUFE: yufe_xuan (propaganda), acc_head (unit head of 会计学院), acc_op (operator of 会计学院).
"""

from datetime import date
from types import SimpleNamespace

import pytest
import yaml
from django.contrib.auth import get_user_model

from mediagov.org.models import Institution, Membership, Person, Role, Unit, UnitKind
from mediagov.policy.pack import shipped_pack_path


def pytest_configure(config):
    """Hash test passwords with MD5: the `world` creates a dozen users and PBKDF2 would take seconds."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_pack(code: str) -> Institution:
    try:
        from mediagov.policy.services import policy_load_shipped
    except ImportError:  # pragma: no cover - before the policy service exists
        policy_load_shipped = None
    if policy_load_shipped:
        return policy_load_shipped(code)
    data = yaml.safe_load(shipped_pack_path(code).read_text(encoding="utf-8"))
    data["regulation"]["published"] = str(data["regulation"]["published"])
    inst = Institution.objects.create(
        code=code, name=data["institution"]["name"], short_name=data["institution"]["short_name"], pack=data
    )
    for d in data.get("departments", []):
        Unit.objects.create(institution=inst, code=d["code"], name=d["name"], kind=d["kind"])
    return inst


def make_user(username: str, full_name: str = "", *memberships) -> object:
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    if full_name:
        user.last_name = full_name
        user.save()
    for inst, role, unit in memberships:
        Membership.objects.create(user=user, institution=inst, role=role, unit=unit)
    return user


def person(inst, staff_no, name, unit, on_staff=True, user=None) -> Person:
    return Person.objects.create(
        institution=inst,
        staff_no=staff_no,
        name=name,
        unit=unit,
        on_staff=on_staff,
        phone="0411-8470" + staff_no[-4:],
        email=f"{staff_no}@example.edu.cn",
        user=user,
    )


@pytest.fixture
def world(db):
    dut = load_pack("dut")
    yufe = load_pack("yufe")
    chem = Unit.objects.create(institution=dut, code="chem", name="化工学院", kind=UnitKind.COLLEGE)
    chem_lab = Unit.objects.create(
        institution=dut,
        code="chem-lab",
        name="化工学院精细化工实验室",
        kind=UnitKind.ACADEMIC_CLUB,
        parent=chem,
    )
    mech = Unit.objects.create(institution=dut, code="mech", name="机械工程学院", kind=UnitKind.COLLEGE)
    tw = Unit.objects.get(institution=dut, code="tw")
    acc = Unit.objects.create(institution=yufe, code="acc", name="会计学院", kind=UnitKind.COLLEGE)
    w = SimpleNamespace(dut=dut, yufe=yufe, chem=chem, chem_lab=chem_lab, mech=mech, tw=tw, acc=acc)
    w.xuan = make_user("xuan", "宣传部王老师", (dut, Role.PROPAGANDA, None))
    w.it = make_user("it", "网信中心李工", (dut, Role.IT_CENTER, None))
    w.intl = make_user("intl", "国际处赵老师", (dut, Role.INTL_OFFICE, None))
    w.chem_party = make_user("chem_party", "化工学院党委书记", (dut, Role.UNIT_PARTY, chem))
    w.chem_op = make_user("chem_op", "化工学院小陈", (dut, Role.OPERATOR, chem))
    w.mech_head = make_user(
        "mech_head", "机械学院院长", (dut, Role.UNIT_HEAD, mech), (dut, Role.UNIT_PARTY, mech)
    )
    w.mech_op = make_user("mech_op", "机械学院小刘", (dut, Role.OPERATOR, mech))
    w.tw_sup = make_user("tw_sup", "校团委书记", (dut, Role.SUPERVISOR, tw))
    w.stranger = make_user("stranger", "路人")
    w.yufe_xuan = make_user("yufe_xuan", "云财宣传部", (yufe, Role.PROPAGANDA, None))
    w.acc_head = make_user("acc_head", "会计学院院长", (yufe, Role.UNIT_HEAD, acc))
    w.acc_op = make_user("acc_op", "会计学院小周", (yufe, Role.OPERATOR, acc))
    w.p_chem = person(dut, "10001", "张三", chem, user=w.chem_op)
    w.p_chem_temp = person(dut, "10002", "临时工", chem, on_staff=False)
    w.p_mech = person(dut, "20001", "李四", mech, user=w.mech_op)
    w.p_tw = person(dut, "30001", "团委王五", tw)
    w.p_acc = person(yufe, "Y0001", "周六", acc, user=w.acc_op)
    w.p_acc2 = person(yufe, "Y0002", "会计学院学生助理", acc, on_staff=False)
    return w


@pytest.fixture
def today():
    return date(2026, 3, 10)
