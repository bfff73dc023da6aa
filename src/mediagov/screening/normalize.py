"""The screening normaliser: folds a text the way evasions disguise it, and maps every position back.

`normalize(text)` returns a `Normalized`: the folded text and a way back from any offset in it to the
character offset in the original (`orig_start`, `orig_end`). It runs in three passes over the text, each a C
loop (a code-point table, then two regular-expression passes), and keeps offsets as segment arrays rather
than one entry per character:

1. **Fold, one character for one** (`FOLD`, built once): full width → half width and other NFKC
   compatibility forms, letter case, traditional → simplified (OpenCC t2s, character by character), and
   enclosed numbers and letters (①⑵㈢Ⓕ → 1 2 三 f). A character whose fold is longer than one character
   (⑩ → 10) takes a slower per-character path that keeps an index per character.
2. **Interference characters** (spaces, `*`, `.`, zero-width characters, decorative symbols …) between two
   characters, at most `MAX_INTERFERENCE` in a row, are dropped (法*轮 → 法轮, 敏 感 → 敏感). Sentence
   punctuation (。！？；and line breaks) is never interference, so nothing joins across a sentence. Between
   two Latin letters or digits only the symbol noise counts, not spaces or dots, so ordinary English and
   numbers stay apart.
3. **Repeated Chinese characters** collapse to one (not letters or digits: qq, www, 13800138000) (法法轮轮 → 法轮).

Terms are normalised by the same passes (`normalize_term`), so a lexicon and a text always meet in the same
form. `normalize` is the definition; the screener's fast path (`prepare` and the helpers at the end of this
module, see docs/screening.md "Fast path") gives the same hits without building its texts for the whole input.
`fold_text(text)` gives pass 1 alone (same length as the text when no character expands): the pattern
rules for ad signals (phone numbers, WeChat and QQ ids, URLs, QR-code wording) run on it.
"""

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

MAX_INTERFERENCE = 3  # interference characters skipped in a row; a longer run separates the characters

CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
CJK = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in CJK_RANGES)
# Noise inserted between characters. Never sentence punctuation, commas, quotes or brackets.
SYMBOL_NOISE = (
    "*_|~`^#&+=\\\\/\u00b7\u2022\u2027\u30fb\u2605\u2606\u2665\u2661\u25c6\u25c7\u25cb\u25cf\u25a1\u25a0"
    "\u25b3\u25b2\u203b\u00d7\u266a\u266b\u4e36\u200b\u200c\u200d\u2060\ufeff"
)
SPACE_NOISE = " \t.\\-'\"@"  # also noise when a Chinese character is on either side
SENTENCE_END = "。！？；!?;\n\r"

# Enclosed alphanumerics whose NFKC form carries decoration: ⑵ → (2), ⒈ → 1., ㈢ → (三).
ENCLOSED = [(0x2460, 0x24FF), (0x2776, 0x2793), (0x3200, 0x32FF)]


def _enclosed(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in ENCLOSED)


@lru_cache(maxsize=1)
def _t2s_chars() -> dict[str, str]:
    """Traditional → simplified, character by character (one OpenCC call over every CJK character)."""
    import opencc

    chars = [chr(cp) for lo, hi in CJK_RANGES for cp in range(lo, hi + 1)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a phrase rule crossed a line: fall back to one call per character
        converter = opencc.OpenCC("t2s")
        converted = [converter.convert(c) for c in chars]
    return {c: s for c, s in zip(chars, converted, strict=True) if s != c and len(s) == 1}


def _fold_char(ch: str, t2s: dict[str, str]) -> str:
    cp = ord(ch)
    out = ch
    if _enclosed(cp):
        nfkc = unicodedata.normalize("NFKC", ch)
        core = "".join(c for c in nfkc if c.isalnum())
        out = core or ch
    else:
        nfkc = unicodedata.normalize("NFKC", ch)
        if len(nfkc) == 1:
            out = nfkc
    out = out.lower()
    return "".join(t2s.get(c, c) for c in out)


@lru_cache(maxsize=1)
def fold_tables() -> tuple[dict[int, str], dict[int, str]]:
    """(one-for-one table, expanding table), built once over the Basic Multilingual Plane."""
    t2s = _t2s_chars()
    single: dict[int, str] = {}
    expanding: dict[int, str] = {}
    is_normalized = unicodedata.is_normalized
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if ch not in t2s and is_normalized("NFKC", ch) and ch.lower() == ch and not _enclosed(cp):
            continue  # folds to itself (the quick test for most of the plane)
        out = _fold_char(ch, t2s)
        if out == ch:
            continue
        if len(out) == 1:
            single[cp] = out
        else:
            expanding[cp] = out
    return single, expanding


@lru_cache(maxsize=1)
def _expanding_re() -> re.Pattern | None:
    _single, expanding = fold_tables()
    if not expanding:
        return None
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(expanding)) + "]")


