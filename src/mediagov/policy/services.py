"""Loading policy packs into the database, and describing a loaded pack.

`policy_load` is the one way an institution comes to exist or changes its rules: it validates the pack
(`policy.validate`), then, in one transaction, writes the Institution and the departments the pack names.
"""

import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace

import yaml
from django.db import transaction
from django.utils import timezone

from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError
from mediagov.org.models import Institution, Role, Unit, UnitKind

from .pack import PACKS_DIR, PolicyPack, shipped_pack_path
from .validate import SLUG_RE, VALUE_LABELS, PackError, pack_json_ready, pack_parse


class PackInvalidError(DomainError):
    """A pack that does not validate; `errors` lists every problem."""

    def __init__(self, errors: list[PackError], *, source: str = ""):
        where = f"（{source}）" if source else ""
        lines = "\n".join(str(e) for e in errors)
        super().__init__(
            f"政策包{where}校验未通过，共 {len(errors)} 处错误：\n{lines}", code="policy_invalid"
        )
        self.errors = errors


@dataclass
class PolicyLoadResult:
    """What `policy_apply` did, for the command line and the admin to report."""

    institution: Institution
    created: bool
    pack_changed: bool
    units_created: list[str] = field(default_factory=list)
    units_updated: list[str] = field(default_factory=list)
    units_unchanged: list[str] = field(default_factory=list)


def pack_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def policy_apply(*, text: str, source: str = "", user=None) -> PolicyLoadResult:
    """Validate the pack `text` and write it: the Institution by `institution.code`, and its departments.

    All or nothing: an invalid pack raises `PackInvalidError` (a DomainError listing every problem) before
    anything is written, and a failure while writing rolls everything back. Departments become top-level
    units when they are new; existing units with the same code keep their place in the tree and get the
    pack's name and kind. Units the pack no longer lists are left alone (accounts may belong to them).
    """
    data, errors = pack_parse(text)
    if errors or data is None:
        raise PackInvalidError(errors, source=source)
    sha = pack_sha256(text)
    ident, regulation = data["institution"], data["regulation"]
    pack = PolicyPack(data)
    with transaction.atomic():
        institution = Institution.objects.select_for_update().filter(code=ident["code"]).first()
        created = institution is None
        if created:
            institution = Institution(code=ident["code"])
        pack_changed = created or institution.pack_sha256 != sha
        institution.name = ident["name"]
        institution.short_name = ident.get("short_name", "")
        institution.regulation_title = regulation["title"]
        institution.regulation_published = pack.published
        institution.pack = pack_json_ready(data)
        institution.pack_sha256 = sha
        institution.pack_loaded_at = timezone.now()
        institution.save()
        result = PolicyLoadResult(institution=institution, created=created, pack_changed=pack_changed)
        existing = {u.code: u for u in Unit.objects.filter(institution=institution)}
        for dept in pack.departments:
            unit = existing.get(dept["code"])
            if unit is None:
                Unit.objects.create(
                    institution=institution,
                    parent=None,
                    code=dept["code"],
                    name=dept["name"],
                    kind=dept["kind"],
                )
                result.units_created.append(dept["code"])
            elif (unit.name, unit.kind) != (dept["name"], dept["kind"]):
                unit.name, unit.kind = dept["name"], dept["kind"]
                unit.save()
                result.units_updated.append(dept["code"])
            else:
                result.units_unchanged.append(dept["code"])
        log_action(
            institution,
            "policy.loaded",
            user=user,
            institution=institution,
            data={"sha256": sha, "source": source},
        )
    return result


def policy_load(*, text: str, source: str = "", user=None) -> Institution:
    """Validate and load the pack `text`; returns the created or updated Institution (see `policy_apply`)."""
    return policy_apply(text=text, source=source, user=user).institution


