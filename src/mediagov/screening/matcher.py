"""The screening matcher: one daachorse automaton over the normalised lexicon, hits in original offsets.

`Screener(entries, pack)` is built once per lexicon state (see `services.screener_for`) and needs no
database; `Screener.screen(text)` returns `Hit`s with character offsets into the text as given.
"""

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import daachorse

from .models import Category, Severity
from .normalize import (
    REPEAT_RE,
    Normalized,
    _drop,
    char_class,
    fold_classes,
    fold_one,
    fold_span,
    fold_tables,
    is_cjk,
    normalize,
    normalize_term,
    prepare16,
)

PACK_LEXICON = "政策包"  # the `lexicon` of hits on the pack's protected names


@dataclass(frozen=True)
class Entry:
    """One term as the matcher sees it (a variant is an entry of its own with the term's `term`)."""

    term: str
    pattern: str  # the term or variant, normalised
    category: str
    severity: str = ""
    blocks: bool | None = None
    correction: str = ""
    allowlist: tuple[str, ...] = ()  # normalised
    lexicon: str = ""
    version: int = 0


@dataclass
class Hit:
    term: str
    category: str
    article: str
    severity: str
    blocks: bool
    start: int
    end: int
    text: str  # the original text of the hit
    lexicon: str = ""
    version: int = 0
    correction: str = ""
    rule: str = "lexicon"  # lexicon | phone | wechat | qq | url | qrcode
    category_label: str = field(default="")

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- pattern rules for ad signals
# They run on the folded text (full width, case, styles folded; nothing removed), so offsets map 1:1.
AD_PATTERNS: list[tuple[str, str, re.Pattern]] = [
    ("phone", "电话号码", re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9])")),
    ("phone", "电话号码", re.compile(r"(?<![0-9])0[0-9]{2,3}[ -][0-9]{7,8}(?![0-9])")),
    (
        "wechat",
        "微信号",
        re.compile(r"(?:微信|威信|薇信|v信|vx|wx|weixin|wechat)号?\s*[:：]?\s*[a-z][-_a-z0-9]{5,19}"),
    ),
    ("qq", "QQ号", re.compile(r"(?:qq|扣扣|企鹅)(?:号|群)?\s*[:：]?\s*[1-9][0-9]{4,10}(?![0-9])")),
    (
        "url",
        "网址",
        re.compile(
            r"(?:https?://|www\.)[-a-z0-9._~:/?#@!$&'*+,;=%]+"
            r"|(?<![-a-z0-9.@])[a-z0-9][-a-z0-9]*(?:\.[-a-z0-9]+)*\.(?:com|cn|net|org|top|xyz|cc|vip|shop)"
            r"(?:/[-a-z0-9._~/?#=&%]*)?(?![a-z0-9])"
        ),
    ),
    ("qrcode", "二维码用语", re.compile(r"扫码|扫一扫|二维码|长按识别|长按扫|识别图中")),
]
# The fast path runs the patterns only on windows around these anchors: every match of a pattern above
# contains one of them in the folded text (and so in the prepared text, which only drops noise that none of
# them contains), or the core of a phone number (`DIGITS_RES`, literal first characters).
AD_ANCHORS = (
    "微信 威信 薇信 v信 vx wx weixin wechat qq 扣扣 企鹅 http www. .com .cn .net .org .top .xyz .cc .vip .shop "
    "扫码 扫一扫 二维码 长按识别 长按扫 识别图中"
).split()
DIGITS_RES = [re.compile(r"1[3-9][0-9](?:[ -]?[0-9]){8}"), re.compile(r"0[0-9]{2,3}[ -][0-9]{7,8}")]
# What a match of the patterns can consist of (folded): ASCII, whitespace, the keywords' characters. A window
# is the longest run of characters that fold into this alphabet around an anchor, so no match crosses it.
AD_ALPHABET = frozenset(
    {chr(c) for c in range(0x20, 0x7F)}
    | {chr(c) for c in range(0x10000) if re.match(r"\s", chr(c))}
    | set("号群：".join(a for a in AD_ANCHORS if not a.isascii()))
)
CHUNK = 1 << 20  # characters screened at a time by the fast path (cut after a 。 near this size)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=1)
def _ad_alphabet_re() -> re.Pattern:
    """Runs of characters whose fold lies in AD_ALPHABET."""
    single, expanding = fold_tables()
    cps = {ord(c) for c in AD_ALPHABET} - set(single) - set(expanding)
    cps |= {cp for table in (single, expanding) for cp, out in table.items() if set(out) <= AD_ALPHABET}
    return re.compile(f"[{char_class(cps)}]*")


