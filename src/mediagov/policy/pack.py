"""PolicyPack: an institution's rules as data. Code asks the pack; it never asks which institution it is.

The pack is stored on `Institution.pack` as the validated YAML mapping (see `policy.validate`).
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

PACKS_DIR = Path(__file__).resolve().parent / "packs"


@dataclass(frozen=True)
class Deadline:
    kind: str
    amount: int
    unit: str  # working_days | calendar_days | weeks
    anchor: str  # creation | opening | publication | change | closure
    direction: str  # after | before
    article: str
    text: str

    @property
    def label(self) -> str:
        units = {"working_days": "个工作日", "calendar_days": "日", "weeks": "周"}
        events = {
            "creation": "创建",
            "opening": "开通",
            "publication": "办法公布",
            "change": "信息变更",
            "closure": "关停",
        }
        event = events[self.anchor]
        if self.direction == "before":
            if self.amount == 0:
                return f"{event}前须审批通过"
            return f"{event}前{self.amount}{units[self.unit]}"
        return f"{event}后{self.amount}{units[self.unit]}内"


@dataclass(frozen=True)
class StepSpec:
    role: str
    at: str  # unit | supervisor | institution
    label: str
    article: str


@dataclass(frozen=True)
class ReviewLevelSpec:
    """One level of 先审后发 (content review before publishing): who decides it, where, and why."""

    roles: tuple[str, ...]
    at: str  # unit | supervisor | institution, as for approval steps
    label: str
    article: str


# Packs without a `screening.review` section: two levels inside the unit, no school-level accounts.
DEFAULT_RESCREEN_DAYS = 30  # packs without `screening.rescreen_days`
DEFAULT_REVIEW = {
    "levels": {
        "default": [
            {"roles": ["responsible", "unit_head"], "at": "unit", "label": "初审（直接责任人或单位负责人）"},
            {"roles": ["unit_head", "unit_party"], "at": "unit", "label": "复审（单位负责人或二级党组织）"},
        ]
    }
}


@dataclass(frozen=True)
class RuleSpec:
    """One compliance rule of a pack: a kind of the catalogue with its parameters and its article."""

    id: str
    kind: str
    article: str
    params: dict
    level: str = "error"
    text: str = ""
    severity: str = ""  # empty: from level (error → high, warning → medium, info → low)
    action: str = ""  # empty: the kind's default required action
    rectify: dict | None = None  # {amount, unit}; empty: DEFAULT_RECTIFY


DEFAULT_RECTIFY = {"amount": 10, "unit": "working_days"}
LEVEL_SEVERITY = {"error": "high", "warning": "medium", "info": "low"}
RULE_META_KEYS = {"id", "kind", "article", "level", "text", "severity", "action", "rectify"}
DEFAULT_REMINDERS = {
    "unit": "working_days",
    "before": [3, 1],
    "on_due_day": True,
    "after": [1],
    "escalate": [{"after": 1, "to": "unit_head"}, {"after": 3, "to": "propaganda"}],
    "channels": ["inapp", "email", "wecom", "dingtalk"],
}


class PolicyPack:
    def __init__(self, data: dict):
        self.data = data or {}

    # --- identity
    @property
    def code(self) -> str:
        return self.data.get("institution", {}).get("code", "")

    @property
    def title(self) -> str:
        return self.data.get("regulation", {}).get("title", "")

    @property
    def published(self) -> date | None:
        value = self.data.get("regulation", {}).get("published")
        if isinstance(value, date):
            return value
        return date.fromisoformat(value) if value else None

    def cite(self, article: str) -> str:
        """《办法》第X条 — how every check, deadline and finding names its source."""
        return f"《{self.title}》{article}" if article else f"《{self.title}》"

    # --- filing kinds and deadlines
    @property
    def filing_kinds(self) -> list[str]:
        return list(self.data.get("filing_kinds", ["new", "change", "cancel"]))

    def deadline(self, kind: str) -> Deadline | None:
        raw = self.data.get("deadlines", {}).get(kind)
        if not raw:
            return None
        return Deadline(
            kind=kind,
            amount=int(raw["amount"]),
            unit=raw["unit"],
            anchor=raw["from"],
            direction=raw.get("direction", "after"),
            article=raw.get("article", ""),
            text=raw.get("text", ""),
        )

    # --- owner kinds and supervision (DUT 第五条)
    def supervisor_code(self, owner_kind: str) -> str | None:
        route = self.data.get("owner_kinds", {}).get("routes", {}).get(owner_kind, {})
        code = route.get("supervisor", "host")
        return None if code == "host" else code

    def kinds_supervised_by(self, unit_code: str) -> list[str]:
        routes = self.data.get("owner_kinds", {}).get("routes", {})
        return [kind for kind, route in routes.items() if route.get("supervisor") == unit_code]

    # --- approval chain
    def chain_for(self, account) -> list[StepSpec]:
        """The ordered steps a filing of `account` passes: the owner kind's chain plus any extra steps."""
        approval = self.data.get("approval", {})
        chains = approval.get("chains", {})
        raw = chains.get(account.owner_kind) or chains.get("default", [])
        steps = [
            StepSpec(s["role"], s.get("at", "institution"), s["label"], s.get("article", "")) for s in raw
        ]
        for extra in approval.get("extra_steps", []):
            if not getattr(account, extra["when"], False):
                continue
            if any(s.role == extra["role"] for s in steps):
                continue
            spec = StepSpec(
                extra["role"], extra.get("at", "institution"), extra["label"], extra.get("article", "")
            )
            before = extra.get("before")
            idx = next((i for i, s in enumerate(steps) if s.role == before), len(steps))
            steps.insert(idx, spec)
        return steps

    # --- content review before publishing (先审后发, 三审三校): `screening.review`
    @property
    def review(self) -> dict:
        return self._screening.get("review") or DEFAULT_REVIEW

    @property
    def screening_categories(self) -> dict[str, dict]:
        """Each screening category's article, severity and whether it blocks (`screening.categories`)."""
        return self._screening.get("categories") or {}

    @property
    def rescreen_days(self) -> int:
        """After a lexicon changes, the posts of the last N days are screened again (`screening.rescreen_days`)."""
        return self._screening.get("rescreen_days") or DEFAULT_RESCREEN_DAYS

    @property
    def _screening(self) -> dict:
        """The pack's `screening` section, empty when it has none."""
        return self.data.get("screening") or {}

    def is_school_level(self, account) -> bool:
        """Whether `account` is a school-level account: its responsible unit is (under) a listed unit."""
        codes = set(self.review.get("school_units") or [])
        if not codes:
            return False
        return any(u.code in codes for u in account.responsible_unit.ancestors_and_self())

    def review_levels_for(self, account) -> list[ReviewLevelSpec]:
        """The ordered review levels a draft for `account` passes (the pattern of `chain_for`): the school
        chain for school-level accounts, else the owner kind's or the default chain; plus extra levels."""
        conf = self.review
        chains = conf.get("levels") or {}
        if self.is_school_level(account) and chains.get("school"):
            raw = chains["school"]
        else:
            raw = chains.get(account.owner_kind) or chains.get("default", [])

        def spec(s: dict) -> ReviewLevelSpec:
            roles = s.get("roles") or [s["role"]]
            return ReviewLevelSpec(tuple(roles), s.get("at", "institution"), s["label"], s.get("article", ""))

        levels = [spec(s) for s in raw]
        for extra in conf.get("extra_levels", []) or []:
            if not getattr(account, extra["when"], False):
                continue
            level = spec(extra)
            if any(set(level.roles) & set(lv.roles) for lv in levels):
                continue
            before = extra.get("before")
            idx = next((i for i, lv in enumerate(levels) if before in lv.roles), len(levels))
            levels.insert(idx, level)
        return levels

    # --- names (DUT 第九条)
    @property
    def protected_names(self) -> dict:
        return self.data.get("protected_names", {}) or {}

    def protected_keywords_in(self, name: str) -> list[str]:
        """The protected keywords `name` uses, ignoring allowlisted phrases (大工 inside 大工业)."""
        conf = self.protected_names
        text = name.upper()
        for phrase in conf.get("allowlist", []):
            text = text.replace(phrase.upper(), "\0" * len(phrase))
        return [kw for kw in conf.get("keywords", []) if kw.upper() in text]

    # --- quotas and staffing
    @property
    def quotas(self) -> list[dict]:
        return list(self.data.get("quotas", []))

    @property
    def staffing(self) -> list[dict]:
        return list(self.data.get("staffing", []))

    def staffing_rule(self, kind: str) -> dict | None:
        return next((r for r in self.staffing if r["kind"] == kind), None)

    # --- reporting (YUFE 第十五条) and rules other institutions carry (see `rules:` in docs/policy-packs.md)
    @property
    def monthly_report(self) -> dict:
        return self.data.get("monthly_report", {}) or {}

    def rules_of(self, kind: str) -> list[dict]:
        """The entries of the pack's `rules:` list of one kind (e.g. inactivity), in pack order."""
        return [r for r in self.data.get("rules", []) or [] if r.get("kind") == kind]

    # --- compliance (mediagov.compliance scans these)
    def compliance_rules(self) -> list[RuleSpec]:
        """Every rule the scans evaluate: filing deadlines, quotas, staffing, then the `rules:` list."""
        specs: list[RuleSpec] = []
        for kind in self.filing_kinds:
            raw = self.data.get("deadlines", {}).get(kind)
            if raw:
                specs.append(self._spec(raw, "filing_deadline", f"deadline.{kind}", {"filing": kind}))
        for section in ("quotas", "staffing"):
            for raw in self.data.get(section, []) or []:
                specs.append(self._spec(raw, raw["kind"], f"{section[:5]}.{raw['kind']}", None))
        for raw in self.data.get("rules", []) or []:
            specs.append(self._spec(raw, raw["kind"], raw["kind"], None))
        return specs

    @staticmethod
    def _spec(raw: dict, kind: str, default_id: str, params: dict | None) -> RuleSpec:
        if params is None:
            params = {k: v for k, v in raw.items() if k not in RULE_META_KEYS}
        return RuleSpec(
            id=raw.get("id") or default_id,
            kind=kind,
            article=raw.get("article", ""),
            params=params,
            level=raw.get("level", "error"),
            text=raw.get("text", ""),
            severity=raw.get("severity", ""),
            action=raw.get("action", ""),
            rectify=raw.get("rectify"),
        )

    @property
    def sanctions(self) -> dict:
        """The sanction ladder's article and the rectification period a sanction gives (DUT 第十九条)."""
        return {"rectify": DEFAULT_RECTIFY, **(self.data.get("sanctions") or {})}

    @property
    def reminders(self) -> dict:
        return {**DEFAULT_REMINDERS, **(self.data.get("reminders") or {})}

    # --- misc
    @property
    def alliance(self) -> dict:
        return self.data.get("alliance", {}) or {}

    @property
    def form_layout(self) -> str:
        return self.data.get("forms", {}).get("filing", "yufe")

    def guidance(self, where: str) -> list[dict]:
        return [g for g in self.data.get("guidance", []) if g.get("where") == where]

    @property
    def departments(self) -> list[dict]:
        return list(self.data.get("departments", []))


def shipped_pack_path(code: str) -> Path:
    return PACKS_DIR / f"{code}.yaml"
