"""The fast screening path gives exactly the hits of the reference path (normalise all, match, map back).

Random texts and lexicons with a fixed seed, built from the evasions the normaliser undoes (traditional
characters, full width, case, ①⑩㈢, interference characters, repeats, sentence punctuation, Latin terms,
allowlists, ad signals), compared hit for hit; chunk boundaries and streamed input included.
"""

import random

import pytest

from mediagov.screening import matcher, normalize
from mediagov.screening.matcher import Entry, Screener
from mediagov.screening.normalize import (
    INTERFERENCE_RE,
    _c_tables,
    _drop,
    fold_classes,
    fold_re,
    fold_text,
    normalize_term,
    prepare,
    prepare16,
)

from .test_matcher import pack

CHINESE = "大连理工学院法轮功内部资料秘密武器代写论文微信扫码二维码人常"
TRADITIONAL = "連學資內祕碼維"
NOISE = ["*", " ", "  ", "·", "\u200b", "★", "_", ".", "-", "丶", "*~*", "****", "　"]
OTHER = [
    "。",
    "，",
    "！",
    "\n",
    "；",
    "①",
    "⑩",
    "㈢",
    "Ⓕ",
    "Ｄ",
    "Ｕ",
    "Ｔ",
    "ＤＵＴ",
    "A",
    "q",
    "Q",
    "1",
    "8",
    "０",
]
SIGNALS = [
    "13800138000",
    "138 0013 8000",
    "+86 13912345678",
    "0411-84708320",
    "微信：abc_123456",
    "VX abcdef1",
    "QQ群：12345678",
    "扣扣 98765",
    "www.example.com",
    "http://a.cn/x",
    "dut.edu.cn",
    "扫码",
    "長按識別",
]
LATIN_TERMS = ["dut", "vx代写", "qq群", "dut新闻"]


def random_lexicon(rng: random.Random) -> list[Entry]:
    entries = []
    seen = set()
    for _ in range(40):
        k = rng.randint(2, 4)
        text = "".join(rng.choice(CHINESE + TRADITIONAL) for _ in range(k))
        if rng.random() < 0.1:
            text = rng.choice(LATIN_TERMS)
        pattern = normalize_term(text)
        if len(pattern) < 2 or pattern in seen:
            continue
        seen.add(pattern)
        allow = ()
        if rng.random() < 0.2:
            allow = (normalize_term(rng.choice(CHINESE) + text + rng.choice(CHINESE)),)
        category = rng.choice(["classified", "prohibited", "commercial_ad", "typo"])
        entries.append(
            Entry(term=text, pattern=pattern, category=category, allowlist=allow, lexicon="测", version=1)
        )
    return entries


def random_text(rng: random.Random, entries: list[Entry], length: int) -> str:
    parts = []
    while sum(map(len, parts)) < length:
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(CHINESE + TRADITIONAL))
        elif r < 0.6:
            term = rng.choice(entries).term
            how = rng.randrange(4)
            if how == 1:
                term = rng.choice(NOISE).join(term)
            elif how == 2:
                i = rng.randrange(len(term))
                term = term[: i + 1] + term[i] * rng.randint(1, 3) + term[i + 1 :]
            elif how == 3:
                term = term.upper()
            parts.append(term)
        elif r < 0.75:
            parts.append(rng.choice(NOISE))
        elif r < 0.93:
            parts.append(rng.choice(OTHER))
        else:
            parts.append(rng.choice(SIGNALS))
    return "".join(parts)


def as_tuples(hits):
    return [
        (h.term, h.category, h.start, h.end, h.text, h.rule, h.article, h.severity, h.blocks, h.correction)
        for h in hits
    ]


@pytest.fixture(scope="module")
def dut():
    return pack("dut")


@pytest.fixture(params=["c", "python"])
def prepare_pass(request, monkeypatch):
    """The fast path with its prepare pass in C (_prepare.c) and with the same pass in Python."""
    if request.param == "python":
        monkeypatch.setattr(normalize, "_prepare", None)
    return request.param


