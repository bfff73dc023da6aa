"""Validation of policy packs: the YAML an institution's regulation is written in.

`pack_parse(text)` reads YAML and validates it; `pack_validate(data)` validates an already parsed mapping.
Both collect every problem rather than stopping at the first, and report each as a `PackError` whose `path`
names the place in the pack (`approval.chains.default[1].role`) and whose `message` says what is wrong, in
Chinese, for the department staff who write packs.

What a pack may contain is declared once, as data, in `PACK_SCHEMA` (built from the small spec classes
below) and in the vocabularies next to it (`QUOTA_KINDS`, `STAFFING_KINDS`, `RULE_KINDS`, ...). To add a rule
kind, add it to the matching vocabulary; rules that only some institutions have go under the loose `rules:`
list, and become strictly checked once their kind is registered in `RULE_KINDS`. Relations between parts
(a route names a listed department, `before` names a role of a chain, a legacy filing has a deadline counted
from publication, ...) are checked by the `_check_*` functions after the structure.
"""

import dataclasses
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from mediagov.org.models import INSTITUTION_WIDE_ROLES, Role, UnitKind


@dataclass(frozen=True)
class PackError:
    """One problem of a pack: where (`path`) and what (`message`, Chinese)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# ---------------------------------------------------------------- vocabularies
PACK_VERSION = 1
ROLES: tuple[str, ...] = tuple(Role.values)
UNIT_KINDS: tuple[str, ...] = tuple(UnitKind.values)
STEP_AT = ("unit", "supervisor", "institution")
EXTRA_STEP_WHEN = ("is_app", "data_integration", "online_payment", "foreign_related", "verified")
FILING_KINDS = ("new", "legacy", "change", "cancel")
DEADLINE_UNITS = ("working_days", "calendar_days", "weeks")
DEADLINE_ANCHORS = ("creation", "opening", "publication", "change", "closure")
DEADLINE_DIRECTIONS = ("after", "before")
LEVELS = ("error", "warning")
RULE_LEVELS = ("error", "warning", "info")
GUIDANCE_WHERE = ("filing", "account", "dashboard", "compliance")
SEVERITIES = ("low", "medium", "high", "urgent")
ANNUAL_WINDOWS = ("rolling", "calendar_year")
REPORT_CADENCES = ("monthly", "annual")
UNFILED_FROM = ("known", "creation", "publication")
PRIOR_REQUIRES = ("approved", "submitted")
AUDIENCES = ("unit_head", "propaganda")
CHANNELS = ("inapp", "email", "wecom", "dingtalk")
FORM_LAYOUTS = ("dut", "yufe")
SCREENING_CATEGORIES = (
    "prohibited",
    "school_rules",
    "school_image",
    "commercial_ad",
    "classified",
    "sensitive_topic",
    "typo",
    "protected_name",
)
HOST = "host"  # owner_kinds.routes.<kind>.supervisor: the account's own unit supervises (所在单位监管)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RULE_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

VALUE_LABELS = {
    # Shown after allowed values in messages so the writer of a pack sees what each code means.
    **{str(v): str(lbl) for v, lbl in Role.choices},
    **{str(v): str(lbl) for v, lbl in UnitKind.choices},
    "unit": "帐号所在单位",
    "supervisor": "归口监管部门",
    "institution": "全校",
    "is_app": "移动客户端",
    "data_integration": "对接学校业务数据",
    "online_payment": "开通在线支付",
    "foreign_related": "涉外",
    "verified": "已认证",
    "new": "新建备案",
    "legacy": "补交备案",
    "change": "变更备案",
    "cancel": "注销备案",
    "working_days": "工作日",
    "calendar_days": "自然日",
    "weeks": "周",
    "creation": "创建",
    "opening": "开通",
    "publication": "办法公布",
    "closure": "关停",
    "after": "之后",
    "before": "之前",
    "error": "不通过",
    "warning": "提醒",
    "info": "提示",
    "filing": "备案页面",
    "account": "帐号页面",
    "dashboard": "工作台",
    "default": "默认",
    "compliance": "合规检查页面",
    "low": "提示",
    "medium": "一般",
    "high": "严重",
    "urgent": "紧急",
    "rolling": "滚动一年（检查日前365天）",
    "calendar_year": "上一自然年",
    "monthly": "每月",
    "annual": "每年",
    "known": "帐号录入系统",
    "unit_head": "单位负责人",
    "propaganda": "党委宣传部",
    "inapp": "站内消息",
    "email": "电子邮件",
    "wecom": "企业微信群机器人",
    "dingtalk": "钉钉群机器人",
    "approved": "审批通过",
    "submitted": "提交申请",
    # rule kinds, so that a wrong `kind` is answered with what each kind checks
    "filing_deadline": "备案超过时限",
    "main_account_per_platform": "一个单位在一个平台上的主体账户数",
    "app_per_category": "一个单位每种类型的客户端数",
    "direct_responsible_on_staff": "直接责任人须为在岗教职工",
    "verified_admins_on_staff": "已认证帐号的管理员须为在岗在编教职工",
    "payment_needs_approval": "在线支付须经批准",
    "data_integration_needs_approval": "对接学校数据须经审批",
    "guiding_teacher_for_student_accounts": "帐号须有在岗指导教师，默认仅学生组织帐号",
    "admins_on_roster": "管理员离校未交接",
    "min_admins": "管理员人数下限",
    "unfiled_account": "帐号未备案",
    "prior_approval": "先审批（申请）后开设",
    "inactivity_months": "连续N个自然月未更新",
    "inactivity_annual": "一年发布少于N条",
    "inactivity_days": "最近N天未更新",
    "report_window": "报表（年审材料）未按时报送",
    "report_count_mismatch": "月报表申报的发布信息数量与实际不符",
    "report_classified": "月报表申报发布内容涉密",
    # screening categories (mediagov.screening)
    "prohibited": "法律法规禁止的内容",
    "school_rules": "违反学校管理规定",
    "school_image": "损害学校形象",
    "commercial_ad": "与学校无关的商业广告",
    "classified": "涉密信息",
    "sensitive_topic": "重大事件、突发事件及敏感问题",
    "typo": "错别字及错误表述",
    "protected_name": "学校名称及简称",
}


# ---------------------------------------------------------------- spec classes
Errors = list[PackError]


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _type_name(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, datetime):
        return "日期时间"
    if isinstance(value, date):
        return "日期"
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    return type(value).__name__


def _wrong_type(path: str, expected: str, value: Any) -> PackError:
    if value is None:
        return PackError(path, f"不能为空，应为{expected}（不需要时请删除这一项）")
    return PackError(path, f"应为{expected}，实际为{_type_name(value)}")


def _allowed(values: tuple[str, ...]) -> str:
    return "、".join(f"{v}（{VALUE_LABELS[v]}）" if v in VALUE_LABELS else v for v in values)


@dataclass(frozen=True)
class Spec:
    required: bool = field(default=True, kw_only=True)

    def check(self, value: Any, path: str, out: Errors) -> None:
        raise NotImplementedError


def optional(spec: Spec) -> Spec:
    return dataclasses.replace(spec, required=False)


@dataclass(frozen=True)
class Text(Spec):
    max_len: int | None = None
    pattern: re.Pattern | None = None
    pattern_hint: str = ""

    def check(self, value, path, out):
        if not isinstance(value, str):
            out.append(_wrong_type(path, "文本", value))
            return
        if not value.strip():
            out.append(PackError(path, "不能为空"))
            return
        if self.max_len is not None and len(value) > self.max_len:
            out.append(PackError(path, f"不能超过{self.max_len}个字符（现有{len(value)}个）"))
        if self.pattern is not None and not self.pattern.match(value):
            out.append(PackError(path, f"“{value}”格式不对：{self.pattern_hint}"))


@dataclass(frozen=True)
class Integer(Spec):
    min: int | None = None
    max: int | None = None

    def check(self, value, path, out):
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(_wrong_type(path, "整数", value))
            return
        if self.min is not None and value < self.min:
            out.append(PackError(path, f"不能小于{self.min}（现为{value}）"))
        if self.max is not None and value > self.max:
            out.append(PackError(path, f"不能大于{self.max}（现为{value}）"))


@dataclass(frozen=True)
class OneOf(Spec):
    values: tuple[str, ...] = ()
    what: str = "取值"

    def check(self, value, path, out):
        if not isinstance(value, str):
            out.append(_wrong_type(path, f"文本，可选{_allowed(self.values)}", value))
        elif value not in self.values:
            out.append(PackError(path, f"{self.what}“{value}”无效，应为{_allowed(self.values)}之一"))


@dataclass(frozen=True)
class Bool(Spec):
    def check(self, value, path, out):
        if not isinstance(value, bool):
            out.append(_wrong_type(path, "布尔值（true 或 false）", value))


@dataclass(frozen=True)
class IsoDate(Spec):
    def check(self, value, path, out):
        if value is None or isinstance(value, bool | int | float | list | dict):
            out.append(_wrong_type(path, "日期（YYYY-MM-DD，如 2017-09-01）", value))
        elif isinstance(value, datetime):
            out.append(PackError(path, "应为日期（如 2017-09-01），不能带时间"))
        elif isinstance(value, date):
            return
        elif isinstance(value, str) and ISO_DATE_RE.match(value.strip()):
            try:
                date.fromisoformat(value.strip())
            except ValueError:
                out.append(PackError(path, f"“{value}”不是有效日期"))
        else:
            out.append(PackError(path, f"应为日期，格式为 YYYY-MM-DD（如 2017-09-01），实际为“{value}”"))


@dataclass(frozen=True)
class Seq(Spec):
    item: Spec = field(default_factory=Text)
    nonempty: bool = False
    unique: bool = False  # for lists of texts or integers: no value twice

    def check(self, value, path, out):
        if not isinstance(value, list):
            out.append(_wrong_type(path, "列表", value))
            return
        if self.nonempty and not value:
            out.append(PackError(path, "不能为空列表"))
        seen: set = set()
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            self.item.check(item, item_path, out)
            if self.unique and isinstance(item, str | int) and not isinstance(item, bool):
                if item in seen:
                    out.append(PackError(item_path, f"“{item}”重复出现"))
                seen.add(item)


@dataclass(frozen=True)
class Mapping(Spec):
    """A mapping with a fixed set of keys; any other key is an error (a typo caught early)."""

    fields: dict[str, Spec] = field(default_factory=dict)

    def check(self, value, path, out):
        if not isinstance(value, dict):
            out.append(_wrong_type(path, "映射（键: 值）", value))
            return
        _check_fields(value, self.fields, path, out)


def _check_fields(value: dict, fields: dict[str, Spec], path: str, out: Errors) -> None:
    for key, spec in fields.items():
        if key in value:
            spec.check(value[key], _join(path, key), out)
        elif spec.required:
            out.append(PackError(_join(path, key), "缺少必填项"))
    for key in value:
        if key not in fields:
            out.append(_unknown_key(path, key, list(fields)))


def _unknown_key(path: str, key: Any, allowed: list[str]) -> PackError:
    hint = ""
    close = difflib.get_close_matches(str(key), allowed, n=1)
    if close:
        hint = f"，是否应为“{close[0]}”？"
    elif allowed:
        hint = f"，允许的键：{'、'.join(allowed)}"
    return PackError(_join(path, key), f"未知的键“{key}”{hint}")


@dataclass(frozen=True)
class KeyedMap(Spec):
    """A mapping whose keys come from a vocabulary (`keys`) and whose values all follow `value`."""

    keys: tuple[str, ...] = ()
    value: Spec = field(default_factory=Text)
    nonempty: bool = False
    what: str = "键"

    def check(self, value, path, out):
        if not isinstance(value, dict):
            out.append(_wrong_type(path, "映射（键: 值）", value))
            return
        if self.nonempty and not value:
            out.append(PackError(path, "不能为空"))
        for key, item in value.items():
            if key not in self.keys:
                out.append(
                    PackError(_join(path, key), f"{self.what}“{key}”无效，应为{_allowed(self.keys)}之一")
                )
                continue
            self.value.check(item, _join(path, key), out)


@dataclass(frozen=True)
class Kinded(Spec):
    """A rule entry: `kind` picks, from `kinds`, the fields it takes besides the `common` ones."""

    kinds: dict[str, dict[str, Spec]] = field(default_factory=dict)
    common: dict[str, Spec] = field(default_factory=dict)

    def check(self, value, path, out):
        if not isinstance(value, dict):
            out.append(_wrong_type(path, "映射（键: 值）", value))
            return
        kind = value.get("kind")
        if "kind" not in value:
            out.append(PackError(_join(path, "kind"), "缺少必填项"))
        else:
            OneOf(values=tuple(self.kinds), what="规则类型").check(kind, _join(path, "kind"), out)
        if isinstance(kind, str) and kind in self.kinds:
            fields = {**self.common, **self.kinds[kind]}
        else:
            # Unknown kind: check what all kinds share, and accept any kind's own fields without noise.
            extra = {k: optional(s) for own in self.kinds.values() for k, s in own.items()}
            fields = {**self.common, **extra}
        _check_fields({k: v for k, v in value.items() if k != "kind"}, fields, path, out)


@dataclass(frozen=True)
class LooseRule(Spec):
    """An entry of `rules:`: needs `kind` and `article`; strict only for kinds registered in `RULE_KINDS`."""

    def check(self, value, path, out):
        if not isinstance(value, dict):
            out.append(_wrong_type(path, "映射（键: 值）", value))
            return
        kind = value.get("kind")
        for key, spec in RULE_COMMON.items():
            if key in value:
                spec.check(value[key], _join(path, key), out)
            elif spec.required:
                out.append(PackError(_join(path, key), "缺少必填项"))
        if isinstance(kind, str) and kind in RULE_KINDS:
            fields = RULE_KINDS[kind]
            rest = {k: v for k, v in value.items() if k not in RULE_COMMON}
            _check_fields(rest, fields, path, out)


# ---------------------------------------------------------------- the schema
ARTICLE = Text(max_len=100)  # 第八条, 第十五条（三）: the regulation's article each rule comes from
SLUG_HINT = "只能用小写英文字母、数字、下划线和连字符，且以字母或数字开头"
ROLE = OneOf(values=ROLES, what="角色")
AT = OneOf(values=STEP_AT, what="审批位置")
LEVEL = OneOf(values=LEVELS, what="级别")

STEP = Mapping(
    fields={
        "role": ROLE,
        "at": AT,
        "label": Text(max_len=100),
        "article": ARTICLE,
    }
)
EXTRA_STEP = Mapping(
    fields={
        "when": OneOf(values=EXTRA_STEP_WHEN, what="条件"),
        "role": ROLE,
        "at": AT,
        "before": optional(ROLE),
        "label": Text(max_len=100),
        "article": ARTICLE,
    }
)
# 先审后发 (screening.review): a level is decided by any holder of `roles` at `at`; see PolicyPack.review.
REVIEW_LEVEL_FIELDS = {
    "roles": Seq(item=ROLE, nonempty=True, unique=True),
    "at": AT,
    "label": Text(max_len=100),
    "article": ARTICLE,
}
REVIEW = Mapping(
    fields={
        "article": optional(ARTICLE),
        "text": optional(Text()),
        "school_units": optional(Seq(item=Text(max_len=40), unique=True)),
        "levels": KeyedMap(
            keys=("default", "school", *UNIT_KINDS),
            value=Seq(item=Mapping(fields=REVIEW_LEVEL_FIELDS), nonempty=True),
            what="审核链名称（default、school 或主体类别）",
        ),
        "extra_levels": optional(
            Seq(
                item=Mapping(
                    fields={
                        "when": OneOf(values=EXTRA_STEP_WHEN, what="条件"),
                        "before": optional(ROLE),
                        **REVIEW_LEVEL_FIELDS,
                    }
                )
            )
        ),
    }
)
# A period counted from a date, e.g. the time a finding gives to rectify: {amount: 10, unit: working_days}.
PERIOD = Mapping(fields={"amount": Integer(min=0), "unit": OneOf(values=DEADLINE_UNITS, what="时间单位")})
# An annual window announced by that year's notice (年审通知): the review of `year`, from `first` to `last`.
ANNOUNCED_WINDOW = Mapping(
    fields={"year": Integer(min=2000, max=2100), "first": IsoDate(), "last": IsoDate()}
)
# What a compliance rule may add to say how its findings read and are handled (see docs/policy-packs.md).
FINDING_FIELDS: dict[str, Spec] = {
    "id": optional(Text(max_len=60, pattern=SLUG_RE, pattern_hint=SLUG_HINT)),
    "severity": optional(OneOf(values=SEVERITIES, what="严重程度")),
    "action": optional(Text(max_len=300)),
    "rectify": optional(PERIOD),
}
DEADLINE = Mapping(
    fields={
        "amount": Integer(min=0),
        "unit": OneOf(values=DEADLINE_UNITS, what="时间单位"),
        "from": OneOf(values=DEADLINE_ANCHORS, what="起算点"),
        "direction": optional(OneOf(values=DEADLINE_DIRECTIONS, what="方向")),
        "article": ARTICLE,
        "text": optional(Text()),
        **FINDING_FIELDS,
    }
)

# Rule kinds of `quotas:` and `staffing:`; each maps to the fields it takes besides the common ones.
# Each kind is implemented by a check in mediagov.registry.checks.
QUOTA_KINDS: dict[str, dict[str, Spec]] = {
    "main_account_per_platform": {},  # 一个单位在一个平台上只能开设一个主体账户
    "app_per_category": {},  # 一个单位每种类型限开发一个客户端应用
}
QUOTA_COMMON: dict[str, Spec] = {
    "max": Integer(min=1),
    "level": LEVEL,
    "article": ARTICLE,
    "text": optional(Text()),
    **FINDING_FIELDS,
}
STAFFING_KINDS: dict[str, dict[str, Spec]] = {
    "direct_responsible_on_staff": {},
    "verified_admins_on_staff": {},
    "payment_needs_approval": {},
    "data_integration_needs_approval": {},
    # The account has an on-staff guiding teacher (指导教师). By default only accounts of student organisations
    # (youth: WHUT 学生组织新媒体的指导教师); `owner_kinds` widens it, e.g. to every owner kind (HFUT 年审:
    # 无在职教师指导审核的帐号须注销).
    "guiding_teacher_for_student_accounts": {
        "owner_kinds": optional(
            Seq(item=OneOf(values=UNIT_KINDS, what="主体类别"), nonempty=True, unique=True)
        )
    },
    # No administrator of an account has left the staff roster while still listed on the account (HFUT 年审:
    # 运营人员离校且未妥善交接的帐号须注销).
    "admins_on_roster": {},
    "min_admins": {"min": Integer(min=1)},
}
STAFFING_COMMON: dict[str, Spec] = {
    "level": LEVEL,
    "article": ARTICLE,
    "text": optional(Text()),
    **FINDING_FIELDS,
}

# `rules:` entries: what every rule needs, and the kinds whose other fields are checked strictly. Kinds not
# listed here are accepted as they are (only `kind`, `article`, `level` and `text` are checked), so a pack
# can carry an institution's rule before the code that enforces it exists. Register a kind here, with its
# fields, when that code is written.
RULE_COMMON: dict[str, Spec] = {
    "kind": Text(pattern=RULE_KIND_RE, pattern_hint="只能用小写英文字母、数字和下划线，且以字母开头"),
    "article": ARTICLE,
    "level": optional(OneOf(values=RULE_LEVELS, what="级别")),
    "text": optional(Text()),
    **FINDING_FIELDS,
}
# The compliance catalogue's kinds that live under `rules:` (mediagov.compliance.rules implements each;
# a test checks the two lists agree). Filing deadlines, quotas and staffing rules are read from their own
# sections (`deadlines:`, `quotas:`, `staffing:`) and scanned too.
RULE_KINDS: dict[str, dict[str, Spec]] = {
    # An account in the registry that was never filed, `within` a period of `from` (default: known).
    "unfiled_account": {
        "within": PERIOD,
        "from": optional(OneOf(values=UNFILED_FROM, what="起算点")),
    },
    # No post for `months` consecutive full calendar months (DUT 第十二条: 连续2个月不更新).
    "inactivity_months": {"months": Integer(min=1, max=24)},
    # Fewer than `min_posts` posts in a year (DUT 第十二条: 一年更新少于20条).
    "inactivity_annual": {
        "min_posts": Integer(min=1),
        "window": optional(OneOf(values=ANNUAL_WINDOWS, what="统计区间")),
    },
    # No post within the last `days` calendar days (国办 2019 indicators: 监测时间点前2周内无更新).
    "inactivity_days": {"days": Integer(min=1, max=366)},
    # The account exists on its platform (created_on, on or after the regulation's publication) while its
    # new filing is not yet approved (`requires: approved`, DLOU 第四条: 审核后方可实施) or not even
    # submitted (`requires: submitted`, HFUT 第五条: 事先须向党委宣传部提出申请). No grace period.
    "prior_approval": {"requires": optional(OneOf(values=PRIOR_REQUIRES, what="开设前须完成的环节"))},
    # A report due in a window: monthly (YUFE 第十五条: 1–5日) or annual (年检): either the same window every
    # year (`month` + days) or the window each year's notice announces (`windows`, HFUT 2020/2021 年审).
    # Which fields a cadence needs is checked in `_check_rules`.
    "report_window": {
        "cadence": OneOf(values=REPORT_CADENCES, what="报送周期"),
        "first_day": optional(Integer(min=1, max=31)),
        "last_day": optional(Integer(min=1, max=31)),
        "month": optional(Integer(min=1, max=12)),
        "windows": optional(Seq(item=ANNOUNCED_WINDOW)),
    },
    # A submitted monthly report whose declared 发布信息数量 differs from the posts observed that month by more
    # than `tolerance` (default 0) (YUFE 第十五条); counted at scan time, so a later import is reflected.
    "report_count_mismatch": {"tolerance": optional(Integer(min=0))},
    # A submitted monthly report that answers 是否涉密 with 是 (YUFE 第十一条: no classified information).
    "report_classified": {},
}

PACK_SCHEMA = Mapping(
    fields={
        "pack_version": Integer(),
        # true: an example pack written from a partly retrieved text, not confirmed by the institution. It is
        # not offered as a shipped pack (`--shipped`, the admin's reload); load it by its file path.
        "example": optional(Bool()),
        "institution": Mapping(
            fields={
                "code": Text(max_len=32, pattern=SLUG_RE, pattern_hint=SLUG_HINT),
                "name": Text(max_len=100),
                "short_name": optional(Text(max_len=40)),
            }
        ),
        "regulation": Mapping(
            fields={
                "title": Text(max_len=200),
                "short_title": optional(Text(max_len=200)),
                "published": IsoDate(),
                "interpreter": optional(Text()),
                "article_of_interpretation": optional(ARTICLE),
            }
        ),
        "departments": optional(
            Seq(
                item=Mapping(
                    fields={
                        "code": Text(max_len=40, pattern=SLUG_RE, pattern_hint=SLUG_HINT),
                        "name": Text(max_len=100),
                        "kind": OneOf(values=UNIT_KINDS, what="单位类别"),
                    }
                )
            )
        ),
        "owner_kinds": Mapping(
            fields={
                "article": optional(ARTICLE),
                "routes": KeyedMap(
                    keys=UNIT_KINDS,
                    value=Mapping(fields={"supervisor": optional(Text())}),
                    nonempty=True,
                    what="主体类别",
                ),
            }
        ),
        "filing_kinds": optional(
            Seq(item=OneOf(values=FILING_KINDS, what="备案类型"), nonempty=True, unique=True)
        ),
        "approval": Mapping(
            fields={
                "chains": KeyedMap(
                    keys=("default", *UNIT_KINDS),
                    value=Seq(item=STEP, nonempty=True),
                    what="审批链名称（default 或主体类别）",
                ),
                "extra_steps": optional(Seq(item=EXTRA_STEP)),
            }
        ),
        "deadlines": optional(KeyedMap(keys=FILING_KINDS, value=DEADLINE, what="备案类型")),
        "protected_names": optional(
            Mapping(
                fields={
                    "article": ARTICLE,
                    "keywords": Seq(item=Text(), nonempty=True, unique=True),
                    # the English name and abbreviations (name watch: whole words, any case)
                    "english": optional(
                        Seq(
                            item=Text(
                                max_len=100,
                                pattern=re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&'\-]*\Z"),
                                pattern_hint="只能含英文字母、数字、空格和 . & ' -",
                            ),
                            unique=True,
                        )
                    ),
                    "allowlist": optional(Seq(item=Text(), unique=True)),
                    "requires_roles": optional(Seq(item=ROLE, unique=True)),
                    "text": optional(Text()),
                }
            )
        ),
        # Content screening (mediagov.screening): each lexicon category and the article that forbids it.
        "screening": optional(
            Mapping(
                fields={
                    "categories": KeyedMap(
                        keys=SCREENING_CATEGORIES,
                        value=Mapping(
                            fields={
                                "article": ARTICLE,
                                "text": optional(Text()),
                                "severity": optional(OneOf(values=SEVERITIES, what="严重程度")),
                                "blocks": optional(Bool()),
                            }
                        ),
                        nonempty=True,
                        what="筛查类别",
                    ),
                    "review": optional(REVIEW),
                    # after a lexicon changes, posts of the last N days are screened again (default 30)
                    "rescreen_days": optional(Integer(min=1, max=366)),
                }
            )
        ),
        "quotas": optional(Seq(item=Kinded(kinds=QUOTA_KINDS, common=QUOTA_COMMON))),
        "staffing": optional(Seq(item=Kinded(kinds=STAFFING_KINDS, common=STAFFING_COMMON))),
        "alliance": optional(Mapping(fields={"name": Text(), "article": ARTICLE, "text": optional(Text())})),
        "monthly_report": optional(
            Mapping(
                fields={
                    "article": ARTICLE,
                    "window": Mapping(
                        fields={"first_day": Integer(min=1, max=28), "last_day": Integer(min=1, max=28)}
                    ),
                    "text": optional(Text()),
                }
            )
        ),
        "forms": optional(Mapping(fields={"filing": OneOf(values=FORM_LAYOUTS, what="表单样式")})),
        "guidance": optional(
            Seq(
                item=Mapping(
                    fields={
                        "article": ARTICLE,
                        "where": OneOf(values=GUIDANCE_WHERE, what="显示位置"),
                        "text": Text(),
                    }
                )
            )
        ),
        "rules": optional(Seq(item=LooseRule())),
        "sanctions": optional(
            Mapping(fields={"article": ARTICLE, "rectify": optional(PERIOD), "text": optional(Text())})
        ),
        "reminders": optional(
            Mapping(
                fields={
                    "article": optional(ARTICLE),
                    "unit": optional(OneOf(values=DEADLINE_UNITS, what="时间单位")),
                    "before": optional(Seq(item=Integer(min=1, max=60), unique=True)),
                    "on_due_day": optional(Bool()),
                    "after": optional(Seq(item=Integer(min=1, max=60), unique=True)),
                    "escalate": optional(
                        Seq(
                            item=Mapping(
                                fields={
                                    "after": Integer(min=0, max=60),
                                    "to": OneOf(values=AUDIENCES, what="升级对象"),
                                }
                            )
                        )
                    ),
                    "channels": optional(Seq(item=OneOf(values=CHANNELS, what="渠道"), unique=True)),
                }
            )
        ),
    }
)
TOP_LEVEL_KEYS: tuple[str, ...] = tuple(PACK_SCHEMA.fields)


# ---------------------------------------------------------------- cross checks
def _get(data: Any, *keys: str, default: Any = None) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return [(i, item) for i, item in enumerate(value)] if isinstance(value, list) else []


def _check_version(data: dict, out: Errors) -> None:
    version = data.get("pack_version")
    if isinstance(version, int) and not isinstance(version, bool) and version != PACK_VERSION:
        out.append(PackError("pack_version", f"不支持的版本 {version}，当前仅支持 {PACK_VERSION}"))


def _department_codes(data: dict, out: Errors) -> set[str]:
    codes: set[str] = set()
    for i, dept in _dicts(data.get("departments")):
        code = dept.get("code") if isinstance(dept, dict) else None
        if not isinstance(code, str):
            continue
        if code == HOST:
            out.append(
                PackError(
                    f"departments[{i}].code", f"“{HOST}”是保留字（表示由所在单位监管），不能用作单位代码"
                )
            )
        elif code in codes:
            out.append(PackError(f"departments[{i}].code", f"单位代码“{code}”重复"))
        codes.add(code)
    return codes


def _check_routes(data: dict, departments: set[str], out: Errors) -> None:
    routes = _get(data, "owner_kinds", "routes")
    if not isinstance(routes, dict):
        return
    for kind, route in routes.items():
        supervisor = route.get("supervisor") if isinstance(route, dict) else None
        if not isinstance(supervisor, str) or not supervisor.strip() or supervisor == HOST:
            continue
        if supervisor not in departments:
            listed = "、".join(sorted(departments)) or "（无）"
            out.append(
                PackError(
                    f"owner_kinds.routes.{kind}.supervisor",
                    f"归口监管部门“{supervisor}”未在 departments 中列出；"
                    f"应为 {HOST}（所在单位监管）或已列出的单位代码：{listed}",
                )
            )


def _check_step_role_at(step: dict, path: str, out: Errors) -> None:
    role, at = step.get("role"), step.get("at")
    if role in INSTITUTION_WIDE_ROLES and at in STEP_AT and at != "institution":
        out.append(
            PackError(
                f"{path}.at",
                f"角色“{role}”（{VALUE_LABELS[role]}）是全校范围的角色，审批位置应为 institution，而不是 {at}",
            )
        )


def _check_chains(data: dict, out: Errors) -> set[str]:
    """Per-chain checks; returns the roles present in any chain."""
    chains = _get(data, "approval", "chains")
    roles: set[str] = set()
    if not isinstance(chains, dict):
        return roles
    if "default" not in chains:
        out.append(
            PackError("approval.chains.default", "缺少必填项（未单独列出审批链的主体类别使用默认审批链）")
        )
    for name, chain in chains.items():
        seen: set[str] = set()
        for i, step in _dicts(chain):
            if not isinstance(step, dict):
                continue
            path = f"approval.chains.{name}[{i}]"
            role = step.get("role")
            if isinstance(role, str) and role in ROLES:
                roles.add(role)
                if role in seen:
                    out.append(PackError(f"{path}.role", f"角色“{role}”在同一审批链中重复出现"))
                seen.add(role)
            _check_step_role_at(step, path, out)
    return roles


def _check_extra_steps(data: dict, chain_roles: set[str], out: Errors) -> None:
    seen: set[tuple] = set()
    for i, step in _dicts(_get(data, "approval", "extra_steps")):
        if not isinstance(step, dict):
            continue
        path = f"approval.extra_steps[{i}]"
        _check_step_role_at(step, path, out)
        before = step.get("before")
        if isinstance(before, str) and before in ROLES and before not in chain_roles:
            out.append(
                PackError(
                    f"{path}.before",
                    f"角色“{before}”不在任何审批链中，无法确定插入位置；应为审批链中的角色："
                    f"{'、'.join(sorted(chain_roles)) or '（无）'}",
                )
            )
        key = (step.get("when"), step.get("role"))
        if all(isinstance(k, str) for k in key):
            if key in seen:
                out.append(PackError(path, f"与前面的附加环节重复（条件 {key[0]}、角色 {key[1]}）"))
            seen.add(key)


def _check_filing_kinds_and_deadlines(data: dict, out: Errors) -> None:
    kinds_raw = data.get("filing_kinds", ["new", "change", "cancel"])
    if not isinstance(kinds_raw, list):
        return
    kinds = [k for k in kinds_raw if isinstance(k, str) and k in FILING_KINDS]
    if kinds_raw and "new" not in kinds_raw:
        out.append(PackError("filing_kinds", "必须包含 new（新建备案）"))
    deadlines = data.get("deadlines", {})
    if not isinstance(deadlines, dict):
        return
    for kind in kinds:
        if kind != "cancel" and kind not in deadlines:
            out.append(
                PackError(
                    f"deadlines.{kind}", f"filing_kinds 列出了 {kind}（{VALUE_LABELS[kind]}），须给出它的时限"
                )
            )
    for kind, rule in deadlines.items():
        if kind in FILING_KINDS and kind not in kinds:
            out.append(
                PackError(
                    f"deadlines.{kind}",
                    f"{kind}（{VALUE_LABELS[kind]}）不在 filing_kinds 中，此时限不会被使用",
                )
            )
        if kind == "legacy" and isinstance(rule, dict) and "from" in rule and rule["from"] != "publication":
            out.append(
                PackError(
                    "deadlines.legacy.from",
                    "补交备案（办法公布前已开设的帐号）的时限应从办法公布起算，应为 publication",
                )
            )


def _check_protected_names(data: dict, out: Errors) -> None:
    conf = data.get("protected_names")
    if not isinstance(conf, dict):
        return
    raw_keywords = conf.get("keywords") if isinstance(conf.get("keywords"), list) else []
    keywords = [k for k in raw_keywords if isinstance(k, str) and k.strip()]
    exact: set[str] = set()
    folded: set[str] = set()
    for i, kw in enumerate(raw_keywords):
        if isinstance(kw, str) and kw.strip():
            if kw.upper() in folded and kw not in exact:
                out.append(
                    PackError(
                        f"protected_names.keywords[{i}]",
                        f"“{kw}”与前面的关键词仅大小写不同（匹配时不区分大小写）",
                    )
                )
            exact.add(kw)
            folded.add(kw.upper())
    allowlist = conf.get("allowlist") or []
    if not isinstance(allowlist, list):
        return
    english = conf.get("english") if isinstance(conf.get("english"), list) else []
    keywords += [e for e in english if isinstance(e, str) and e.strip()]
    for i, phrase in enumerate(allowlist):
        if isinstance(phrase, str) and phrase.strip() and keywords:
            if not any(kw.upper() in phrase.upper() for kw in keywords):
                out.append(
                    PackError(
                        f"protected_names.allowlist[{i}]",
                        f"“{phrase}”不含任何保护关键词，豁免不起作用（豁免词用于排除“大工业”这类含关键词的普通词语）",
                    )
                )


def _check_unique_kinds(data: dict, key: str, out: Errors) -> None:
    seen: set[str] = set()
    for i, rule in _dicts(data.get(key)):
        kind = rule.get("kind") if isinstance(rule, dict) else None
        if isinstance(kind, str):
            if kind in seen:
                out.append(PackError(f"{key}[{i}].kind", f"规则类型“{kind}”重复出现"))
            seen.add(kind)


def _check_monthly_report(data: dict, out: Errors) -> None:
    window = _get(data, "monthly_report", "window")
    if not isinstance(window, dict):
        return
    first, last = window.get("first_day"), window.get("last_day")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in (first, last)) and first > last:
        out.append(PackError("monthly_report.window", f"开始日（{first}日）不能晚于截止日（{last}日）"))


def _check_plain(value: Any, path: str, out: Errors) -> None:
    """Everything must be plain data that JSON can store (dates become ISO strings)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                out.append(
                    PackError(_join(path, key), f"键应为文本，实际为{_type_name(key)}（可给键加引号）")
                )
            _check_plain(item, _join(path, key), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_plain(item, f"{path}[{i}]", out)
    elif isinstance(value, datetime):
        return  # reported by the schema where a date is expected; a loose rule keeps it as an ISO string
    elif value is None or isinstance(value, str | int | float | bool | date):
        return
    else:
        out.append(PackError(path or "<root>", f"不支持的值类型（{_type_name(value)}）"))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_rule_ids(data: dict, out: Errors) -> None:
    """Rule ids name findings, so they are unique over the whole pack.

    An id is the explicit `id`, else the default the pack gives (`deadline.<kind>`, `quota.<kind>`,
    `staff.<kind>`, and for `rules:` the kind itself). Defaults of `deadlines`, `quotas` and `staffing`
    contain a dot, which explicit ids cannot, so only explicit ids and the defaults of `rules:` can clash.
    """
    seen: dict[str, str] = {}

    def claim(rid: Any, where: str, path: str) -> None:
        if not isinstance(rid, str):
            return
        if rid in seen:
            out.append(
                PackError(path, f"规则编号“{rid}”与 {seen[rid]} 重复（编号用于标识问题，全包内须唯一）")
            )
        else:
            seen[rid] = where

    deadlines = data.get("deadlines")
    if isinstance(deadlines, dict):
        for kind, rule in deadlines.items():
            if isinstance(rule, dict) and "id" in rule:
                claim(rule["id"], f"deadlines.{kind}", f"deadlines.{kind}.id")
    for section in ("quotas", "staffing"):
        for i, rule in _dicts(data.get(section)):
            if isinstance(rule, dict) and "id" in rule:
                claim(rule["id"], f"{section}[{i}]", f"{section}[{i}].id")
    kinds_seen: dict[str, int] = {}
    for i, rule in _dicts(data.get("rules")):
        if not isinstance(rule, dict):
            continue
        if "id" in rule:
            claim(rule["id"], f"rules[{i}]", f"rules[{i}].id")
            continue
        kind = rule.get("kind")
        if not isinstance(kind, str):
            continue
        if kind in kinds_seen:
            out.append(PackError(f"rules[{i}].id", f"同一类型“{kind}”有多条规则时，须用 id 给每条一个编号"))
        else:
            kinds_seen[kind] = i
            claim(kind, f"rules[{i}]（未写 id，编号默认为规则类型）", f"rules[{i}].kind")


def _check_report_window(rule: dict, path: str, out: Errors) -> None:
    """A monthly report needs its days; an annual one either a fixed window or the announced ones."""
    cadence = rule.get("cadence")
    first, last = rule.get("first_day"), rule.get("last_day")
    fixed = [k for k in ("month", "first_day", "last_day") if k in rule]
    if cadence == "monthly":
        for key in ("first_day", "last_day"):
            if key not in rule:
                out.append(
                    PackError(
                        f"{path}.{key}", "缺少必填项（每月报送须给出开始日 first_day 和截止日 last_day）"
                    )
                )
        for key in ("month", "windows"):
            if key in rule:
                out.append(
                    PackError(f"{path}.{key}", f"{key} 只用于每年报送（cadence: annual），每月报送不需要")
                )
    elif cadence == "annual":
        if "windows" in rule and fixed:
            out.append(
                PackError(
                    f"{path}.windows",
                    "每年报送的时间二选一：固定时间（month、first_day、last_day）或逐年公布的时间（windows），"
                    f"不能同时给出（现同时有 {'、'.join(fixed)}）",
                )
            )
        elif "windows" not in rule:
            names = {"month": "月份 month", "first_day": "开始日 first_day", "last_day": "截止日 last_day"}
            for key, name in names.items():
                if key not in rule:
                    out.append(
                        PackError(
                            f"{path}.{key}", f"每年报送（年检）须给出{name}（或改用逐年公布的时间 windows）"
                        )
                    )
    if _is_int(first) and _is_int(last) and first > last:
        out.append(PackError(path, f"开始日（{first}日）不能晚于截止日（{last}日）"))
    month = rule.get("month")
    if _is_int(month) and 1 <= month <= 12 and _is_int(last) and 1 <= last <= 31:
        longest = 29 if month == 2 else (30 if month in (4, 6, 9, 11) else 31)
        if last > longest:
            out.append(PackError(f"{path}.last_day", f"{month}月最多{longest}天，截止日不能是{last}日"))
    years: dict[int, int] = {}
    for j, window in _dicts(rule.get("windows")):
        if not isinstance(window, dict):
            continue
        wpath = f"{path}.windows[{j}]"
        start, end = _as_date(window.get("first")), _as_date(window.get("last"))
        if start and end and start > end:
            out.append(
                PackError(wpath, f"开始日期（{start.isoformat()}）不能晚于截止日期（{end.isoformat()}）")
            )
        year = window.get("year")
        if _is_int(year):
            if year in years:
                out.append(PackError(f"{wpath}.year", f"{year}年度的审核时间与 windows[{years[year]}] 重复"))
            years.setdefault(year, j)


def _check_rules(data: dict, out: Errors) -> None:
    """Rule ids are unique over the whole pack (they name findings); report windows make sense."""
    _check_rule_ids(data, out)
    for i, rule in _dicts(data.get("rules")):
        if isinstance(rule, dict) and rule.get("kind") == "report_window":
            _check_report_window(rule, f"rules[{i}]", out)


def _check_review(data: dict, out: Errors) -> None:
    """screening.review: a default chain; school chain ⇔ school units (listed departments); role vs `at`."""
    review = _get(data, "screening", "review")
    if not isinstance(review, dict):
        return
    levels = review.get("levels")
    if isinstance(levels, dict) and "default" not in levels:
        out.append(
            PackError("screening.review.levels.default", "缺少必填项（未单独列出的帐号使用默认审核链）")
        )
    units = review.get("school_units") or []
    if isinstance(levels, dict) and ("school" in levels) != bool(units):
        out.append(
            PackError(
                "screening.review.school_units", "校级帐号的审核链（levels.school）与校级单位须同时填写"
            )
        )
    departments = {d.get("code") for _, d in _dicts(data.get("departments")) if isinstance(d, dict)}
    for i, code in enumerate(units if isinstance(units, list) else []):
        if isinstance(code, str) and code not in departments:
            out.append(
                PackError(f"screening.review.school_units[{i}]", f"单位代码“{code}”未在 departments 中列出")
            )
    entries = [
        (f"screening.review.levels.{k}[{i}]", lv) for k, v in (levels or {}).items() for i, lv in _dicts(v)
    ]
    entries += [(f"screening.review.extra_levels[{i}]", lv) for i, lv in _dicts(review.get("extra_levels"))]
    for path, level in entries:
        if not isinstance(level, dict) or not isinstance(level.get("roles"), list):
            continue
        wide = [r for r in level["roles"] if r in INSTITUTION_WIDE_ROLES]
        if wide and (len(wide) != len(level["roles"]) or level.get("at") != "institution"):
            out.append(
                PackError(
                    f"{path}.roles",
                    f"全校范围的角色（{'、'.join(wide)}）只能单独组成一级，且审核位置应为 institution",
                )
            )


CROSS_CHECKS: list[Callable[[dict, Errors], None]] = [
    _check_review,
    _check_rules,
    _check_version,
    _check_filing_kinds_and_deadlines,
    _check_protected_names,
    lambda data, out: _check_unique_kinds(data, "quotas", out),
    lambda data, out: _check_unique_kinds(data, "staffing", out),
    _check_monthly_report,
]


# ---------------------------------------------------------------- entry points
def pack_validate(data: Any) -> list[PackError]:
    """Every problem of the parsed pack `data`, in document order of the schema; [] when it is valid."""
    if not isinstance(data, dict):
        if data is None:
            return [PackError("<root>", "政策包为空")]
        return [PackError("<root>", f"政策包顶层应为映射（键: 值），实际为{_type_name(data)}")]
    out: Errors = []
    PACK_SCHEMA.check(data, "", out)
    _check_plain(data, "", out)
    departments = _department_codes(data, out)
    _check_routes(data, departments, out)
    chain_roles = _check_chains(data, out)
    _check_extra_steps(data, chain_roles, out)
    for check in CROSS_CHECKS:
        check(data, out)
    # One problem may be seen by two checks (e.g. a non-text key); report it once.
    return list(dict.fromkeys(out))


class _PackLoader(yaml.SafeLoader):
    """SafeLoader that records duplicate keys (YAML keeps the last silently) and reports bad dates."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[Any, Any]] = []


def _construct_mapping(loader: _PackLoader, node, deep: bool = False):
    seen: set = set()
    for key_node, _value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *anchor` merges defaults that the explicit keys may override
        try:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                loader.duplicates.append((key, key_node.start_mark))
            seen.add(key)
        except TypeError:
            continue  # unhashable key: SafeConstructor raises a marked error below
    return SafeConstructor.construct_mapping(loader, node, deep=deep)


def _construct_dict(loader: _PackLoader, node):
    data: dict = {}
    yield data
    data.update(_construct_mapping(loader, node))


def _construct_timestamp(loader: _PackLoader, node):
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise ConstructorError(None, None, f"无效的日期“{node.value}”", node.start_mark) from exc


_PackLoader.add_constructor("tag:yaml.org,2002:map", _construct_dict)
_PackLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（常见原因：缩进不对，或值里有未加引号的冒号）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "不能用制表符（Tab）缩进，请改用空格",
    "found character that cannot start any token": "出现了不能开始一个值的字符（如 Tab 或 @、`），请给值加引号",
    "did not find expected key": "没有找到预期的键（常见原因：缩进不一致）",
    "did not find expected node content": "缺少值",
    "did not find expected ',' or '}'": "花括号 { } 内缺少逗号“,”或右花括号“}”",
    "did not find expected ',' or ']'": "方括号 [ ] 内缺少逗号“,”或右方括号“]”",
    "expected ',' or '}'": "花括号 { } 内缺少逗号“,”或右花括号“}”",
    "expected ',' or ']'": "方括号 [ ] 内缺少逗号“,”或右方括号“]”",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "found undefined alias": "引用了未定义的锚点（*别名）",
    "found unhashable key": "键不能是列表或映射",
    "expected <block end>, but found '-'": "列表项“-”的缩进不对",
    "expected <block end>, but found '<block mapping start>'": "缩进不一致",
    "expected <block end>, but found '<scalar>'": "缩进不一致",
    "found duplicate anchor": "锚点（&名称）重复定义",
}


def _yaml_error(exc: yaml.YAMLError) -> PackError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    text = YAML_PROBLEMS.get(problem)
    if text is None:
        text = next((v for k, v in YAML_PROBLEMS.items() if problem.startswith(k)), None)
    detail = f"{text}（{problem}）" if text and text != problem else problem
    if mark is None:
        return PackError("<yaml>", f"YAML 语法错误：{detail}")
    return PackError(
        f"line {mark.line + 1}", f"YAML 语法错误（第{mark.line + 1}行第{mark.column + 1}列）：{detail}"
    )


MAX_NODES = 100_000  # far above any real pack; stops alias bombs before the checks walk them


def _too_big(data: Any, budget: int) -> bool:
    stack = [data]
    while stack:
        budget -= 1
        if budget < 0:
            return True
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def pack_parse(text: str) -> tuple[dict | None, list[PackError]]:
    """Parse and validate the YAML `text` of a pack: (data, errors).

    `data` is None when the text is not YAML or not a mapping; otherwise it is the parsed mapping, returned
    even when it has errors (so a caller can show what it read). Dates stay `datetime.date` objects.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = _PackLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        return None, [_yaml_error(exc)]
    except (ValueError, TypeError, RecursionError) as exc:
        return None, [PackError("<yaml>", f"无法读取 YAML：{exc}")]
    finally:
        loader.dispose()
    if _too_big(data, MAX_NODES):
        return None, [PackError("<yaml>", f"政策包过大或引用（*别名）展开后超过 {MAX_NODES} 个值")]
    errors = [
        PackError(
            f"line {mark.line + 1}", f"键“{key}”重复出现（第{mark.line + 1}行），后出现的值会覆盖前面的值"
        )
        for key, mark in loader.duplicates
    ]
    errors += pack_validate(data)
    return (data if isinstance(data, dict) else None), errors


def pack_json_ready(data: Any) -> Any:
    """A copy of parsed pack `data` that JSON can store: dates become ISO strings."""
    if isinstance(data, dict):
        return {str(k): pack_json_ready(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [pack_json_ready(v) for v in data]
    if isinstance(data, date):  # datetime too
        return data.isoformat()
    return data
