"""The pack's `screening.review` section: validated with paths and Chinese messages; read by PolicyPack."""

import copy

import yaml

from mediagov.policy.pack import DEFAULT_REVIEW, PolicyPack, shipped_pack_path
from mediagov.policy.validate import pack_validate


def dut() -> dict:
    return copy.deepcopy(yaml.safe_load(shipped_pack_path("dut").read_text(encoding="utf-8")))


def errors_of(data) -> dict[str, str]:
    return {e.path: e.message for e in pack_validate(data)}


def test_every_level_of_the_shipped_packs_cites_an_article():
    for code in ("dut", "yufe"):
        review = PolicyPack(yaml.safe_load(shipped_pack_path(code).read_text(encoding="utf-8"))).review
        assert review["school_units"] and review["article"]
        for chain in review["levels"].values():
            assert all(level["article"].startswith("第") for level in chain)
        assert review["levels"]["school"][-1]["roles"] == ["propaganda"]


def test_a_school_chain_needs_school_units_and_they_must_be_departments():
    data = dut()
    del data["screening"]["review"]["school_units"]
    assert "levels.school" in errors_of(data)["screening.review.school_units"]
    data = dut()
    data["screening"]["review"]["school_units"] = ["xcb", "nowhere"]
    assert errors_of(data) == {"screening.review.school_units[1]": "单位代码“nowhere”未在 departments 中列出"}


def test_bad_levels_are_reported_at_their_path():
    data = dut()
    levels = data["screening"]["review"]["levels"]
    levels["school"] = [
        {"roles": ["propaganda", "unit_head"], "at": "unit", "label": "终审", "article": "第四条"}
    ]
    levels["youth"] = [{"roles": ["boss"], "at": "unit", "label": "初审", "article": "第七条"}]
    del levels["default"]
    errors = errors_of(data)
    assert "只能单独组成一级" in errors["screening.review.levels.school[0].roles"]
    assert "boss" in errors["screening.review.levels.youth[0].roles[0]"]
    assert "缺少必填项" in errors["screening.review.levels.default"]


def test_a_pack_without_the_section_gets_two_levels_inside_the_unit():
    data = dut()
    del data["screening"]["review"]
    assert pack_validate(data) == []
    pack = PolicyPack(data)
    assert pack.review is DEFAULT_REVIEW
    assert [lv["roles"] for lv in pack.review["levels"]["default"]] == [
        ["responsible", "unit_head"],
        ["unit_head", "unit_party"],
    ]