def test_fast_path_equals_the_reference_on_random_texts(dut, prepare_pass):
    rng = random.Random(20261204)
    compared = hits = 0
    for round_ in range(40):
        entries = random_lexicon(rng)
        screener = Screener(entries, dut, ad_patterns=round_ % 5 != 4)
        if round_ % 10 == 9:
            screener = Screener([], dut)  # ad signals alone
        for _ in range(15):
            text = random_text(rng, entries, rng.randint(1, 120))
            fast = as_tuples(screener.screen(text))
            assert fast == as_tuples(screener.screen_reference(text)), text
            compared += 1
            hits += len(fast)
    assert compared == 600 and hits > 1000  # the texts do hit: the comparison is not of empty lists


def test_prepared_offsets_map_back_like_the_normaliser():
    """With every fold on, the prepared text is the normaliser's text before repeats collapse, and every
    offset maps to the same original character."""
    rng = random.Random(7)
    folder = fold_re(frozenset(fold_classes()[0]))
    for _ in range(500):
        text = "".join(
            rng.choice([*CHINESE, *TRADITIONAL, *NOISE, *OTHER]) for _ in range(rng.randint(0, 40))
        )
        folded, index = fold_text(text)
        no_noise, segments = _drop(folded, INTERFERENCE_RE, keep_group=False)
        prepared = prepare(text, folder)
        assert prepared.text == no_noise, text
        for i in range(len(no_noise)):
            f = segments(i)
            assert prepared.to_orig(i) == (index[f] if index is not None else f), (text, i)


def test_the_c_prepare_pass_is_built_and_equals_the_python_one():
    """`prepare16` in C gives the text, the UTF-16 bytes and the offset map of `prepare` (Python), and hands
    back to it (None) on the texts it does not take: a character that folds to two (⑩ → 10) or one beyond
    the BMP."""
    assert normalize._prepare is not None, "the C pass was not built: pip install -e . builds it (setup.py)"
    rng = random.Random(20261205)
    alphabet = [*CHINESE, *TRADITIONAL, *NOISE, *OTHER, "a", "d", "u", "t", "9", "|", "~", "#", "@", "'"]
    taken = handed_back = 0
    for extra in (frozenset(), frozenset(fold_classes()[0])):
        folder = fold_re(extra)
        for _ in range(1500):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
            if rng.random() < 0.02:
                text += "\U0001f600"
            got = normalize._prepare.prepare16(text, *_c_tables(extra))
            expected = prepare(text, folder)
            if got is None:
                assert any(len(normalize.fold_one(c)) > 1 for c in text) or any(ord(c) > 0xFFFF for c in text)
                handed_back += 1
                prepared, data = prepare16(text, extra)  # the Python pass, the same answer
                assert prepared.text == expected.text
                continue
            taken += 1
            prepared_text, data, t_starts, s_starts = got
            assert prepared_text == expected.text, text
            assert data == expected.text.encode("utf-16-le")
            mine = normalize.Prepared(text, prepared_text, t_starts, s_starts)
            assert [mine.to_orig(i) for i in range(len(prepared_text) + 1)] == [
                expected.to_orig(i) for i in range(len(prepared_text) + 1)
            ], text
    assert taken > 2000 and handed_back > 100


def test_a_long_text_is_cut_after_a_full_stop_and_loses_or_repeats_no_hit(dut, monkeypatch):
    monkeypatch.setattr(matcher, "CHUNK", 50)
    rng = random.Random(11)
    screener = Screener(random_lexicon(rng), dut)
    for _ in range(20):
        text = random_text(rng, screener.entries, 2000)
        assert as_tuples(screener.screen(text)) == as_tuples(screener.screen_reference(text))
    # a hit on each side of a cut, and one across a place where the text is not cut (no 。 there)
    entries = [Entry(term="内部资料", pattern="内部资料", category="classified")]
    screener = Screener(entries, dut)
    text = "甲" * 48 + "内部资料。内部资料" + "乙" * 100 + "内 部*资料"
    hits = screener.screen(text)
    assert [(h.start, h.end) for h in hits] == [(48, 52), (53, 57), (157, 163)]
    assert [text[h.start : h.end] for h in hits] == ["内部资料", "内部资料", "内 部*资料"]


