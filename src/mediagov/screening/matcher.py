"""The screening matcher: one daachorse automaton over the normalised lexicon, hits in original offsets.

`Screener(entries, pack)` is built once per lexicon state (see `services.screener_for`) and needs no
database; `Screener.screen(text)` returns `Hit`s with character offsets into the text as given.
"""

import re
from dataclasses import asdict, dataclass, field

import daachorse

from .models import Category, Severity
from .normalize import Normalized, normalize, normalize_term

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


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class Screener:
    def __init__(self, entries: list[Entry], pack, *, ad_patterns: bool = True):
        self.pack = pack
        self.ad_patterns = ad_patterns
        categories = (pack.data.get("screening") or {}).get("categories") or {}
        self.categories: dict[str, dict] = categories
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
        self._automaton = (
            daachorse.CharwiseDoubleArrayAhoCorasick(self._patterns, daachorse.MATCH_KIND_STANDARD)
            if self._patterns
            else None
        )

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
        norm = normalize(text)
        hits = self._lexicon_hits(norm) if self._automaton is not None else []
        if self.ad_patterns:
            hits += self._pattern_hits(norm)
        return _outermost(sorted(hits, key=lambda h: (h.start, -h.end, h.category, h.term)))

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
        return Hit(
            term=entry.term,
            category=entry.category,
            article=self.article(entry.category),
            severity=self.severity(entry.severity, entry.category),
            blocks=self.blocks(entry.blocks, entry.category),
            start=start,
            end=end,
            text=original[start:end],
            lexicon=entry.lexicon,
            version=entry.version,
            correction=entry.correction,
            category_label=Category(entry.category).label,
        )

    def _pattern_hits(self, norm: Normalized) -> list[Hit]:
        hits = []
        category = Category.COMMERCIAL_AD
        for rule, label, pattern in AD_PATTERNS:
            for m in pattern.finditer(norm.folded):
                start = norm.folded_to_orig(m.start())
                end = norm.folded_to_orig(m.end() - 1) + 1
                hits.append(
                    Hit(
                        term=label,
                        category=category,
                        article=self.article(category),
                        severity=Severity.LOW,  # a signal for the reviewer: official posts give numbers too
                        blocks=False,
                        start=start,
                        end=end,
                        text=norm.original[start:end],
                        rule=rule,
                        category_label=Category(category).label,
                    )
                )
        return hits


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
