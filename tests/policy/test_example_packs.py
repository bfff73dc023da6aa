"""The example packs (hfut, sbs, dlou, whut): valid, loadable by path, and saying what their regulations say."""

import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from mediagov.core.errors import DomainError
from mediagov.dashboard.demo import SPECS
from mediagov.org.models import Institution, Unit, UnitKind
from mediagov.policy.pack import PACKS_DIR, PolicyPack, shipped_pack_path
from mediagov.policy.services import (
    example_pack_codes,
    policy_apply,
    policy_load,
    policy_load_shipped,
    shipped_pack_codes,
)
from mediagov.policy.validate import QUOTA_KINDS, RULE_KINDS, STAFFING_KINDS, pack_parse

EXAMPLES = ["dlou", "hfut", "sbs", "whut"]
ALL_OWNER_KINDS = list(UnitKind.values)
DOC = Path(__file__).resolve().parents[2] / "docs" / "policy-packs.md"


def text_of(code: str) -> str:
    return shipped_pack_path(code).read_text(encoding="utf-8")


def parsed(code: str) -> dict:
    data, errors = pack_parse(text_of(code))
    assert errors == []
    return data


@pytest.fixture
def loaded(db):
    """code -> PolicyPack as stored by policy_load (dates as ISO strings)."""
    return {code: policy_load(text=text_of(code), source=f"{code}.yaml").policy for code in EXAMPLES}


def rules(pack: PolicyPack) -> dict:
    return {spec.id: spec for spec in pack.compliance_rules()}


def summary(pack: PolicyPack) -> list[tuple]:
    return [(spec.id, spec.kind, spec.params) for spec in pack.compliance_rules()]


def chain(pack: PolicyPack, owner_kind: str) -> list[tuple[str, str]]:
    account = SimpleNamespace(owner_kind=owner_kind)
    return [(s.role, s.at) for s in pack.chain_for(account)]


# ---------------------------------------------------------------- files, validation, listing
@pytest.mark.parametrize("code", sorted(p.stem for p in PACKS_DIR.glob("*.yaml")))
def test_every_pack_in_the_directory_is_valid_and_named_after_its_code(code):
    data = parsed(code)
    assert data["institution"]["code"] == code


@pytest.mark.parametrize("code", EXAMPLES)
def test_example_pack_is_marked_and_names_its_sources(code):
    text = text_of(code)
    data = parsed(code)
    assert data["example"] is True
    head = text.split("pack_version:")[0]
    assert "http" in head and "NOT retrieved" in head  # sources and what is absent, in the top comment
    for spec in PolicyPack(data).compliance_rules():
        assert spec.article, spec.id
        assert re.fullmatch(rf"{code}-[a-z0-9-]+", spec.id), spec.id  # every rule has its own id