def test_streamed_pieces_give_the_hits_of_the_whole_text(dut):
    rng = random.Random(5)
    screener = Screener(random_lexicon(rng), dut)
    for _ in range(30):
        text = random_text(rng, screener.entries, 400)
        cuts = sorted(rng.sample(range(1, len(text)), 6))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert as_tuples(screener.screen_stream(pieces)) == as_tuples(screener.screen(text))


def test_characters_beyond_the_basic_plane_take_the_reference_path(dut):
    screener = Screener([Entry(term="内部资料", pattern="内部资料", category="classified")], dut)
    text = "😀内 部*資料😀，电话13800138000"
    assert as_tuples(screener.screen(text)) == as_tuples(screener.screen_reference(text))
    assert [text[h.start : h.end] for h in screener.screen(text)] == ["内 部*資料", "13800138000"]


def test_a_term_with_a_folded_punctuation_mark_still_matches(dut):
    """，→, is left alone by the fast path unless a term contains the folded character."""
    screener = Screener([Entry(term="你好,再见", pattern=normalize_term("你好，再见"), category="typo")], dut)
    [hit] = screener.screen("他说你好，再见")
    assert (hit.start, hit.end) == (2, 7)


def test_a_term_with_a_full_stop_turns_cutting_off(dut, monkeypatch):
    monkeypatch.setattr(matcher, "CHUNK", 8)
    screener = Screener([Entry(term="好。再", pattern=normalize_term("好。再"), category="typo")], dut)
    text = "甲乙丙丁" * 5 + "你好。再见" + "。戊己" * 10
    [hit] = screener.screen(text)
    assert text[hit.start : hit.end] == "好。再"
    assert [(h.start, h.end) for h in screener.screen_stream([text[:21], text[21:]])] == [
        (hit.start, hit.end)
    ]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64])
def test_utf8_pieces_cut_between_characters_only(size):
    """A file read in blocks of any size decodes to the same text: 1-, 2-, 3- and 4-byte characters."""
    import io

    text = "内部资料 é😀ab，大连理工大学。" * 9 + "末"
    pieces = list(matcher.utf8_pieces(io.BytesIO(text.encode("utf-8")), size))
    assert "".join(pieces) == text and all(pieces)
    with pytest.raises(UnicodeDecodeError):
        list(matcher.utf8_pieces(io.BytesIO("内部".encode() + b"\xff\xfe" + "资料".encode()), 4))


def test_a_file_streamed_in_utf8_blocks_gives_the_hits_of_the_whole_text(dut):
    import io

    rng = random.Random(9)
    screener = Screener(random_lexicon(rng), dut)
    text = "。".join(random_text(rng, screener.entries, 300) for _ in range(20))
    streamed = screener.screen_stream(matcher.utf8_pieces(io.BytesIO(text.encode("utf-8")), 97))
    assert as_tuples(streamed) == as_tuples(screener.screen(text))


def test_a_phone_number_after_dropped_noise_and_a_circled_digit_is_found(dut):
    """①丶+86 139…: with 丶 and + dropped, the digit core starts at the 1 of ①, in an earlier run of the ad
    alphabet than the phone number; the fast path must still look at the run where the core ends."""
    screener = Screener([], dut)
    text = "*工~*VX 人abcdef1学料*內理\u3000０.①丶+86 13912345678\n部器资写二"
    assert as_tuples(screener.screen(text)) == as_tuples(screener.screen_reference(text))
    assert "+86 13912345678" in [h.text for h in screener.screen(text)]
