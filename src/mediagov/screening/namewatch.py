"""Name watch (DUT 第九条): is a discovered account registered, an unapproved use of the school's name, an
impersonation of a registered account, or unrelated?

`NameWatch(institution)` loads the institution's registered accounts and the pack's `protected_names` once;
`NameWatch.check(discovered)` gives a `NameVerdict` with its evidence. The order of the tests:

1. **registered** — same platform and the same handle (`registry.platforms.normalise_handle` of the 帐号ID or
   链接, so any URL form of the homepage counts; the account's 原始ID, gh_… or 抖音号, counts too), or, when
   the row gives no handle, the same normalised name on the same platform.
2. **impersonation** — the normalised name, without a claim of being official (官方, 官微 …), is like a
   registered account's (rapidfuzz ratio ≥ `IMPERSONATION_THRESHOLD`), under another handle (or on another
   platform). Not a copy: the school's bare name plus words of one's own (大连理工大学考研 is not the account
   大连理工大学), nor another unit under the same school name (大连理工大学化工学院 is not 大连理工大学化学学院,
   研究生会 is not 研究生院: the parts after the shared keyword differ, `UNIT_THRESHOLD`).
3. **unregistered_use** — the name uses a protected keyword (pack `protected_names.keywords`, minus the
   `allowlist`), in any of its variants: traditional characters, full width, spaces and interference
   characters (all folded by `screening.normalize`; in a name `_` and `、` separate too), the keyword's pinyin,
   joined or by syllable, and pinyin initials (大工 → dagong, da gong; 大连理工 → dllg), and the institution's
   English names (pack `protected_names.english`: Dalian University of Technology, DLUT).
   Latin variants match as whole words only (dagongren, students are not hits).
4. **unrelated** — none of these.

The bio is evidence only: 第九条 is about names.
"""

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from mediagov.core.errors import ImportFileError
from mediagov.registry.platforms import (
    PLATFORM_INFO,
    HandleError,
    looks_like_url,
    normalise_handle,
    normalise_url,
    platform_from_text,
)

from .normalize import normalize, normalize_term

REGISTERED = "registered"
UNREGISTERED_USE = "unregistered_use"
IMPERSONATION = "impersonation"
UNRELATED = "unrelated"
VERDICT_LABELS = {
    REGISTERED: "已备案官方帐号",
    UNREGISTERED_USE: "未经审批使用学校名称",
    IMPERSONATION: "疑似仿冒已备案帐号",
    UNRELATED: "无关",
}
FLAGGED = (UNREGISTERED_USE, IMPERSONATION)

# Name similarity (rapidfuzz ratio on normalised names, 0–100) from which a name counts as a copy. 大连理工大学
# 化工学院 vs 大连理工大学机械学院 scores 80 (two units, not a copy); 大工化工学院 vs 大工化工學院 is 100 after
# normalising; one changed or added character in a name of six or more scores ≥ 90.
IMPERSONATION_THRESHOLD = 88
# Two names that start with the same keyword and then name units of three or more characters each are
# different units when those parts score below this (化工学院 vs 化学学院 75, 研究生会 vs 研究生院 75,
# 留学生会 vs 学生会 86; 化院青年团 vs 化院青年 89 and 本科招生办 vs 本科招生 89 stay copies).
UNIT_THRESHOLD = 88
MIN_IMPERSONATION_LENGTH = 4  # shorter names (团委, 学工) are too common to call a copy
MIN_INITIALS = 3  # pinyin initials shorter than this (大工 → dg) are ordinary letter pairs
# A claim of being the official account, left out when comparing names (大连理工大学官方 copies 大连理工大学).
OFFICIAL_RE = re.compile(r"^官方|(?:官方(?:帐号|账号|微博|抖音|号|频道|平台)?|官微|官号)$")
NAME_SEPARATORS = str.maketrans({"_": " ", "、": " "})  # separators in a name, one character for one

HEADERS = {"platform": "平台", "name": "名称", "handle": "帐号ID", "url": "链接", "bio": "简介"}
FOLLOWERS_HEADERS = ("粉丝数", "粉丝")
REQUIRED_HEADERS = ("平台", "名称")


@dataclass
class Discovered:
    """One account found on a platform (a row of an import, or a form entry)."""

    platform: str  # as given (a code, 微信公众号, B站 …)
    name: str
    handle: str = ""
    url: str = ""
    bio: str = ""
    followers: int | None = None
    row: int | None = None


