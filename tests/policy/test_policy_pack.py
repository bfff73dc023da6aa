"""PolicyPack accessors on the DUT and YUFE packs as loaded into the database (stored as JSON)."""

from datetime import date
from types import SimpleNamespace

import pytest

from mediagov.org.models import Institution
from mediagov.policy.pack import Deadline, PolicyPack
from mediagov.policy.services import policy_load_shipped


def account(owner_kind: str = "college", **flags) -> SimpleNamespace:
    """What chain_for reads of an account: its owner kind and the flags extra steps depend on."""
    base = {"is_app": False, "data_integration": False, "online_payment": False, "foreign_related": False}
    return SimpleNamespace(owner_kind=owner_kind, **{**base, **flags})


def roles(steps) -> list[str]:
    return [s.role for s in steps]


@pytest.fixture
def dut(db) -> PolicyPack:
    policy_load_shipped("dut")
    return Institution.objects.get(code="dut").policy  # re-read: the JSON form, dates as strings


@pytest.fixture
def yufe(db) -> PolicyPack:
    policy_load_shipped("yufe")
    return Institution.objects.get(code="yufe").policy


def test_identity(dut, yufe):
    assert dut.code == "dut" and yufe.code == "yufe"
    assert dut.title == "大连理工大学新媒体管理办法"
    assert dut.published == date(2017, 9, 1)
    assert yufe.published == date(2019, 3, 1)
    assert dut.cite("第八条") == "《大连理工大学新媒体管理办法》第八条"


def test_dut_college_chain(dut):
    steps = dut.chain_for(account("college"))
    assert roles(steps) == ["unit_party", "propaganda"]
    assert [s.at for s in steps] == ["unit", "institution"]
    assert all(s.article == "第八条" for s in steps)
    # 教学科研类群众组织 are supervised by their own unit (第五条): the default chain.
    assert roles(dut.chain_for(account("academic_club"))) == ["unit_party", "propaganda"]


def test_dut_youth_goes_to_the_youth_league(dut):
    steps = dut.chain_for(account("youth"))
    assert roles(steps) == ["supervisor", "propaganda"]
    assert steps[0].at == "supervisor" and steps[0].label == "校团委意见"
    assert dut.supervisor_code("youth") == "tw"
    assert dut.supervisor_code("college") is None
    assert dut.kinds_supervised_by("tw") == ["youth"]
    assert dut.kinds_supervised_by("zsjyc") == ["admissions"]
    assert dut.kinds_supervised_by("xcb") == []


def test_dut_app_inserts_it_center_before_propaganda(dut):
    assert roles(dut.chain_for(account("college", is_app=True))) == ["unit_party", "it_center", "propaganda"]
    assert roles(dut.chain_for(account("youth", is_app=True))) == ["supervisor", "it_center", "propaganda"]
    # Several reasons for the IT center still make one step; the international office comes on top.
    both = dut.chain_for(account("college", is_app=True, data_integration=True, foreign_related=True))
    assert roles(both) == ["unit_party", "it_center", "intl_office", "propaganda"]
    assert both[1].article == "第四条（二）"


def test_yufe_chain(yufe):
    assert roles(yufe.chain_for(account("college"))) == ["unit_head", "propaganda"]
    assert roles(yufe.chain_for(account("youth"))) == ["unit_head", "propaganda"]
    assert roles(yufe.chain_for(account("college", is_app=True))) == ["unit_head", "it_center", "propaganda"]
    assert roles(yufe.chain_for(account("college", foreign_related=True))) == ["unit_head", "propaganda"]
    assert yufe.kinds_supervised_by("tw") == []


def test_deadlines(dut, yufe):
    assert dut.deadline("change").amount == 3
    assert yufe.deadline("change").amount == 5
    assert dut.deadline("change").article == "第十一条"
    assert dut.deadline("new").label == "开通前须审批通过"
    assert dut.deadline("legacy").label == "办法公布后15个工作日内"
    assert dut.deadline("change").label == "信息变更后3个工作日内"
    assert yufe.deadline("new").label == "创建后5个工作日内"
    assert yufe.deadline("legacy") is None
    assert dut.deadline("cancel") is None
    assert dut.filing_kinds == ["new", "legacy", "change", "cancel"]
    assert yufe.filing_kinds == ["new", "change", "cancel"]


@pytest.mark.parametrize(
    ("amount", "unit", "anchor", "direction", "label"),
    [
        (30, "calendar_days", "opening", "after", "开通后30日内"),  # 安康学院: 开通30天内
        (1, "weeks", "creation", "after", "创建后1周内"),  # 合肥工业大学: 创建一周内
        (7, "working_days", "closure", "after", "关停后7个工作日内"),
        (5, "working_days", "opening", "before", "开通前5个工作日"),
        (0, "working_days", "opening", "before", "开通前须审批通过"),
    ],
)
def test_deadline_labels(amount, unit, anchor, direction, label):
    assert Deadline("new", amount, unit, anchor, direction, "", "").label == label


def test_protected_names(dut, yufe):
    assert dut.protected_keywords_in("大工青年") == ["大工"]
    assert dut.protected_keywords_in("大工匠精神") == []  # 大工匠 is allowlisted
    assert dut.protected_keywords_in("DUT校友") == ["DUT"]
    assert dut.protected_keywords_in("dut校友") == ["DUT"]
    assert dut.protected_keywords_in("大连理工大学化工学院") == ["大连理工大学", "大连理工"]
    assert dut.protected_keywords_in("化工学院") == []
    assert yufe.protected_keywords_in("云财会计") == ["云财"]
    assert yufe.protected_keywords_in("大工青年") == []


def test_quotas_staffing_and_the_rest(dut, yufe):
    assert [q["kind"] for q in dut.quotas] == ["main_account_per_platform", "app_per_category"]
    assert yufe.quotas == []
    assert dut.staffing_rule("direct_responsible_on_staff")["article"] == "第七条"
    assert dut.staffing_rule("verified_admins_on_staff") is None
    assert yufe.staffing_rule("verified_admins_on_staff")["level"] == "error"
    assert dut.form_layout == "dut" and yufe.form_layout == "yufe"
    assert dut.alliance["article"] == "第十七条"
    assert yufe.monthly_report["window"] == {"first_day": 1, "last_day": 5}
    assert dut.monthly_report == {}
    assert [g["article"] for g in yufe.guidance("filing")] == ["第七条", "第十条"]
    assert len(dut.departments) == 8


def test_rules_of():
    pack = PolicyPack(
        {
            "rules": [
                {"kind": "inactivity", "article": "第十二条", "months": 2},
                {"kind": "annual_review", "article": "第七条"},
                {"kind": "inactivity", "article": "第十二条", "per_year": 20},
            ]
        }
    )
    assert [r.get("months", r.get("per_year")) for r in pack.rules_of("inactivity")] == [2, 20]
    assert pack.rules_of("monthly_report") == []
    assert PolicyPack({}).rules_of("inactivity") == []
