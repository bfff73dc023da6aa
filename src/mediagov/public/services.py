"""The public directory and the "is this account official?" check (no login).

Only what the public may read leaves this module: `PublicAccount` holds the account's name, platform,
platform id and homepage, its responsible unit's name, its status, the verified flag and the date of its
last post. No person (responsible people, managers, filers), no phone, e-mail or staff number.

Listed accounts are those whose filing was approved and that still operate (`LISTED`: 运营中, 整改中,
关停整改). Accounts still in filing (申请中) do not exist for the public; cancelled accounts (已注销) are not
listed but the check answers "已注销" for them, so that an old link is not mistaken for an official one.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache

from django.db.models import Max, Q
from django.utils import timezone
from rapidfuzz import fuzz, process

from mediagov.org.models import Institution
from mediagov.registry.models import AccountStatus, MediaAccount
from mediagov.registry.platforms import (
    HOST_PLATFORMS,
    PLATFORM_INFO,
    HandleError,
    Platform,
    looks_like_url,
    normalise_handle,
    normalise_url,
    url_platform,
)

LISTED = (AccountStatus.ACTIVE, AccountStatus.RECTIFYING, AccountStatus.SUSPENDED)
ANSWERED = (*LISTED, AccountStatus.CANCELLED)
# Names at least this similar (rapidfuzz ratio, 0–100, on normalised names) are offered as close names.
CLOSE_SCORE = 75
CLOSE_LIMIT = 5
MAX_QUERY = 300


class Verdict:
    OFFICIAL = "official"
    CANCELLED = "cancelled"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


MESSAGES = {
    Verdict.OFFICIAL: "是本校备案的官方帐号",
    Verdict.CANCELLED: "该帐号已注销，不再是本校的官方帐号",
    Verdict.AMBIGUOUS: "未找到名称完全一致的备案帐号；以下帐号名称相近，请核对平台与帐号ID",
    Verdict.NOT_FOUND: "未找到备案记录（可能不是官方帐号）",
}


@dataclass(frozen=True)
class PublicAccount:
    name: str
    platform: str
    platform_label: str
    platform_id: str
    url: str
    unit: str
    status: str
    status_label: str
    verified: bool
    last_activity: date | None

    @classmethod
    def of(cls, account: MediaAccount) -> "PublicAccount":
        last = getattr(account, "last_post", None)
        return cls(
            name=account.name,
            platform=account.platform,
            platform_label=account.media_type_label,
            platform_id=account.platform_id,
            url=account.url,
            unit=account.responsible_unit.name,
            status=account.status,
            status_label=account.get_status_display(),
            verified=account.verified,
            last_activity=timezone.localdate(last) if last else None,
        )

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class VerifyResult:
    query: str
    verdict: str
    matched_by: str = ""  # "url", "platform_id" or "name"; "" when nothing matched
    accounts: list[PublicAccount] = field(default_factory=list)  # the matches (or close names)

    @property
    def message(self) -> str:
        return MESSAGES[self.verdict]

    @property
    def official(self) -> bool:
        return self.verdict == Verdict.OFFICIAL

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "verdict": self.verdict,
            "official": self.official,
            "message": self.message,
            "matched_by": self.matched_by,
            "accounts": [a.as_dict() for a in self.accounts],
        }


def public_institutions():
    return Institution.objects.order_by("code")


def _accounts(institution, statuses):
    return (
        MediaAccount.objects.filter(institution=institution, status__in=statuses)
        .select_related("responsible_unit")
        .annotate(last_post=Max("posts__published_at"))
        .order_by("responsible_unit__path", "platform", "name")
    )


# --- name normalisation ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_NOISE_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def name_key(text: str) -> str:
    """A name as compared: full-width → half-width (NFKC), traditional → simplified, lower case, and no
    spaces, punctuation or symbols ("大連理工大學 學生會！" and "大连理工大学学生会" are the same key)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _t2s().convert(text)
    return _NOISE_RE.sub("", text).lower()


# --- the directory ---------------------------------------------------------------------------------------