def test_cli_validate_exits_0_for_each_example_pack():
    for code in EXAMPLES:
        done = subprocess.run(
            [sys.executable, "-m", "mediagov", "policy", "validate", str(shipped_pack_path(code))],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "校验通过" in done.stdout


def test_examples_are_not_shipped_packs(db):
    assert shipped_pack_codes() == ["dut", "yufe"]
    assert example_pack_codes() == EXAMPLES
    assert {spec.code for spec in SPECS} == {"dut", "yufe"}  # the demo loads only the shipped packs
    with pytest.raises(DomainError, match="whut 是示例政策包.*mediagov policy load .*whut.yaml"):
        policy_load_shipped("whut")
    assert Institution.objects.count() == 0


# ---------------------------------------------------------------- loading
@pytest.mark.parametrize(
    "code, name, departments, published",
    [
        ("hfut", "合肥工业大学", {"xcb"}, date(2015, 5, 5)),
        ("sbs", "上海商学院", {"xcb"}, date(2014, 1, 1)),
        ("dlou", "大连海洋大学", {"xctzb"}, date(2015, 1, 1)),
        ("whut", "武汉理工大学", {"xcb", "tw"}, date(2016, 1, 1)),
    ],
)
def test_load_creates_the_institution_and_its_departments(db, code, name, departments, published):
    result = policy_apply(text=text_of(code), source=f"{code}.yaml")
    inst = Institution.objects.get(code=code)
    assert result.created and inst.name == name and inst.regulation_published == published
    assert set(result.units_created) == departments
    assert set(Unit.objects.filter(institution=inst).values_list("code", flat=True)) == departments
    assert inst.pack["example"] is True
    again = policy_apply(text=text_of(code), source=f"{code}.yaml")
    assert not again.created and not again.pack_changed and set(again.units_unchanged) == departments


def test_examples_load_beside_the_shipped_packs(db):
    dut = policy_load_shipped("dut")
    for code in EXAMPLES:
        policy_load(text=text_of(code))
    assert sorted(Institution.objects.values_list("code", flat=True)) == [
        "dlou",
        "dut",
        "hfut",
        "sbs",
        "whut",
    ]
    assert Unit.objects.filter(institution=dut).count() == 8  # the shipped institution is untouched
    assert Unit.objects.get(institution__code="whut", code="tw").name == "校团委"


# ---------------------------------------------------------------- what each pack says
def test_hfut(loaded):
    pack = loaded["hfut"]
    assert pack.filing_kinds == ["new", "change", "cancel"]
    new, change = pack.deadline("new"), pack.deadline("change")
    assert (new.amount, new.unit, new.anchor, new.direction) == (1, "weeks", "creation", "after")
    assert (change.amount, change.unit, change.anchor) == (1, "weeks", "change")  # 一周内
    assert change.label == "信息变更后1周内"
    assert chain(pack, "college") == [("unit_head", "unit"), ("propaganda", "institution")]
    assert pack.protected_keywords_in("合工大青年") == ["合工大"]
    assert pack.protected_keywords_in("HFUT学生会") == ["HFUT"]
    annual = {"year": 2021, "first": "2021-10-27", "last": "2021-11-15"}
    assert summary(pack) == [
        ("hfut-5-filing", "filing_deadline", {"filing": "new"}),
        ("hfut-5-change", "filing_deadline", {"filing": "change"}),
        ("hfut-teacher-guidance", "guiding_teacher_for_student_accounts", {"owner_kinds": ALL_OWNER_KINDS}),
        ("hfut-operator-left", "admins_on_roster", {}),
        ("hfut-5-prior-application", "prior_approval", {"requires": "submitted"}),
        ("hfut-5-unfiled", "unfiled_account", {"within": {"amount": 1, "unit": "weeks"}, "from": "creation"}),
        ("hfut-inactive-month", "inactivity_months", {"months": 1}),
        (
            "hfut-annual-review",
            "report_window",
            {
                "cadence": "annual",
                "windows": [{"year": 2020, "first": "2020-12-18", "last": "2020-12-30"}, annual],
            },
        ),
    ]
    by_id = rules(pack)
    # 近一个月内无更新 / 无在职教师指导审核 / 运营人员离校未交接 → 须在7个工作日内注销
    for rid in ("hfut-inactive-month", "hfut-teacher-guidance", "hfut-operator-left"):
        spec = by_id[rid]
        assert spec.rectify == {"amount": 7, "unit": "working_days"}
        assert spec.action.startswith("注销") and spec.severity == "high"
    assert by_id["hfut-annual-review"].severity == "medium"
    assert pack.reminders["before"] == [3, 1]  # no reminders section: the defaults


def test_sbs(loaded):
    pack = loaded["sbs"]
    new, change = pack.deadline("new"), pack.deadline("change")
    assert (new.amount, new.unit, new.anchor) == (7, "calendar_days", "creation")  # 创建7日内
    assert (change.amount, change.unit, change.anchor) == (7, "calendar_days", "change")
    assert new.label == "创建后7日内"
    assert chain(pack, "college") == [("unit_head", "unit"), ("propaganda", "institution")]
    assert chain(pack, "youth") == chain(pack, "college")
    assert summary(pack) == [
        ("sbs-5-filing", "filing_deadline", {"filing": "new"}),
        ("sbs-5-change", "filing_deadline", {"filing": "change"}),
        (
            "sbs-5-unfiled",
            "unfiled_account",
            {"within": {"amount": 7, "unit": "calendar_days"}, "from": "creation"},
        ),
    ]
    assert pack.protected_names == {}


def test_dlou(loaded):
    pack = loaded["dlou"]
    assert pack.filing_kinds == ["new", "cancel"]  # the change rule was not retrieved
    assert pack.deadline("change") is None
    new = pack.deadline("new")
    assert (new.amount, new.unit, new.anchor, new.direction) == (3, "working_days", "creation", "after")
    # 第四条 units: 宣传统战部 审核; 第五条 student organisations: their own unit first, then 宣传统战部.
    assert chain(pack, "college") == [("propaganda", "institution")]
    assert chain(pack, "youth") == [("unit_head", "unit"), ("propaganda", "institution")]
    assert summary(pack) == [
        ("dlou-6-filing", "filing_deadline", {"filing": "new"}),
        ("dlou-4-prior-approval", "prior_approval", {"requires": "approved"}),
        (
            "dlou-6-unfiled",
            "unfiled_account",
            {"within": {"amount": 3, "unit": "working_days"}, "from": "creation"},
        ),
    ]
    assert rules(pack)["dlou-4-prior-approval"].article == "第四条"


def test_whut(loaded):
    pack = loaded["whut"]
    new, change = pack.deadline("new"), pack.deadline("change")
    assert (new.amount, new.anchor, new.direction) == (0, "creation", "before")
    assert new.label == "创建前须审批通过"
    assert (change.amount, change.unit, change.anchor) == (3, "working_days", "change")  # 三个工作日
    assert chain(pack, "college") == [("unit_head", "unit"), ("propaganda", "institution")]
    # Student organisations: the home (guiding) unit approves, then they file with 校团委.
    assert chain(pack, "youth") == [("unit_head", "unit"), ("supervisor", "supervisor")]
    assert pack.supervisor_code("youth") == "tw" and pack.kinds_supervised_by("tw") == ["youth"]
    assert summary(pack) == [
        ("whut-approval", "filing_deadline", {"filing": "new"}),
        ("whut-change", "filing_deadline", {"filing": "change"}),
        ("whut-guiding-teacher", "guiding_teacher_for_student_accounts", {}),
        (
            "whut-unfiled",
            "unfiled_account",
            {"within": {"amount": 0, "unit": "working_days"}, "from": "creation"},
        ),
        ("whut-annual-review", "report_window", {"cadence": "annual", "windows": []}),
    ]
    assert "取消认证资格" in rules(pack)["whut-annual-review"].action


# ---------------------------------------------------------------- every kind is known, and the doc agrees
@pytest.mark.parametrize("code", ["dut", "yufe", *EXAMPLES])
def test_packs_use_only_catalogue_kinds(code):
    known = {"filing_deadline", *QUOTA_KINDS, *STAFFING_KINDS, *RULE_KINDS}
    kinds = {spec.kind for spec in PolicyPack(parsed(code)).compliance_rules()}
    assert kinds <= known


def test_doc_table_of_kinds_per_pack_matches_the_packs():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("### Which pack uses which kind", 1)[1].split("\n\n", 2)[1]
    lines = [line for line in table.splitlines() if line.startswith("| `")]
    header = [c.strip() for c in table.splitlines()[0].strip("|").split("|")]
    codes = header[1:]
    assert codes == ["dut", "yufe", "hfut", "sbs", "dlou", "whut"]
    documented: dict[str, set[str]] = {code: set() for code in codes}
    filings: dict[str, str] = {}
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        kind = cells[0].split()[0].strip("`")  # `reminders:` section -> reminders:
        if kind == "filing_deadline":
            filings = dict(zip(codes, cells[1:], strict=True))
        for code, cell in zip(codes, cells[1:], strict=True):
            if cell:
                documented[code].add(kind)
    assert {c.split()[0].strip("`") for c in (line.strip("| ") for line in lines)} >= {
        "filing_deadline",
        *QUOTA_KINDS,
        *STAFFING_KINDS,
        *RULE_KINDS,
    }  # every kind of the catalogue has a row
    for code in codes:
        pack = PolicyPack(parsed(code))
        assert documented[code] - {"reminders:"} == {s.kind for s in pack.compliance_rules()}, code
        deadlines = [s.params["filing"] for s in pack.compliance_rules() if s.kind == "filing_deadline"]
        assert filings[code] == ", ".join(deadlines), code
        assert ("reminders:" in documented[code]) == ("reminders" in pack.data), code
