"""The normaliser: every fold, and the map from normalised offsets back to the original text."""

import pytest

from mediagov.screening.normalize import MAX_INTERFERENCE, fold_text, normalize, normalize_term


def back(text: str) -> list[int]:
    n = normalize(text)
    return [n.orig_start(i) for i in range(len(n.text))]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＤＵＴ", "dut"),  # full width and case
        ("ＱＱ：１２３", "qq:123"),
        ("大連理工大學", "大连理工大学"),  # traditional → simplified
        ("①②③", "123"),  # circled numbers
        ("⑵", "2"),  # parenthesised numbers
        ("㈢", "三"),  # parenthesised ideographs
        ("Ⓕ", "f"),  # circled letters
        ("⒈", "1"),  # numbers with a full stop
    ],
)
def test_folds(text, folded):
    assert normalize(text).text == folded


def test_one_for_one_folds_keep_every_offset():
    text = "大連ＤＵＴ①"
    n = normalize(text)
    assert n.text == "大连dut1"
    assert back(text) == [0, 1, 2, 3, 4, 5]


def test_expanding_fold_maps_both_characters_to_the_original_one():
    n = normalize("第⑩条")
    assert n.text == "第10条"
    assert back("第⑩条") == [0, 1, 1, 2]
    assert n.span(1, 3) == (1, 2)
    assert fold_text("第⑩条")[1] == [0, 1, 1, 2]


@pytest.mark.parametrize("noise", ["*", " ", "　", ".", "·", "\u200b", "_", "★", "*-*"])
def test_interference_between_chinese_characters_is_skipped(noise):
    text = f"敏{noise}感"
    n = normalize(text)
    assert n.text == "敏感"
    assert n.span(0, 2) == (0, len(text))


def test_interference_is_bounded():
    within = "法" + "*" * MAX_INTERFERENCE + "轮"
    beyond = "法" + "*" * (MAX_INTERFERENCE + 1) + "轮"
    assert normalize(within).text == "法轮"
    assert normalize(beyond).text == beyond


@pytest.mark.parametrize("stop", ["。", "！", "？", "；", "!", "?", ";", "\n"])
def test_interference_never_crosses_sentence_punctuation(stop):
    for text in (f"大{stop}工", f"大 {stop} 工", f"大*{stop}*工"):
        n = normalize(text)
        assert "大工" not in n.text
        assert len(n.text) == len(text)  # noise beside punctuation is not between two characters


def test_commas_are_not_interference():
    assert normalize("大，工").text == "大,工"


def test_latin_words_keep_their_spaces_but_lose_symbol_noise():
    assert normalize("dut news").text == "dut news"
    assert normalize("D*U*T").text == "dut"
    assert normalize("3.14").text == "3.14"


def test_repeated_characters_collapse_and_map_back():
    text = "法法法轮轮功"
    n = normalize(text)
    assert n.text == "法轮功"
    assert back(text) == [0, 3, 5]
    assert n.span(0, 2) == (0, 5)  # the end covers the collapsed repeats of 轮


def test_digits_are_not_collapsed():
    assert normalize("13800138000").text == "13800138000"


def test_all_passes_together():
    text = "法 法 * 輪輪 功"
    n = normalize(text)
    assert n.text == "法轮功"
    assert n.span(0, 3) == (0, len(text))


def test_terms_are_normalised_like_texts():
    assert normalize_term(" 大連理工 ") == "大连理工"
    assert normalize_term("ＤＵＴ") == "dut"