def fold_text(text: str) -> tuple[str, list[int] | None]:
    """Pass 1: (folded text, per-character original index or None when the fold kept every length)."""
    single, expanding = fold_tables()
    expand_re = _expanding_re()
    if expand_re is None or not expand_re.search(text):
        return text.translate(single), None
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = expanding.get(ord(ch)) or single.get(ord(ch), ch)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


_NOISE = f"[{re.escape(SYMBOL_NOISE)}{re.escape(SPACE_NOISE)}]"
_STRICT = f"[{re.escape(SYMBOL_NOISE)}]"
_WORD = f"[{CJK}a-z0-9]"
INTERFERENCE_RE = re.compile(
    # a Chinese character on the left, any word character on the right (or the reverse): every kind of noise
    rf"(?<=[{CJK}]){_NOISE}{{1,{MAX_INTERFERENCE}}}(?={_WORD})"
    rf"|(?<=[a-z0-9]){_NOISE}{{1,{MAX_INTERFERENCE}}}(?=[{CJK}])"
    # between Latin letters or digits: only symbol noise (D*U*T), never spaces or dots
    rf"|(?<=[a-z0-9]){_STRICT}{{1,{MAX_INTERFERENCE}}}(?=[a-z0-9])"
)
REPEAT_RE = re.compile(rf"([{CJK}])\1+")


class _Segments:
    """A map from offsets of a shortened text back to the text it was cut from: kept runs as arrays."""

    __slots__ = ("new_starts", "old_starts")

    def __init__(self) -> None:
        self.new_starts: list[int] = [0]
        self.old_starts: list[int] = [0]

    def __call__(self, pos: int) -> int:
        k = bisect_right(self.new_starts, pos) - 1
        return self.old_starts[k] + (pos - self.new_starts[k])


def _drop(text: str, pattern: re.Pattern, keep_group: bool) -> tuple[str, _Segments]:
    """`text` without the matches of `pattern` (or, with `keep_group`, without all of a match but its
    first character), and the segments that map back."""
    parts: list[str] = []
    segs = _Segments()
    last = 0
    new_len = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        if keep_group:
            start += 1
        parts.append(text[last:start])
        new_len += start - last
        last = end
        segs.new_starts.append(new_len)
        segs.old_starts.append(end)
    parts.append(text[last:])
    if len(segs.new_starts) == 1:
        return text, segs
    return "".join(parts), segs


@dataclass
class Normalized:
    original: str
    folded: str  # pass 1 only
    text: str  # all passes: what the matcher reads
    _index: list[int] | None
    _interference: _Segments
    _repeats: _Segments

    def folded_to_orig(self, pos: int) -> int:
        return self._index[pos] if self._index is not None else pos

    def to_folded(self, pos: int) -> int:
        """Offset in `folded` of the character at offset `pos` of `text`."""
        return self._interference(self._repeats(pos))

    def orig_start(self, pos: int) -> int:
        return self.folded_to_orig(self.to_folded(pos))

    def orig_end(self, end: int) -> int:
        """Original end (exclusive) of a match ending before `end`: its last character, and any repeats of
        it that were collapsed."""
        last = self.to_folded(end - 1)
        folded = self.folded
        stop = last + 1
        while stop < len(folded) and folded[stop] == folded[last] and REPEAT_RE.match(folded[last] * 2):
            stop += 1
        if self._index is None:
            return stop
        return self._index[stop - 1] + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.orig_start(start), self.orig_end(end)


def normalize(text: str) -> Normalized:
    folded, index = fold_text(text)
    no_noise, interference = _drop(folded, INTERFERENCE_RE, keep_group=False)
    collapsed, repeats = _drop(no_noise, REPEAT_RE, keep_group=True)
    return Normalized(text, folded, collapsed, index, interference, repeats)


def normalize_term(term: str) -> str:
    """The form a lexicon term is matched in: the same passes as a text, without surrounding spaces (the
    three passes as substitutions: no offsets to keep)."""
    text = term.strip().translate(_full_table())
    return REPEAT_RE.sub(r"\1", INTERFERENCE_RE.sub("", text)).strip()


@lru_cache(maxsize=1)
def _full_table() -> dict[int, str]:
    single, expanding = fold_tables()
    return single | expanding


def is_sentence_end(ch: str) -> bool:
    return ch in SENTENCE_END


