"""The labelled evaluation set (bench/eval/): it loads, precision and recall are counted right, and the name
watch and the screening stay at or above the goal on the whole set (bench/eval_screening.py prints it)."""

import csv
from pathlib import Path

import pytest

from mediagov.screening.evaluation import (
    Score,
    evaluation_setup,
    names_evaluate,
    read_csv,
    snippets_evaluate,
)

EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval"
GOAL = 0.95


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_score_arithmetic():
    s = Score(tp=8, fp=2, fn=1)
    assert (s.precision, round(s.recall, 4)) == (0.8, 0.8889)
    assert not s.met(0.85) and s.met(0.8)
    assert (Score().precision, Score().recall) == (1.0, 1.0)  # nothing flagged, nothing due


def test_the_set_is_large_enough_and_well_formed():
    names, snippets = read_csv(EVAL / "names.csv"), read_csv(EVAL / "snippets.csv")
    assert len(names) >= 300 and len(snippets) >= 300
    verdicts = {r["expected_verdict"] for r in names}
    assert verdicts == {"registered", "unregistered_use", "impersonation", "unrelated"}
    assert {c for r in snippets for c in r["expected_categories"].split(";") if c} == {
        "classified",
        "commercial_ad",
        "typo",
    }


@pytest.mark.django_db
def test_counts_on_a_small_fixture(tmp_path):
    write(tmp_path / "registry.csv", [["institution", "平台", "名称", "帐号ID", "原始ID"],
                                      ["dut", "微博", "大连理工大学化学学院", "1100366465", ""]])  # fmt: skip
    header = ["平台", "名称", "帐号ID", "链接", "简介", "institution", "expected_verdict", "expected_keyword"]

    def name(platform, name, handle, verdict, keyword=""):
        return [platform, name, handle, "", "", "dut", verdict, keyword]

    write(
        tmp_path / "names.csv",
        [
            header,
            name("微博", "大连理工大学化学学院", "1100366465", "registered", "大连理工大学"),  # right
            name("抖音", "大连理工大学化学学院", "fake", "impersonation", "大连理工大学"),  # TP
            name("抖音", "大工树洞", "x", "unregistered_use", "大工"),  # TP
            name("抖音", "大工业时代", "y", "unrelated"),  # right
            # labelled wrong on purpose: the code says unregistered_use → one FP, one FN
            name("抖音", "大工考研", "z", "impersonation", "大工"),
            name("抖音", "星海美食", "w", "unregistered_use"),  # due, not flagged: FN
        ],
    )
    write(
        tmp_path / "snippets.csv",
        [
            ["text", "expected_categories", "case"],
            ["绝*密文件", "classified", ""],  # TP
            ["请勿向他人泄露手机密码。", "", ""],  # right (allowlisted)
            ["希望同学们再接再励，请勿外传", "typo", ""],  # TP typo, FP classified
            ["今天天气很好", "commercial_ad", ""],  # FN
        ],
    )
    institutions = evaluation_setup(tmp_path)
    names = names_evaluate(read_csv(tmp_path / "names.csv"), institutions)
    assert (names.items, names.tp, names.fp, names.fn) == (6, 2, 1, 2)
    assert (names.precision, names.recall) == (2 / 3, 0.5)
    assert [(m.what, m.expected, m.got) for m in names.misses] == [
        ("大工考研", "impersonation", "unregistered_use"),
        ("星海美食", "unregistered_use", "unrelated"),
    ]
    snippets = snippets_evaluate(read_csv(tmp_path / "snippets.csv"), institutions["dut"])
    assert (snippets.items, snippets.tp, snippets.fp, snippets.fn) == (4, 2, 1, 1)
    assert [m.got for m in snippets.misses] == ["classified;typo", ""]


@pytest.mark.django_db
def test_the_whole_set_meets_the_goal():
    institutions = evaluation_setup(EVAL)
    names = names_evaluate(read_csv(EVAL / "names.csv"), institutions)
    snippets = snippets_evaluate(read_csv(EVAL / "snippets.csv"), institutions["dut"])
    assert names.met(GOAL), (names.precision, names.recall, [m.what for m in names.misses])
    assert snippets.met(GOAL), (snippets.precision, snippets.recall, [m.what for m in snippets.misses])
