"""docs/regulation-coverage.md covers every article of both regulations and cites only what exists.

No database: the packs are read from their YAML files (`pack_parse` + `PolicyPack`).
"""

import re
from functools import cache
from pathlib import Path

import pytest

from mediagov.policy.pack import PolicyPack, shipped_pack_path
from mediagov.policy.validate import pack_parse

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "regulation-coverage.md"
ARTICLES = {"dut": 22, "yufe": 20}  # DUT 第一条–第二十二条, YUFE 第一条–第二十条
SUB_ITEMS = {
    "dut": ["第四条（一）", "第四条（二）", "第四条（三）"] + [f"第十五条（{n}）" for n in "一二三四"],
    "yufe": [],
}
ANNEXES = {"dut": ["附件"], "yufe": ["附表1", "附表2"]}
DIGITS = dict(zip("一二三四五六七八九", range(1, 10), strict=True))
ARTICLE = re.compile(r"第([一二三四五六七八九十]+)条")
TEST_REF = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
RULE_ID = re.compile(r"(?:deadline|quota|staff)\.[a-z_]+|(?:dut|yufe)-[a-z0-9-]+")
GUIDANCE = re.compile(r"Guidance(?: only)? \(((?:`\w+`(?:, )?)+)\)")


def number(chinese: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 二十二 → 22."""
    if "十" not in chinese:
        return DIGITS[chinese]
    tens, _, units = chinese.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0)


@cache
def pack(code: str) -> PolicyPack:
    data, errors = pack_parse(shipped_pack_path(code).read_text(encoding="utf-8"))
    assert errors == [], errors
    return PolicyPack(data)


def rule_ids(code: str) -> set[str]:
    return {spec.id for spec in pack(code).compliance_rules()}


@cache
def rows() -> dict[str, list[list[str]]]:
    """The table rows of each regulation's section (`## DUT …`, `## YUFE …`), as lists of cells."""
    out: dict[str, list[list[str]]] = {"dut": [], "yufe": []}
    section = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = "dut" if "DUT" in line else "yufe" if "YUFE" in line else None
            continue
        if section is None or not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "article" or set(cells[0]) <= set("-: "):
            continue  # header and separator
        out[section].append(cells)
    return out


@pytest.mark.parametrize("code", ["dut", "yufe"])
def test_one_row_for_every_article(code):
    table = rows()[code]
    assert table, f"no table for {code}"
    found = set()
    for cells in table:
        assert len(cells) == 4, cells
        numbers = ARTICLE.findall(cells[0])
        assert len(numbers) <= 1, f"one row per article, not a range: {cells[0]}"
        assert not re.search(r"[–—~至]", cells[0]), f"one row per article, not a range: {cells[0]}"
        found.update(number(n) for n in numbers)
    assert found == set(range(1, ARTICLES[code] + 1))
    labels = [cells[0] for cells in table]
    for item in SUB_ITEMS[code]:
        assert item in labels, f"{item} needs its own row"
    for annex in ANNEXES[code]:
        assert any(label.startswith(annex) for label in labels), f"no row for {annex}"


@pytest.mark.parametrize("code", ["dut", "yufe"])
def test_every_row_says_what_it_requires_and_how_it_is_implemented(code):
    for article, requires, how, _tests in rows()[code]:
        assert requires and requires != "—", article
        assert how and how != "—", article


def test_cited_tests_exist():
    refs = TEST_REF.findall(DOC.read_text(encoding="utf-8"))
    assert len(refs) > 40
    for path, name in set(refs):
        file = ROOT / path
        assert file.is_file(), path
        assert re.search(rf"^\s*(?:async\s+)?def {name}\(", file.read_text(encoding="utf-8"), re.M), (
            f"{path}::{name} does not exist"
        )


@pytest.mark.parametrize("code", ["dut", "yufe"])
def test_cited_rule_ids_exist_and_every_rule_is_cited(code):
    cited = set()
    for cells in rows()[code]:
        for token in re.findall(r"`([^`]+)`", " | ".join(cells)):
            if RULE_ID.fullmatch(token):
                cited.add(token)
    other = "yufe" if code == "dut" else "dut"
    assert not {t for t in cited if t.startswith(f"{other}-")}, f"{other} rule cited under {code}"
    assert cited - rule_ids(code) == set(), f"not rules of {code}.yaml"
    assert rule_ids(code) - cited == set(), f"rules of {code}.yaml missing from the page"


@pytest.mark.parametrize("code", ["dut", "yufe"])
def test_cited_guidance_is_in_the_pack(code):
    """`Guidance (where)` in a row means the pack shows that article's guidance there."""
    guidance = {(g["article"], g["where"]) for g in pack(code).data.get("guidance", [])}
    for article, _requires, how, _tests in rows()[code]:
        cited = GUIDANCE.findall(how)
        if how.startswith("Guidance only"):
            assert cited, f"{article}: say where the guidance is shown"
        for where in (w for group in cited for w in re.findall(r"`(\w+)`", group)):
            assert (article, where) in guidance, f"{code}.yaml has no guidance {article} for {where}"