@dataclass
class NameVerdict:
    verdict: str
    keyword: str | None = None  # the protected keyword (pack spelling) the name uses
    account: int | None = None  # registry id of the matched registered account
    account_name: str = ""
    variant: str = ""  # how the keyword appears: exact, pinyin, initials, english
    matched: str = ""  # the text of the name that matched
    score: float | None = None  # name similarity for impersonation
    platform: str = ""  # platform code
    handle: str = ""  # normalised handle of the discovered account
    name: str = ""
    row: int | None = None
    evidence: list[str] = field(default_factory=list)
    article: str = ""  # citation, for flagged rows

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED

    def as_dict(self) -> dict:
        data = asdict(self)
        data["verdict_label"] = self.verdict_label
        return data


@dataclass(frozen=True)
class _Variant:
    keyword: str  # pack spelling
    kind: str  # exact, pinyin, initials, english
    regex: re.Pattern


def _is_latin(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9 .\-_&]+", text))


def _latin_regex(text: str) -> re.Pattern:
    words = re.findall(r"[a-z0-9]+", text.lower())
    body = r"[\s\-_.·]*".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


def _pinyin_regex(syllables: list[str]) -> re.Pattern:
    """Pinyin written joined or by syllable (dalianligong, Dalian Ligong, da-lian-li-gong), as whole words."""
    body = r"[\s\-_.·]*".join(re.escape(s) for s in syllables)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


def _plain(name: str) -> str:
    """A name folded (width, case, traditional) without symbols or spaces, repeated characters kept."""
    return re.sub(r"[\W_]+", "", normalize(name).folded)


def _join_spelled(text: str) -> str:
    """Single letters spelled apart (d u t, d-l-u-t) joined into one word."""
    return re.sub(
        r"(?<![a-z0-9])[a-z](?:[\s\-_.]+[a-z])+(?![a-z0-9])",
        lambda m: re.sub(r"[\s\-_.]+", "", m.group(0)),
        text,
    )