def _is_example_pack(path) -> bool:
    """Whether the pack file says `example: true` (see `example_pack_codes`)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False  # a broken pack stays listed as shipped, so `policy list` shows its errors
    return isinstance(data, dict) and data.get("example") is True


def shipped_pack_codes() -> list[str]:
    """Codes of the packs shipped with mediagov (src/mediagov/policy/packs/<code>.yaml), examples excluded."""
    return sorted(p.stem for p in PACKS_DIR.glob("*.yaml") if not _is_example_pack(p))


def example_pack_codes() -> list[str]:
    """Codes of the example packs in src/mediagov/policy/packs/ (`example: true`: written from a partly
    retrieved text, not confirmed by the institution). They are not shipped packs: `--shipped`, the admin's
    reload and the demo do not use them; load one by its path (`mediagov policy load .../packs/hfut.yaml`)."""
    return sorted(p.stem for p in PACKS_DIR.glob("*.yaml") if _is_example_pack(p))


def shipped_pack_text(code: str) -> str:
    if not isinstance(code, str) or not SLUG_RE.match(code) or code not in shipped_pack_codes():
        known = "、".join(shipped_pack_codes())
        hint = ""
        if isinstance(code, str) and code in example_pack_codes():
            hint = f"；{code} 是示例政策包，请用文件路径加载：mediagov policy load {shipped_pack_path(code)}"
        raise DomainError(f"没有代码为“{code}”的内置政策包（内置：{known}{hint}）", code="policy_unknown")
    return shipped_pack_path(code).read_text(encoding="utf-8")


def policy_apply_shipped(code: str, *, user=None) -> PolicyLoadResult:
    text = shipped_pack_text(code)
    data, _errors = pack_parse(text)
    pack_code = PolicyPack(data).code if data else ""
    if data and pack_code and pack_code != code:
        raise DomainError(f"内置政策包 {code}.yaml 中的 institution.code 为“{pack_code}”，应与文件名一致")
    return policy_apply(text=text, source=f"shipped:{code}", user=user)


def policy_load_shipped(code: str, *, user=None) -> Institution:
    """Load the shipped pack `code` (e.g. "dut", "yufe")."""
    return policy_apply_shipped(code, user=user).institution


# ---------------------------------------------------------------- describing a pack
FILING_KIND_LABELS = {"new": "新建备案", "legacy": "补交备案", "change": "变更备案", "cancel": "注销备案"}
LEVEL_LABELS = {"error": "不通过", "warning": "提醒", "info": "提示"}


def policy_describe(*, pack: PolicyPack) -> list[str]:
    """A readable summary of `pack` (Chinese lines): chains per owner kind, extra steps, deadlines, rules."""
    departments = {d["code"]: d["name"] for d in pack.departments}
    lines = [
        f"《{pack.title}》（{pack.code}，公布日期 {pack.published or '未填写'}）",
        "",
        "审批链（按主体类别）：",
    ]
    for kind in UnitKind:
        supervisor = pack.supervisor_code(kind.value)
        route = f"归口 {departments.get(supervisor, supervisor)}" if supervisor else "所在单位监管"
        steps = pack.chain_for(SimpleNamespace(owner_kind=kind.value))
        chain = " → ".join(f"{s.label}[{Role(s.role).label}]" for s in steps)
        lines.append(f"  {kind.label}（{kind.value}，{route}）：{chain}")
    extras = pack.data.get("approval", {}).get("extra_steps", [])
    if extras:
        lines += ["", "附加环节："]
        for extra in extras:
            where = f"插在“{Role(extra['before']).label}”之前" if extra.get("before") else "加在最后"
            when = VALUE_LABELS.get(extra["when"], extra["when"])
            lines.append(f"  {when}：{extra['label']}，{where}（{pack.cite(extra.get('article', ''))}）")
    lines += ["", "备案时限："]
    for kind in pack.filing_kinds:
        deadline = pack.deadline(kind)
        rule = f"{deadline.label}（{pack.cite(deadline.article)}）" if deadline else "无时限"
        lines.append(f"  {FILING_KIND_LABELS.get(kind, kind)}：{rule}")
    names = pack.protected_names
    if names:
        allow = f"；豁免：{'、'.join(names.get('allowlist', []))}" if names.get("allowlist") else ""
        roles = "、".join(Role(r).label for r in names.get("requires_roles", []))
        lines += [
            "",
            f"名称保护：{'、'.join(names.get('keywords', []))}{allow}"
            + (f"；须经{roles}审批" if roles else "")
            + f"（{pack.cite(names.get('article', ''))}）",
        ]
    rules = pack.quotas + pack.staffing + list(pack.data.get("rules", []) or [])
    if rules:
        lines += ["", "检查规则："]
        for rule in rules:
            level = LEVEL_LABELS.get(rule.get("level", ""), rule.get("level", ""))
            text = rule.get("text", "")
            lines.append(
                f"  {rule['kind']}（{level}）：{text}（{pack.cite(rule.get('article', ''))}）".replace(
                    "（）", ""
                )
            )
    report = pack.monthly_report
    if report:
        window = report.get("window", {})
        lines += [
            "",
            f"月报：每月{window.get('first_day')}日至{window.get('last_day')}日报送（{pack.cite(report.get('article', ''))}）",
        ]
    if pack.alliance:
        lines += [
            "",
            f"联盟/矩阵：{pack.alliance.get('name', '')}（{pack.cite(pack.alliance.get('article', ''))}）",
        ]
    return lines