# ---------------------------------------------------------------- the fast path (matcher.Screener.screen)
# `normalize` above is the definition (and the reference the tests compare with). The screener gets the same
# hits without building its three texts for the whole input: `prepare` folds and drops with C-level regex
# passes that only stop where something changes, repeats are found by the automaton itself, and only the
# hits' offsets are mapped back. See docs/screening.md, "Fast path".
_WORD_RE = re.compile(_WORD)
_NOISE_SET = frozenset(SYMBOL_NOISE + SPACE_NOISE)
_CJK_RE = re.compile(f"[{CJK}]")
# INTERFERENCE_RE rewritten to begin with a character class (the regex engine then scans for it in C): the
# first noise character is consumed, and each branch checks it together with the character before it.
FAST_INTERFERENCE_RE = re.compile(
    rf"{_NOISE}(?:"
    rf"(?<=[{CJK}]{_NOISE}){_NOISE}{{0,{MAX_INTERFERENCE - 1}}}(?={_WORD})"
    rf"|(?<=[a-z0-9]{_NOISE}){_NOISE}{{0,{MAX_INTERFERENCE - 1}}}(?=[{CJK}])"
    rf"|(?<=[a-z0-9]{_STRICT}){_STRICT}{{0,{MAX_INTERFERENCE - 1}}}(?=[a-z0-9])"
    ")"
)
_INTERFERENCE_SPLIT = re.compile(f"({FAST_INTERFERENCE_RE.pattern})")


def is_cjk(ch: str) -> bool:
    return _CJK_RE.match(ch) is not None


@lru_cache(maxsize=1)
def fold_classes() -> tuple[dict[int, str], dict[int, str]]:
    """(inert, folds) of the fold table.

    inert: one-for-one folds where neither side is a word character ([CJK a-z0-9]) or noise (，→, ！→!):
    they change nothing the normaliser or the matcher looks at unless a term contains the folded character,
    so the fast path leaves them (a screener whose terms contain one folds it, see `fold_re`).
    folds: every other one-for-one fold (大連 → 大连, Ａ → a, 　→ space).
    """
    single, _expanding = fold_tables()
    inert: dict[int, str] = {}
    folds: dict[int, str] = {}
    for cp, out in single.items():
        ch = chr(cp)
        if ch in _NOISE_SET or out in _NOISE_SET or _WORD_RE.match(ch) or _WORD_RE.match(out):
            folds[cp] = out
        else:
            inert[cp] = out
    return inert, folds


def char_class(cps) -> str:
    """A regex character class body for the code points `cps` (as ranges)."""
    ranges: list[list[int]] = []
    for cp in sorted(cps):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges
    )


@lru_cache(maxsize=8)
def fold_re(extra: frozenset[int] = frozenset()) -> tuple[re.Pattern, dict[int, str]]:
    """(runs of characters the fast path folds, their table): the folds, the expanding folds and `extra`
    (inert folds a lexicon needs). Written `([c][c]*)` so that the regex engine scans for the first one in C
    and `split` keeps the runs."""
    inert, folds = fold_classes()
    table = dict(folds) | {cp: inert[cp] for cp in extra}
    table |= fold_tables()[1]
    cls = char_class(table)
    return re.compile(f"([{cls}][{cls}]*)"), table


class Prepared:
    """A text with every fold a match can see and the interference characters dropped (no repeats collapsed:
    the automaton finds them), and the map from its offsets back to the original's (sparse breakpoints)."""

    __slots__ = ("original", "text", "_t", "_s")

    def __init__(self, original: str, text: str, t_starts: list[int], s_starts: list[int]):
        self.original = original
        self.text = text
        self._t = t_starts
        self._s = s_starts

    def to_orig(self, pos: int) -> int:
        if len(self._t) == 1:
            return pos
        k = bisect_right(self._t, pos) - 1
        return self._s[k] + (pos - self._t[k])


def prepare(text: str, folder: tuple[re.Pattern, dict[int, str]]) -> Prepared:
    """Fold (`folder`, from `fold_re`), then drop interference characters (`FAST_INTERFERENCE_RE`, which
    finds what INTERFERENCE_RE finds). Both are a regex split (a C-level scan that stops only where a character
    changes), the runs are translated in one call, and offsets that move are kept as breakpoints."""
    pattern, table = folder
    parts = pattern.split(text)
    if len(parts) > 1:
        runs = parts[1::2]
        joined = "\0".join(runs)
        out = joined.translate(table)
        if len(out) == len(joined):
            parts[1::2] = out.split("\0")
            folded = "".join(parts)
            f_t, f_s = [0], [0]
        else:  # an expanding fold (⑩ → 10): breakpoints folded → text, a few per expanded character
            folded, f_t, f_s = _fold_expanding(parts, table)
    else:
        folded, f_t, f_s = text, [0], [0]
    parts = _INTERFERENCE_SPLIT.split(folded)
    if len(parts) == 1:
        return Prepared(text, folded, f_t, f_s)
    lens = list(map(len, parts))
    t_t = [0, *accumulate(lens[0:-1:2])]  # breakpoints prepared → folded: after each drop
    t_f = [0, *accumulate(lens)][2::2]
    t_f.insert(0, 0)
    prepared = "".join(parts[0::2])
    if len(f_t) == 1:
        return Prepared(text, prepared, t_t, t_f)
    # compose prepared → folded → text: a breakpoint wherever either map has one
    outer = Prepared(text, folded, f_t, f_s)
    inner = Prepared(folded, prepared, t_t, t_f)
    points = set(t_t)
    for f in f_t:
        k = bisect_right(t_f, f) - 1
        points.add(t_t[k] + (f - t_f[k]))
    starts = sorted(p for p in points if p <= len(prepared))
    return Prepared(text, prepared, starts, [outer.to_orig(inner.to_orig(p)) for p in starts])