class Screener:
    def __init__(self, entries: list[Entry], pack, *, ad_patterns: bool = True):
        self.pack = pack
        self.ad_patterns = ad_patterns
        categories = pack.screening_categories
        self.categories: dict[str, dict] = categories
        self._hit_fields: dict[tuple, tuple] = {}
        self.entries: list[Entry] = []
        patterns: dict[str, int] = {}
        self._owners: list[list[int]] = []  # pattern id → entries it is the pattern of
        self._allow_of: list[list[int]] = []  # pattern id → entries it is an allowlist phrase of
        for entry in entries:
            if not entry.pattern:
                continue
            idx = len(self.entries)
            self.entries.append(entry)
            for text, bucket in [(entry.pattern, "own"), *((a, "allow") for a in entry.allowlist if a)]:
                pid = patterns.get(text)
                if pid is None:
                    pid = patterns[text] = len(patterns)
                    self._owners.append([])
                    self._allow_of.append([])
                (self._owners if bucket == "own" else self._allow_of)[pid].append(idx)
        self._patterns = list(patterns)
        self._reference: daachorse.CharwiseDoubleArrayAhoCorasick | None = None
        self._fast_build()

    @property
    def _automaton(self) -> daachorse.CharwiseDoubleArrayAhoCorasick | None:
        """The reference path's automaton over the patterns (characters), built on first use."""
        if self._reference is None and self._patterns:
            self._reference = daachorse.CharwiseDoubleArrayAhoCorasick(
                self._patterns, daachorse.MATCH_KIND_STANDARD
            )
        return self._reference

    def _fast_build(self) -> None:
        """The fast path's automaton (UTF-16 code units): the patterns, then a repeat detector XX for every
        Chinese character X of a pattern, then the ad anchors; and what it needs to know of the patterns."""
        chars = set("".join(self._patterns))
        inert = fold_classes()[0]
        self._fold_extra = frozenset(cp for cp, out in inert.items() if out in chars)  # see fold_re
        prepare16("", self._fold_extra)  # builds the fold tables now, not on the first text
        _ad_alphabet_re()
        self._bigrams = {p[i : i + 2] for p in self._patterns for i in range(len(p) - 1)}
        # XXY for every bigram XY of a pattern (X Chinese): a repeat that a match may cross when collapsed
        cjk = {c for c in chars if is_cjk(c)}
        repeats = sorted(b[0] + b for b in self._bigrams if b[0] in cjk)
        self._n_lex = len(self._patterns)
        self._n_rep = self._n_lex + len(repeats)
        fast = self._patterns + repeats + (AD_ANCHORS if self.ad_patterns else [])
        self._fast = (
            daachorse.DoubleArrayAhoCorasick(
                [p.encode("utf-16-le") for p in fast], daachorse.MATCH_KIND_STANDARD
            )
            if fast
            else None
        )
        self._longest = max((len(p) for p in self._patterns), default=1)
        self._latin_head = [_latin(p[0]) for p in self._patterns]
        self._latin_tail = [_latin(p[-1]) for p in self._patterns]
        # 。 is never noise, never repeated, in no ad pattern: a safe place to cut, unless a pattern has one
        self._chunkable = "。" not in chars

    # --- what the pack says about a category
    def article(self, category: str) -> str:
        conf = self.categories.get(category) or {}
        article = conf.get("article", "")
        if category == Category.PROTECTED_NAME and not article:
            article = self.pack.protected_names.get("article", "")
        return self.pack.cite(article)

    def severity(self, entry_severity: str, category: str) -> str:
        return entry_severity or (self.categories.get(category) or {}).get("severity") or Severity.MEDIUM

    def blocks(self, entry_blocks: bool | None, category: str) -> bool:
        if entry_blocks is not None:
            return entry_blocks
        return bool((self.categories.get(category) or {}).get("blocks", False))

    # --- screening
    def screen(self, text: str) -> list[Hit]:
        """The hits in `text`, in original character offsets: the fast path, chunk by chunk (the same hits
        as `screen_reference`, which the tests check on random texts)."""
        hits = self._screen_text(text)
        return _outermost(sorted(hits, key=lambda h: (h.start, -h.end, h.category, h.term)))

    def screen_stream(self, pieces) -> list[Hit]:
        """The hits in the concatenation of `pieces` (e.g. a file read a few MB at a time), in character
        offsets into it, holding about one piece at a time: each piece is screened up to its last 。 (a safe
        cut, see `screen`) and the rest is carried over to the next."""
        hits: list[Hit] = []
        carry = ""
        offset = 0
        for piece in pieces:
            buffer = carry + piece if carry else piece
            cut = buffer.rfind("。") + 1 if self._chunkable else 0
            if cut <= 0:
                carry = buffer
                continue
            hits += self._shift(self._screen_text(buffer[:cut]), offset)
            offset += cut
            carry = buffer[cut:]
        if carry:
            hits += self._shift(self._screen_text(carry), offset)
        return _outermost(sorted(hits, key=lambda h: (h.start, -h.end, h.category, h.term)))

    def _screen_text(self, text: str) -> list[Hit]:
        """Unsorted hits of `text`, chunk by chunk."""
        hits: list[Hit] = []
        start = 0
        n = len(text)
        while start < n:
            stop = n
            if self._chunkable and n - start > CHUNK * 3 // 2:
                cut = text.find("。", start + CHUNK, start + CHUNK * 3 // 2)
                if cut >= 0:
                    stop = cut + 1
            hits += self._screen_chunk(text, start, stop)
            start = stop
        return hits

    def _screen_chunk(self, whole: str, offset: int, stop: int) -> list[Hit]:
        text = whole[offset:stop] if offset or stop != len(whole) else whole
        if self._fast is None:
            return []
        prep, data = prepare16(text, self._fold_extra)
        t = prep.text
        if len(data) != 2 * len(t):  # characters beyond the BMP: code units are not characters
            return self._shift(self._screen_reference(text), offset)
        lex: list[tuple[int, int, int]] = []
        reps: list[int] = []
        anchors: list[int] = []
        n_lex, n_rep = self._n_lex, self._n_rep
        for bs, be, pid in self._fast.find_overlapping(data):
            if bs & 1:
                continue  # inside a code unit
            if pid < n_lex:
                lex.append((bs >> 1, be >> 1, pid))
            elif pid < n_rep:
                reps.append(bs >> 1)
            else:
                anchors.append(bs >> 1)
        spans: set[tuple[int, int, int]] = set()  # (original start, original end, pattern id)
        for ts, te, pid in lex:
            if self._latin_head[pid] and ts > 0 and _latin(t[ts - 1]):
                continue
            if self._latin_tail[pid] and te < len(t) and _latin(t[te]):
                continue
            while ts > 0 and t[ts - 1] == t[ts] and is_cjk(t[ts]):
                ts -= 1  # the hit starts on a repeat: the normalised text keeps the first of them
            spans.add((prep.to_orig(ts), _orig_end(text, prep, te), pid))
        if reps:
            self._repeat_windows(prep, sorted(set(reps)), spans)
        hits = self._spans_to_hits(spans, text) if spans else []
        if self.ad_patterns:
            hits += self._ad_windows(text, prep, anchors)
        return self._shift(hits, offset)

    @staticmethod
    def _shift(hits: list[Hit], offset: int) -> list[Hit]:
        if offset:
            for hit in hits:
                hit.start += offset
                hit.end += offset
        return hits

    def _repeat_windows(self, prep, reps: list[int], spans: set) -> None:
        """Matches across a collapsed repeat (法轮轮功): the automaton cannot see them in the prepared text.
        Only a repeat run whose character and the next one are adjacent in some pattern (the XXY the
        automaton found at each of `reps`) can be inside one; around it the repeats are collapsed in a window
        and matched again."""
        t = prep.text
        n = len(t)
        longest = self._longest
        for r in reps:
            b = r + 2  # XXY at r: Y at b, the run of X before it
            a = r
            while a > 0 and t[a - 1] == t[b - 1]:
                a -= 1
            lo, count = a, 0
            while lo > 0 and count <= longest:
                lo -= 1
                if not (t[lo] == t[lo + 1] and is_cjk(t[lo])):
                    count += 1
            while lo > 0 and t[lo - 1] == t[lo] and is_cjk(t[lo]):
                lo -= 1
            hi, count = b, 0
            while hi < n and count <= longest:
                if not (t[hi] == t[hi - 1] and is_cjk(t[hi])):
                    count += 1
                hi += 1
            while hi < n and t[hi] == t[hi - 1] and is_cjk(t[hi]):
                hi += 1
            window, segs = _drop(t[lo:hi], REPEAT_RE, keep_group=True)
            data = window.encode("utf-16-le")
            for bs, be, pid in self._fast.find_overlapping(data):
                if bs & 1 or pid >= self._n_lex:
                    continue
                ws, we = bs >> 1, be >> 1
                ts, tl = lo + segs(ws), lo + segs(we - 1)
                if not (ts <= a and tl >= b):
                    continue  # does not cross this repeat: the first pass found it
                if self._latin_head[pid] and ws > 0 and _latin(window[ws - 1]):
                    continue
                if self._latin_tail[pid] and we < len(window) and _latin(window[we]):
                    continue
                spans.add((prep.to_orig(ts), _orig_end(prep.original, prep, tl + 1), pid))

    def _spans_to_hits(self, spans: set, text: str) -> list[Hit]:
        allowed: dict[int, list[tuple[int, int]]] = {}
        for start, end, pid in spans:
            for idx in self._allow_of[pid]:
                allowed.setdefault(idx, []).append((start, end))
        hits = []
        for start, end, pid in spans:
            for idx in self._owners[pid]:
                if allowed and any(a <= start and end <= b for a, b in allowed.get(idx, ())):
                    continue
                hits.append(self._hit(self.entries[idx], start, end, text))
        return hits

    def _fields(self, entry: Entry) -> tuple[str, str, bool, str]:
        """(article, severity, blocks, category label) of a hit of `entry`, computed once per kind of entry."""
        key = (entry.category, entry.severity, entry.blocks)
        fields = self._hit_fields.get(key)
        if fields is None:
            fields = self._hit_fields[key] = (
                self.article(entry.category),
                self.severity(entry.severity, entry.category),
                self.blocks(entry.blocks, entry.category),
                Category(entry.category).label,
            )
        return fields

    def _ad_windows(self, text: str, prep, anchors: list[int]) -> list[Hit]:
        t = prep.text
        starts = [prep.to_orig(a) for a in anchors]
        for digits in DIGITS_RES:
            # every character of a core, not its start alone: a core that a dropped noise character joined
            # to digits before it (①丶+86 13912345678 → 186 13912345…) starts in another run of the
            # alphabet, and the phone number it swallowed lies in the run where it ends
            for m in digits.finditer(t):
                starts += map(prep.to_orig, range(*m.span()))
        if not starts:
            return []
        run = _ad_alphabet_re()
        hits: list[Hit] = []
        done = -1
        for p in sorted(starts):
            if p < done:
                continue
            lo = p
            while lo > 0 and run.match(text, lo - 1, lo).end() == lo:
                lo -= 1
            hi = run.match(text, p).end()
            done = hi
            window, index = fold_span(text, lo, hi)
            for h in self._pattern_matches(window):
                h.start = index[h.start]
                h.end = index[h.end - 1] + 1
                h.text = text[h.start : h.end]
                hits.append(h)
        return hits

    def screen_reference(self, text: str) -> list[Hit]:
        """The definition: normalise the whole text, match, map back (slow; the fast path's reference)."""
        return _outermost(
            sorted(self._screen_reference(text), key=lambda h: (h.start, -h.end, h.category, h.term))
        )

    def _screen_reference(self, text: str) -> list[Hit]:
        norm = normalize(text)
        hits = self._lexicon_hits(norm) if self._automaton is not None else []
        if self.ad_patterns:
            hits += self._pattern_hits(norm)
        return hits

    def _lexicon_hits(self, norm: Normalized) -> list[Hit]:
        found = self._automaton.find_overlapping(norm.text)
        allowed: dict[int, list[tuple[int, int]]] = {}
        for start, end, pid in found:
            for idx in self._allow_of[pid]:
                allowed.setdefault(idx, []).append((start, end))
        s = norm.text
        hits: list[Hit] = []
        for start, end, pid in found:
            for idx in self._owners[pid]:
                entry = self.entries[idx]
                if any(a <= start and end <= b for a, b in allowed.get(idx, ())):
                    continue
                pattern = entry.pattern
                if _latin(pattern[0]) and start > 0 and _latin(s[start - 1]):
                    continue  # dut inside "andutility"
                if _latin(pattern[-1]) and end < len(s) and _latin(s[end]):
                    continue
                o_start, o_end = norm.span(start, end)
                hits.append(self._hit(entry, o_start, o_end, norm.original))
        return hits

    def _hit(self, entry: Entry, start: int, end: int, original: str) -> Hit:
        article, severity, blocks, label = self._fields(entry)
        return Hit(  # positionally: the fast path makes one per match
            entry.term,
            entry.category,
            article,
            severity,
            blocks,
            start,
            end,
            original[start:end],
            entry.lexicon,
            entry.version,
            entry.correction,
            "lexicon",
            label,
        )

    def _pattern_hits(self, norm: Normalized) -> list[Hit]:
        hits = self._pattern_matches(norm.folded)
        for h in hits:
            h.start, h.end = norm.folded_to_orig(h.start), norm.folded_to_orig(h.end - 1) + 1
            h.text = norm.original[h.start : h.end]
        return hits

    def _pattern_matches(self, folded: str) -> list[Hit]:
        """The ad-pattern hits in a folded text, in its offsets (`text` left empty)."""
        hits = []
        category = Category.COMMERCIAL_AD
        for rule, label, pattern in AD_PATTERNS:
            for m in pattern.finditer(folded):
                start, end = m.span()
                hits.append(
                    Hit(
                        term=label,
                        category=category,
                        article=self.article(category),
                        severity=Severity.LOW,  # a signal for the reviewer: official posts give numbers too
                        blocks=False,
                        start=start,
                        end=end,
                        text="",
                        rule=rule,
                        category_label=Category(category).label,
                    )
                )
        return hits


def _orig_end(text: str, prep, end: int) -> int:
    """Original end (exclusive) of a match ending before `end` of the prepared text: its last character and
    the repeats of it right after it in the folded text (as `Normalized.orig_end`)."""
    last = prep.text[end - 1]
    stop = prep.to_orig(end - 1) + 1
    if stop < len(text) and text[stop] != last and ord(text[stop]) not in _folds_to_cjk():
        return stop  # the common case: what follows is neither the character again nor a fold of it
    if is_cjk(last):
        while stop < len(text):
            folded = fold_one(text[stop])
            if folded == last:
                stop += 1
                continue
            if folded[0] == last:
                stop += 1
            break
    return stop


@lru_cache(maxsize=1)
def _folds_to_cjk() -> frozenset[int]:
    """Code points whose fold begins with a Chinese character (for `_orig_end`)."""
    single, expanding = fold_tables()
    return frozenset(cp for cp, out in (single | expanding).items() if is_cjk(out[0]))


def utf8_pieces(f, size: int = 1 << 22):
    """The text of the binary file `f` (UTF-8) in pieces for `Screener.screen_stream`: `size` bytes at a time,
    each cut before an incomplete trailing character, decoded in one call (about twice as fast as reading a
    text-mode file by characters). Invalid UTF-8 raises UnicodeDecodeError, as a text-mode read would."""
    rest = b""
    while block := f.read(size):
        data = rest + block if rest else block
        cut = len(data)
        back = 0
        while back < 3 and cut > 0 and (data[cut - 1] & 0xC0) == 0x80:
            cut -= 1
            back += 1
        if cut > 0 and data[cut - 1] >= 0xC0:  # a lead byte whose continuation is in the next block
            cut -= 1
        rest = data[cut:]
        if cut:
            yield data[:cut].decode("utf-8")
    if rest:
        yield rest.decode("utf-8")


def content_hits(hits: list[Hit]) -> list[Hit]:
    """The hits about what a text says: all but protected names. DUT 第九条 is about account names, so a post or
    a draft may name the school (the name watch judges names); one rule for post screening and 先审后发."""
    return [h for h in hits if h.category != Category.PROTECTED_NAME]


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop a hit that lies inside another hit of the same category (大连理工 inside 大连理工大学).

    `hits` are sorted by start, longest first, so every kept hit starts at or before the current one: it is
    covered exactly when a kept hit of its category reaches as far. One pass.
    """
    kept: list[Hit] = []
    reach: dict[str, int] = {}
    for hit in hits:
        if reach.get(hit.category, -1) >= hit.end:
            continue
        kept.append(hit)
        reach[hit.category] = max(reach.get(hit.category, -1), hit.end)
    return kept


def pack_entries(pack) -> list[Entry]:
    """The pack's protected names (keywords and allowlist) as matcher entries."""
    conf = pack.protected_names
    allow = tuple(normalize_term(a) for a in conf.get("allowlist", []) or [])
    entries = []
    for keyword in conf.get("keywords", []) or []:
        pattern = normalize_term(keyword)
        entries.append(
            Entry(
                term=keyword,
                pattern=pattern,
                category=Category.PROTECTED_NAME,
                allowlist=tuple(a for a in allow if pattern in a),
                lexicon=PACK_LEXICON,
                version=0,
            )
        )
    return entries
