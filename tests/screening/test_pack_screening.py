"""The pack's `screening:` section: each category tied to an article, checked by the validator."""

import copy

import pytest
import yaml

from mediagov.policy.pack import shipped_pack_path
from mediagov.policy.validate import SCREENING_CATEGORIES, pack_validate


def shipped(code: str) -> dict:
    return yaml.safe_load(shipped_pack_path(code).read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", ["dut", "yufe"])
def test_shipped_packs_cite_an_article_for_every_category(code):
    categories = shipped(code)["screening"]["categories"]
    assert set(categories) == set(SCREENING_CATEGORIES)
    assert all(conf["article"].startswith("第") for conf in categories.values())


def test_unknown_category_and_bad_fields_are_reported_at_their_path():
    data = copy.deepcopy(shipped("dut"))
    cats = data["screening"]["categories"]
    cats["gossip"] = {"article": "第一条"}
    cats["typo"]["severity"] = "huge"
    cats["classified"]["blocks"] = "yes"
    del cats["prohibited"]["article"]
    errors = {e.path: e.message for e in pack_validate(data)}
    assert "筛查类别“gossip”无效" in errors["screening.categories.gossip"]
    assert "screening.categories.typo.severity" in errors
    assert "screening.categories.classified.blocks" in errors
    assert "screening.categories.prohibited.article" in errors


def test_screening_section_is_optional():
    data = copy.deepcopy(shipped("yufe"))
    del data["screening"]
    assert pack_validate(data) == []