def directory_accounts(institution, *, platform: str = "", q: str = "") -> list[PublicAccount]:
    """The institution's listed accounts, optionally of one platform and whose name, unit or id contains `q`
    (compared as `name_key`)."""
    accounts = _accounts(institution, LISTED)
    if platform:
        accounts = accounts.filter(platform=platform)
    rows = [PublicAccount.of(a) for a in accounts]
    key = name_key(q[:MAX_QUERY])
    if key:
        rows = [
            r
            for r in rows
            if key in name_key(r.name) or key in name_key(r.unit) or key in name_key(r.platform_id)
        ]
    return rows


def directory_groups(rows: list[PublicAccount]) -> list[dict]:
    """Rows grouped by unit, then by platform: [{"unit", "platforms": [{"label", "accounts"}]}]."""
    groups: dict[str, dict[str, list[PublicAccount]]] = {}
    for row in rows:
        groups.setdefault(row.unit, {}).setdefault(row.platform_label, []).append(row)
    return [
        {"unit": unit, "platforms": [{"label": label, "accounts": accs} for label, accs in by.items()]}
        for unit, by in groups.items()
    ]


def directory_platforms(institution) -> list[tuple[str, str]]:
    """(code, label) of the platforms the institution has listed accounts on, in Platform order."""
    used = set(
        MediaAccount.objects.filter(institution=institution, status__in=LISTED).values_list(
            "platform", flat=True
        )
    )
    return [(str(p.value), p.label) for p in Platform if p.value in used]


# --- the check -------------------------------------------------------------------------------------------


def _handle_candidates(value: str) -> Q | None:
    """Q over (platform, handle) for every platform that reads `value` as an id; None when none does."""
    q = None
    for platform in Platform:
        try:
            handle = normalise_handle(platform.value, value)
        except HandleError:
            continue
        if handle:
            term = Q(platform=platform.value, handle=handle)
            q = term if q is None else q | term
    return q


def account_verify(institution, query: str) -> VerifyResult:
    """Whether `query` (a homepage URL, a platform id or a name) is an official account of `institution`."""
    query = (query or "").strip()[:MAX_QUERY]
    result = VerifyResult(query=query, verdict=Verdict.NOT_FOUND)
    if not query:
        return result
    answered = _accounts(institution, ANSWERED)
    compact = re.sub(r"\s+", "", query)

    if looks_like_url(compact):
        found = normalise_url(compact)
        if found is not None:
            matches = list(answered.filter(platform=found[0], handle=found[1]))
        elif url_platform(compact) is None:  # a site of its own (news site, app page): host + path
            matches = [
                a
                for a in answered.filter(~Q(platform__in=list(_handled_platforms())))
                if a.handle == _site_handle(compact) or _site_handle(a.url) == _site_handle(compact)
            ]
        else:  # a platform's page that names no account (an article, a video)
            matches = []
        return _answer(result, matches, "url")

    by_id = Q(platform_id__iexact=compact)
    by_handle = _handle_candidates(compact)
    matches = list(answered.filter(by_id | by_handle if by_handle is not None else by_id))
    if matches:
        return _answer(result, matches, "platform_id")

    key = name_key(query)
    if not key:
        return result
    accounts = list(answered)
    exact = [a for a in accounts if name_key(a.name) == key]
    if exact:
        return _answer(result, exact, "name")
    listed = [a for a in accounts if a.status in LISTED]
    close = process.extract(
        key,
        {i: name_key(a.name) for i, a in enumerate(listed)},
        scorer=fuzz.ratio,
        score_cutoff=CLOSE_SCORE,
        limit=CLOSE_LIMIT,
    )
    if close:
        result.verdict = Verdict.AMBIGUOUS
        result.matched_by = "name"
        result.accounts = [PublicAccount.of(listed[i]) for _name, _score, i in close]
    return result


def _answer(result: VerifyResult, matches: list, matched_by: str) -> VerifyResult:
    if not matches:
        return result
    live = [a for a in matches if a.status in LISTED]
    result.verdict = Verdict.OFFICIAL if live else Verdict.CANCELLED
    result.matched_by = matched_by
    result.accounts = [PublicAccount.of(a) for a in (live or matches)]
    return result


def _handled_platforms() -> frozenset[str]:
    return frozenset(str(p) for p in HOST_PLATFORMS.values())


def _site_handle(url: str) -> str:
    if not url:
        return ""
    try:
        return normalise_handle(Platform.NEWS_SITE, url)
    except HandleError:
        return ""


def platform_label(code: str) -> str:
    info = PLATFORM_INFO.get(code)
    return info.label if info else code