class NameWatch:
    def __init__(self, institution):
        self.institution = institution
        self.pack = institution.policy
        conf = self.pack.protected_names
        self.article = conf.get("article", "")
        self.keywords: list[str] = list(conf.get("keywords", []) or [])
        self.english: list[str] = list(conf.get("english", []) or [])
        self.allowlist = sorted(
            {normalize_term(a) for a in conf.get("allowlist", []) or [] if a.strip()}, key=len, reverse=True
        )

    # --- variants of the protected names
    @cached_property
    def variants(self) -> list[_Variant]:
        out: list[_Variant] = []
        seen: set[str] = set()

        def add(keyword: str, kind: str, text: str, regex: re.Pattern | None = None) -> None:
            form = normalize_term(text)
            if not form or form in seen:
                return
            seen.add(form)
            if regex is None:
                regex = _latin_regex(form) if _is_latin(form) else re.compile(re.escape(form))
            out.append(_Variant(keyword, kind, regex))

        for kw in sorted(self.keywords, key=len, reverse=True):
            add(kw, "exact", kw)
        for kw in sorted(self.keywords, key=len, reverse=True):
            if _is_latin(normalize_term(kw)):
                continue
            syllables = [s.lower() for s in lazy_pinyin(kw)]
            add(kw, "pinyin", "".join(syllables), _pinyin_regex(syllables))
            initials = "".join(lazy_pinyin(kw, style=Style.FIRST_LETTER))
            if len(initials) >= MIN_INITIALS:
                add(kw, "initials", initials)
        full = self.keywords[0] if self.keywords else ""
        for name in self.english:
            add(full, "english", name)
        return out

    def _masked(self, form: str) -> str:
        """The normalised name with allowlisted phrases (大工业, 大工匠) blanked out."""
        for phrase in self.allowlist:
            form = form.replace(phrase, "\0" * len(phrase))
        return form

    def keyword_in(self, name: str) -> tuple[str, str, str] | None:
        """(keyword, variant kind, matched text as written in `name`) for the first protected name `name`
        uses; else None."""
        norm = normalize(name.translate(NAME_SEPARATORS))
        form = self._masked(norm.text)
        spelled = _join_spelled(form)
        for variant in self.variants:
            m = variant.regex.search(form)
            if m:
                start, end = norm.span(m.start(), m.end())
                return variant.keyword, variant.kind, name[start:end].strip()
            if spelled != form and (m := variant.regex.search(spelled)):
                return variant.keyword, variant.kind, m.group(0)
        return None

    # --- the registry
    @cached_property
    def accounts(self) -> list:
        from mediagov.registry.models import AccountStatus, MediaAccount

        rows = (
            MediaAccount.objects.filter(institution=self.institution)
            .exclude(status__in=[AccountStatus.CANCELLED, AccountStatus.PENDING])
            .order_by("pk")
        )
        return [(a, normalize_term(a.name), self._ids(a), _plain(a.name)) for a in rows]

    @staticmethod
    def _ids(account) -> set[str]:
        """The handle of a registered account, and its 原始ID (gh_…, 抖音号) read as a handle."""
        ids = {account.handle}
        if account.platform_id:
            try:
                ids.add(normalise_handle(account.platform, account.platform_id))
            except HandleError:
                pass
        return ids - {""}

    @cached_property
    def _keyword_forms(self) -> list[str]:
        return sorted({normalize_term(k) for k in self.keywords} - {""}, key=len, reverse=True)

    def copies(self, form: str, plain: str, account_form: str, account_plain: str) -> float | None:
        """The similarity of two names when the first copies the second, else None. `form`: normalised;
        `plain`: folded, without symbols, repeated characters kept (大学学生会 keeps its 学生会)."""
        mine, theirs = OFFICIAL_RE.sub("", form) or form, OFFICIAL_RE.sub("", account_form) or account_form
        score = fuzz.ratio(mine, theirs)
        if score < IMPERSONATION_THRESHOLD:
            return None
        plain, account_plain = OFFICIAL_RE.sub("", plain), OFFICIAL_RE.sub("", account_plain)
        for kw in self._keyword_forms:
            if plain.startswith(kw) and account_plain.startswith(kw):
                rest_mine, rest_theirs = plain[len(kw) :], account_plain[len(kw) :]
                if rest_mine and not rest_theirs:
                    return None  # the school's bare name plus words of one's own
                if (
                    min(len(rest_mine), len(rest_theirs)) >= 3
                    and fuzz.ratio(rest_mine, rest_theirs) < UNIT_THRESHOLD
                ):
                    return None  # another unit under the same school name
                break
        return score

    def identify(self, d: Discovered) -> tuple[str, str, list[str]]:
        """(platform code, normalised handle, notes) of a discovered account."""
        notes: list[str] = []
        platform = platform_from_text(d.platform) or ""
        if not platform:
            for raw in (d.url, d.handle):
                if raw and looks_like_url(raw) and (found := normalise_url(raw)):
                    platform = found[0]
                    break
        if not platform and d.platform:
            notes.append(f"无法识别平台“{d.platform}”")
        handle = ""
        for label, raw in (("帐号ID", d.handle), ("链接", d.url)):
            if not raw or not platform:
                continue
            try:
                handle = normalise_handle(platform, raw)
            except HandleError as exc:
                notes.append(f"{label}：{exc}")
                continue
            if handle:
                break
        return platform, handle, notes

    def check(self, d: Discovered) -> NameVerdict:
        platform, handle, notes = self.identify(d)
        form = normalize_term(d.name)
        result = NameVerdict(UNRELATED, platform=platform, handle=handle, name=d.name, row=d.row)
        result.evidence.extend(notes)
        platform_label = PLATFORM_INFO[platform].label if platform in PLATFORM_INFO else d.platform

        same_platform = [(a, f, ids) for a, f, ids, _ in self.accounts if a.platform == platform]
        if handle:
            for account, _, ids in same_platform:
                if handle in ids:
                    result.verdict, result.account, result.account_name = REGISTERED, account.pk, account.name
                    result.evidence.append(
                        f"与已备案帐号“{account.name}”为同一{platform_label}帐号（{handle}）"
                    )
                    break
        elif form:
            for account, account_form, _ in same_platform:
                if account_form == form:
                    result.verdict, result.account, result.account_name = REGISTERED, account.pk, account.name
                    result.evidence.append(
                        f"名称与{platform_label}已备案帐号“{account.name}”一致（未提供帐号ID）"
                    )
                    break

        found = self.keyword_in(d.name) if d.name else None
        if found:
            result.keyword, result.variant, result.matched = found
        if result.verdict == REGISTERED:
            return result

        best = None
        if len(form) >= MIN_IMPERSONATION_LENGTH:
            plain = _plain(d.name)
            for account, account_form, ids, account_plain in self.accounts:
                if account.platform == platform and handle in ids:
                    continue
                score = self.copies(form, plain, account_form, account_plain)
                same = account.platform == platform
                if score is not None and (
                    best is None or (score, same) > (best[1], best[0].platform == platform)
                ):
                    best = (account, score)
        if best:
            account, score = best
            result.verdict, result.account, result.account_name = IMPERSONATION, account.pk, account.name
            result.score = round(score, 1)
            other = PLATFORM_INFO[account.platform].label if account.platform in PLATFORM_INFO else ""
            where = "帐号标识不同" if account.platform == platform else f"已备案帐号在{other}"
            result.evidence.append(f"名称与已备案帐号“{account.name}”相似度{result.score}，{where}")
        elif found:
            result.verdict = UNREGISTERED_USE
            kinds = {"exact": "", "pinyin": "拼音", "initials": "拼音首字母", "english": "英文名称"}
            how = kinds[result.variant]
            result.evidence.append(
                f"名称含受保护名称“{result.keyword}”"
                + (f"的{how}“{result.matched}”" if how else "")
                + "，且不是已备案帐号"
            )
        if result.flagged:
            result.article = self.pack.cite(self.article)
        if d.bio and not found and (in_bio := self.keyword_in(d.bio)):
            result.evidence.append(f"简介中出现“{in_bio[0]}”（第九条只管名称，仅供参考）")
        return result


