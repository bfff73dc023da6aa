"""policy_load: creates, then updates idempotently; an invalid pack or a failure writes nothing."""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mediagov.core.errors import DomainError
from mediagov.core.models import ActionLog
from mediagov.org.models import Institution, Unit, UnitKind
from mediagov.policy import services
from mediagov.policy.pack import shipped_pack_path
from mediagov.policy.services import (
    PackInvalidError,
    pack_sha256,
    policy_apply,
    policy_load,
    policy_load_shipped,
    shipped_pack_codes,
)

pytestmark = pytest.mark.django_db

DUT_TEXT = shipped_pack_path("dut").read_text(encoding="utf-8")


def dut_units() -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(institution__code="dut")}


def test_shipped_pack_codes():
    codes = shipped_pack_codes()
    assert {"dut", "yufe"} <= set(codes)
    assert codes == sorted(codes)


def test_load_creates_institution_and_departments():
    user = get_user_model().objects.create_user(username="admin")
    inst = policy_load(text=DUT_TEXT, source="dut.yaml", user=user)
    inst.refresh_from_db()
    assert (inst.code, inst.name, inst.short_name) == ("dut", "大连理工大学", "大工")
    assert inst.regulation_title == "大连理工大学新媒体管理办法"
    assert inst.regulation_published == date(2017, 9, 1)
    assert inst.pack_sha256 == pack_sha256(DUT_TEXT) and len(inst.pack_sha256) == 64
    assert inst.pack_loaded_at is not None
    assert inst.pack["regulation"]["published"] == "2017-09-01"  # stored as JSON
    json.dumps(inst.pack)
    assert inst.policy.deadline("legacy").amount == 15
    units = dut_units()
    assert set(units) == {"xcb", "wxzx", "gjc", "zsjyc", "tw", "xygzc", "tzb", "gh"}
    assert units["tw"].name == "校团委" and units["tw"].kind == UnitKind.COLLEGE
    assert all(u.parent_id is None and u.path == f"/{u.pk}/" for u in units.values())
    (log,) = ActionLog.objects.filter(action="policy.loaded")
    assert log.obj == inst and log.institution == inst and log.user == user
    assert log.data == {"sha256": inst.pack_sha256, "source": "dut.yaml"}


def test_loading_again_is_idempotent():
    first = policy_apply(text=DUT_TEXT)
    second = policy_apply(text=DUT_TEXT)
    assert first.created and first.pack_changed and len(first.units_created) == 8
    assert not second.created and not second.pack_changed
    assert second.institution.pk == first.institution.pk
    assert second.units_created == [] and second.units_updated == [] and len(second.units_unchanged) == 8
    assert Institution.objects.count() == 1
    assert Unit.objects.count() == 8
    assert ActionLog.objects.filter(action="policy.loaded").count() == 2  # every load is recorded


def test_update_changes_names_adds_departments_and_keeps_the_tree():
    policy_load_shipped("dut")
    units = dut_units()
    college = Unit.objects.create(institution=units["tw"].institution, code="chem", name="化工学院")
    units["gh"].parent = college  # someone placed 校工会 under another unit; a reload must not move it
    units["gh"].save()
    text = (
        DUT_TEXT.replace("name: 大连理工大学\n", "name: 大连理工大学（新）\n")
        .replace(
            "{code: tw, name: 校团委, kind: college}",
            "{code: tw, name: 共青团大连理工大学委员会, kind: youth}",
        )
        .replace(
            "  - {code: gh, name: 校工会, kind: college}\n",
            "  - {code: gh, name: 校工会, kind: college}\n  - {code: xsc, name: 学生工作处, kind: college}\n",
        )
    )
    result = policy_apply(text=text, source="edited")
    assert not result.created and result.pack_changed
    assert result.units_created == ["xsc"]
    assert result.units_updated == ["tw"]
    inst = Institution.objects.get(code="dut")
    assert inst.name == "大连理工大学（新）"
    assert inst.pack_sha256 == pack_sha256(text)
    units = dut_units()
    assert len(units) == 10  # 8 + xsc + chem, no duplicates
    assert (units["tw"].name, units["tw"].kind) == ("共青团大连理工大学委员会", UnitKind.YOUTH)
    assert units["gh"].parent_id == college.pk
    assert units["xsc"].parent_id is None


def test_invalid_pack_writes_nothing_and_lists_every_error():
    text = DUT_TEXT.replace(
        "{code: tw, name: 校团委, kind: college}", "{code: tw, name: 校团委, kind: office}"
    )
    text = text.replace("{amount: 3, unit: working_days", "{amount: 3, unit: days")
    with pytest.raises(DomainError) as info:
        policy_load(text=text, source="bad.yaml")
    assert isinstance(info.value, PackInvalidError)
    assert {e.path for e in info.value.errors} == {"departments[4].kind", "deadlines.change.unit"}
    assert "departments[4].kind: " in info.value.message
    assert "deadlines.change.unit: " in info.value.message
    assert "bad.yaml" in info.value.message
    assert Institution.objects.count() == 0
    assert Unit.objects.count() == 0
    assert ActionLog.objects.count() == 0


def test_invalid_update_keeps_the_loaded_pack():
    inst = policy_load_shipped("dut")
    with pytest.raises(PackInvalidError):
        policy_load(
            text=DUT_TEXT.replace("pack_version: 1", "pack_version: 2").replace("name: 校团委", "name: X")
        )
    inst.refresh_from_db()
    assert inst.pack_sha256 == pack_sha256(DUT_TEXT)
    assert dut_units()["tw"].name == "校团委"


def test_yaml_error_is_a_domain_error():
    with pytest.raises(DomainError, match="line 2"):
        policy_load(text="pack_version: 1\ninstitution: code: dut\n")
    assert Institution.objects.count() == 0


def test_failure_while_writing_rolls_everything_back(monkeypatch):
    def broken_log(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "log_action", broken_log)
    with pytest.raises(RuntimeError):
        policy_load_shipped("dut")
    assert Institution.objects.count() == 0
    assert Unit.objects.count() == 0


def test_failure_while_updating_keeps_the_old_state(monkeypatch):
    policy_load_shipped("dut")
    before = Institution.objects.get(code="dut")
    monkeypatch.setattr(services, "log_action", lambda *a, **k: 1 / 0)
    edited = DUT_TEXT.replace("name: 大连理工大学\n", "name: 改名\n").replace("name: 校团委,", "name: 团委,")
    with pytest.raises(ZeroDivisionError):
        policy_load(text=edited)
    after = Institution.objects.get(code="dut")
    assert (after.name, after.pack_sha256, after.pack_loaded_at) == (
        before.name,
        before.pack_sha256,
        before.pack_loaded_at,
    )
    assert dut_units()["tw"].name == "校团委"


def test_shipped_loads_both_institutions():
    dut = policy_load_shipped("dut")
    yufe = policy_load_shipped("yufe")
    assert (dut.code, yufe.code) == ("dut", "yufe")
    assert set(Unit.objects.filter(institution=yufe).values_list("code", flat=True)) == {"xcb", "xxzx"}
    log = ActionLog.objects.filter(action="policy.loaded", institution=yufe).get()
    assert log.data["source"] == "shipped:yufe"


@pytest.mark.parametrize("code", ["whut", "../packs/dut", "", "DUT"])
def test_unknown_shipped_pack(code):
    with pytest.raises(DomainError, match="内置政策包"):
        policy_load_shipped(code)
    assert Institution.objects.count() == 0