try:  # the same pass in C (setup.py builds it; optional, so an install without a compiler still works)
    from mediagov.screening import _prepare
except ImportError:  # pragma: no cover - depends on the build
    _prepare = None

# character classes of _prepare.c: of a folded character (NOISE … ALNUM), of a text character (EXPAND)
_C_NOISE, _C_STRICT, _C_CJK, _C_ALNUM, _C_EXPAND = 1, 2, 4, 8, 16


@lru_cache(maxsize=8)
def _c_tables(extra: frozenset[int]) -> tuple[bytes, bytes]:
    """(folds, classes) for `_prepare.prepare16`, from the same table and constants as `fold_re` and the
    interference regexes: each BMP code point's one-for-one fold (0: itself) as uint16 in native byte order,
    and its class flags."""
    _pattern, table = fold_re(extra)
    folds = array("H", bytes(2 * 0x10000))
    classes = bytearray(0x10000)
    for cp, out in table.items():
        if len(out) == 1 and ord(out) < 0x10000:
            folds[cp] = ord(out)
        else:
            classes[cp] |= _C_EXPAND
    for ch in SYMBOL_NOISE:
        classes[ord(ch)] |= _C_NOISE | _C_STRICT
    for ch in SPACE_NOISE:
        classes[ord(ch)] |= _C_NOISE
    for lo, hi in CJK_RANGES:
        for cp in range(lo, hi + 1):
            classes[cp] |= _C_CJK
    for ch in "abcdefghijklmnopqrstuvwxyz0123456789":
        classes[ord(ch)] |= _C_ALNUM
    return folds.tobytes(), bytes(classes)


def prepare16(text: str, extra: frozenset[int]) -> tuple[Prepared, bytes]:
    """`prepare(text, fold_re(extra))` and its text in UTF-16-LE (what the screener's automaton reads): in
    one C pass (`_prepare.c`) when the extension is built and the text allows it (every character in the BMP,
    none that folds to more than one), else `prepare` and an encode. The tests hold the two to the same
    result."""
    if _prepare is not None:
        got = _prepare.prepare16(text, *_c_tables(extra))
        if got is not None:
            prepared, data, t_starts, s_starts = got
            return Prepared(text, prepared, t_starts, s_starts), data
    prep = prepare(text, fold_re(extra))
    return prep, prep.text.encode("utf-16-le")


def _fold_expanding(parts: list[str], table: dict[int, str]) -> tuple[str, list[int], list[int]]:
    pieces: list[str] = []
    f_t, f_s = [0], [0]
    pos = 0  # in text
    shift = 0  # len(folded) - len(text) so far
    for j, part in enumerate(parts):
        if j % 2 == 0:
            pieces.append(part)
            pos += len(part)
            continue
        for ch in part:
            out = table.get(ord(ch), ch)
            pieces.append(out)
            if len(out) != 1:
                for k in range(len(out)):
                    f_t.append(pos + shift + k)
                    f_s.append(pos)
                shift += len(out) - 1
                f_t.append(pos + 1 + shift)
                f_s.append(pos + 1)
            pos += 1
    return "".join(pieces), f_t, f_s


def fold_one(ch: str) -> str:
    single, expanding = fold_tables()
    cp = ord(ch)
    return expanding.get(cp) or single.get(cp) or ch


def fold_span(text: str, start: int, stop: int) -> tuple[str, list[int]]:
    """`text[start:stop]` folded (pass 1) and the original index of each folded character."""
    single, expanding = fold_tables()
    out: list[str] = []
    idx: list[int] = []
    for i in range(start, stop):
        cp = ord(text[i])
        for ch in expanding.get(cp) or single.get(cp) or text[i]:
            out.append(ch)
            idx.append(i)
    return "".join(out), idx