def namewatch_check(institution, discovered: list[Discovered]) -> list[NameVerdict]:
    watch = NameWatch(institution)
    return [watch.check(d) for d in discovered]


def _followers(value, row: int) -> int | None:
    text = str(value or "").strip().replace(",", "").replace("，", "")
    if not text:
        return None
    factor = 1
    if text.endswith("万"):
        text, factor = text[:-1], 10_000
    try:
        return int(float(text) * factor)
    except ValueError:
        raise ImportFileError("粉丝数不是数字", errors=[(row, "粉丝数", f"“{value}”不是数字")]) from None


def discovered_from_table(table) -> list[Discovered]:
    """Rows of a `core.tabular` table with the headers 平台, 名称, 帐号ID, 链接, 简介 (粉丝数 optional)."""
    missing = [h for h in REQUIRED_HEADERS if not table.has(h)]
    if missing:
        raise ImportFileError(
            f"缺少表头：{'、'.join(missing)}（须有“平台”“名称”两列，可选“帐号ID”“链接”“简介”“粉丝数”）"
        )
    followers_header = next((h for h in FOLLOWERS_HEADERS if table.has(h)), None)
    out, errors = [], []
    for row in table.rows:
        name = str(row.get("名称", "") or "").strip()
        if not name:
            errors.append((row.number, "名称", "名称不能为空"))
            continue
        try:
            followers = _followers(row.get(followers_header), row.number) if followers_header else None
        except ImportFileError as exc:
            errors.extend(exc.errors)
            continue
        out.append(
            Discovered(
                platform=str(row.get("平台", "") or "").strip(),
                name=name,
                handle=str(row.get("帐号ID", "") or "").strip(),
                url=str(row.get("链接", "") or "").strip(),
                bio=str(row.get("简介", "") or "").strip(),
                followers=followers,
                row=row.number,
            )
        )
    if errors:
        raise ImportFileError(f"{len(errors)}行有错误，未处理任何一行", errors=errors)
    return out


def read_discovered(data: bytes, filename: str) -> list[Discovered]:
    from mediagov.core.tabular import read_table

    return discovered_from_table(read_table(data, filename))


def namewatch_record(institution, discovered: list[Discovered], *, user=None, source="import", filename=""):
    """Check `discovered` and store each verdict as a `DiscoveredAccount` (all or nothing, audited); an
    impersonation also becomes a compliance finding of the account it copies, an unregistered use an
    account-less finding of the institution for the propaganda department
    (`compliance.services.finding_record_namewatch`, once per discovered account however often it is
    imported). Each saved row carries `finding` (the finding, or None) and `finding_created`."""
    from django.db import transaction

    from mediagov.compliance.services import finding_record_namewatch
    from mediagov.core.audit import log_action

    from .models import DiscoveredAccount

    results = namewatch_check(institution, discovered)
    saved = []
    with transaction.atomic():
        for d, r in zip(discovered, results, strict=True):
            obj = DiscoveredAccount.objects.create(
                institution=institution,
                platform=r.platform or d.platform,
                name=d.name,
                handle_raw=d.handle,
                url=d.url,
                bio=d.bio,
                followers=d.followers,
                handle=r.handle,
                verdict=r.verdict,
                keyword=r.keyword or "",
                variant=r.variant,
                matched=r.matched,
                account_id=r.account,
                score=r.score,
                evidence=r.evidence,
                article=r.article,
                source=source,
                filename=filename,
                row=d.row,
                created_by=user,
            )
            log_action(obj, "namewatch.check", user=user, data={"verdict": r.verdict, "keyword": r.keyword})
            obj.finding, obj.finding_created = finding_record_namewatch(obj, user=user)
            saved.append(obj)
    return saved


def verdict_of(obj) -> NameVerdict:
    """The `NameVerdict` a stored `DiscoveredAccount` records (for its notice)."""
    return NameVerdict(
        verdict=obj.verdict,
        keyword=obj.keyword or None,
        account=obj.account_id,
        account_name=obj.account.name if obj.account_id else "",
        variant=obj.variant,
        matched=obj.matched,
        score=obj.score,
        platform=obj.platform,
        handle=obj.handle,
        name=obj.name,
        row=obj.row,
        evidence=list(obj.evidence or []),
        article=obj.article,
    )
