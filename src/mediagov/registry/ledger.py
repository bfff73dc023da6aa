"""The account ledger (台账): import from .xlsx/.csv, export to .xlsx, with one column spec for both.

Import is all or nothing: every row is checked first and all problems are reported together (row number,
column header, Chinese message); nothing is written unless the whole file is valid. An account already
registered (same institution, platform and handle) is updated, never duplicated, so re-importing a file, or
an export, changes nothing. See docs/imports.md for the columns and the rules.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from mediagov.core.audit import log_action
from mediagov.core.errors import ImportFileError
from mediagov.core.tabular import Row, parse_bool, parse_date, read_table, safe_cell, split_multi
from mediagov.org.models import Institution, Person, Unit, UnitKind
from mediagov.org.roster import PersonIndex, UnitIndex

from .models import AccountManager, AccountStatus, AppCategory, ManagerRole, MediaAccount, WechatType
from .platforms import (
    HandleError,
    Platform,
    normalise_handle,
    normalise_url,
    platform_from_text,
    url_platform,
)

LEDGER_MAX_ROWS = 50_000
LIST_SEPARATOR = "、"


@dataclass
class _Context:
    institution: Institution
    units: UnitIndex
    people: PersonIndex


# --- parsers: (cell value, context) → python value; ValueError carries the Chinese message -------------


def _as_text(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _text(field_name: str) -> Callable[[Any, _Context], str]:
    limit = MediaAccount._meta.get_field(field_name).max_length

    def parse(value, ctx: _Context) -> str:
        text = _as_text(value)
        if limit and len(text) > limit:
            raise ValueError(f"不能超过{limit}个字符（现有{len(text)}个）")
        return text

    return parse


def _platform(value, ctx: _Context) -> str:
    code = platform_from_text(_as_text(value))
    if code is None:
        raise ValueError(f"无法识别的平台“{_as_text(value)}”")
    return code


def _unit(value, ctx: _Context) -> Unit:
    return ctx.units.find(_as_text(value))


def _person(value, ctx: _Context) -> Person:
    return ctx.people.find(_as_text(value))


def _date(value, ctx: _Context) -> date:
    return parse_date(value)


def _bool(value, ctx: _Context) -> bool:
    return parse_bool(value)


def _choice(choices, what: str) -> Callable[[Any, _Context], str]:
    lookup = {}
    for code, label in choices.choices:
        lookup[str(code).lower()] = code
        lookup[str(label).lower()] = code
    allowed = "、".join(str(label) for _code, label in choices.choices)

    def parse(value, ctx: _Context) -> str:
        text = _as_text(value)
        code = lookup.get(text.lower())
        if code is None:
            raise ValueError(f"无法识别的{what}“{text}”，应为：{allowed}")
        return str(code)

    return parse


_url_validator = URLValidator(schemes=["http", "https"])
_URL_MAX = MediaAccount._meta.get_field("url").max_length


def _url(value, ctx: _Context) -> str:
    text = _as_text(value)
    url = text if "://" in text else "https://" + text.lstrip("/")
    if len(url) > _URL_MAX:
        raise ValueError(f"不能超过{_URL_MAX}个字符")
    try:
        _url_validator(url)
    except ValidationError:
        raise ValueError(f"链接格式不正确：“{text}”") from None
    return url


def _email(value, ctx: _Context) -> str:
    text = _as_text(value)
    try:
        validate_email(text)
    except ValidationError:
        raise ValueError(f"邮箱格式不正确：“{text}”") from None
    return text


def _manager_text(limit: int) -> Callable[[Any, _Context], str]:
    def parse(value, ctx: _Context) -> str:
        text = _as_text(value)
        if len(text) > limit:
            raise ValueError(f"不能超过{limit}个字符")
        return text

    return parse


# --- renderers: account → cell value --------------------------------------------------------------------


@dataclass
class _ExportContext:
    unit_labels: dict[int, dict[int, str]] = field(default_factory=dict)  # institution id → unit id → label

    def unit_label(self, unit: Unit) -> str:
        labels = self.unit_labels.get(unit.institution_id)
        if labels is None:
            index = UnitIndex(unit.institution)
            labels = {u.pk: index.label(u) for u in index.units}
            self.unit_labels[unit.institution_id] = labels
        return labels.get(unit.pk, unit.name)


def _render_unit(account: MediaAccount, ctx: _ExportContext) -> str:
    return ctx.unit_label(account.responsible_unit)


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _managers(account: MediaAccount, role: str) -> list[AccountManager]:
    return [m for m in account.managers.all() if m.role == role]


def _leader_attr(attr: str) -> Callable[[MediaAccount, _ExportContext], str]:
    def render(account: MediaAccount, ctx: _ExportContext) -> str:
        leaders = _managers(account, ManagerRole.LEADER)
        return getattr(leaders[0], attr) if leaders else ""

    return render


def _render_admin_names(account: MediaAccount, ctx: _ExportContext) -> str:
    return LIST_SEPARATOR.join(m.name for m in _managers(account, ManagerRole.ADMIN))


def _render_admin_staff_nos(account: MediaAccount, ctx: _ExportContext) -> str:
    admins = _managers(account, ManagerRole.ADMIN)
    if not any(m.person_id for m in admins):
        return ""
    return LIST_SEPARATOR.join(m.person.staff_no if m.person_id else "" for m in admins)


def _attr(name: str) -> Callable[[MediaAccount, _ExportContext], Any]:
    def render(account: MediaAccount, ctx: _ExportContext):
        value = getattr(account, name)
        return _yes_no(value) if isinstance(value, bool) else value

    return render


def _display(name: str) -> Callable[[MediaAccount, _ExportContext], str]:
    def render(account: MediaAccount, ctx: _ExportContext) -> str:
        return getattr(account, f"get_{name}_display")() if getattr(account, name) else ""

    return render


def _staff_no(name: str) -> Callable[[MediaAccount, _ExportContext], str]:
    def render(account: MediaAccount, ctx: _ExportContext) -> str:
        person = getattr(account, name)
        return person.staff_no if person else ""

    return render


# --- the column spec ------------------------------------------------------------------------------------

_FROM_UNIT = object()  # blank 创建主体 / 主体类别: taken from the responsible unit


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # MediaAccount field, or "leader.<attr>" / "admins.names" / "admins.staff_nos"
    parse: Callable[[Any, _Context], Any]
    render: Callable[[MediaAccount, _ExportContext], Any]
    required: bool = False  # the header must be present
    blank: Any = ""  # value of a blank cell; NotImplemented = a value is required
    width: int = 14  # export column width


_REQUIRED = NotImplemented
_LEADER_NAME_MAX = AccountManager._meta.get_field("name").max_length
_LEADER_PHONE_MAX = AccountManager._meta.get_field("phone").max_length

COLUMNS: list[Column] = [
    Column("帐号名称", "name", _text("name"), _attr("name"), required=True, blank=_REQUIRED, width=28),
    Column("平台", "platform", _platform, _display("platform"), required=True, blank=_REQUIRED, width=14),
    Column("帐号ID", "platform_id", _text("platform_id"), _attr("platform_id"), required=True, width=24),
    Column("主页链接", "url", _url, _attr("url"), required=True, width=40),
    Column("责任单位", "responsible_unit", _unit, _render_unit, required=True, blank=_REQUIRED, width=20),
    Column("创建时间", "created_on", _date, _attr("created_on"), required=True, blank=None, width=12),
    Column("是否认证", "verified", _bool, _attr("verified"), required=True, blank=False, width=10),
    Column(
        "直接责任人工号", "direct_responsible", _person, _staff_no("direct_responsible"), True, None, width=14
    ),
    Column("状态", "status", _choice(AccountStatus, "状态"), _display("status"), True, _REQUIRED, width=10),
    Column("创建主体", "owner", _text("owner"), _attr("owner"), blank=_FROM_UNIT, width=20),
    Column("主体类别", "owner_kind", _choice(UnitKind, "主体类别"), _display("owner_kind"), blank=_FROM_UNIT),
    Column("微信类型", "wechat_type", _choice(WechatType, "微信类型"), _display("wechat_type"), width=10),
    Column("功能定位", "positioning_function", _text("positioning_function"), _attr("positioning_function")),
    Column("内容定位", "positioning_content", _text("positioning_content"), _attr("positioning_content")),
    Column("受众定位", "positioning_audience", _text("positioning_audience"), _attr("positioning_audience")),
    Column("第一责任人工号", "first_responsible", _person, _staff_no("first_responsible"), blank=None),
    Column("主体账户", "is_main", _bool, _attr("is_main"), blank=True, width=10),
    Column(
        "移动客户端类型", "app_category", _choice(AppCategory, "移动客户端类型"), _display("app_category")
    ),
    Column("在线支付", "online_payment", _bool, _attr("online_payment"), blank=False, width=10),
    Column(
        "在线支付批准部门", "payment_approved_by", _text("payment_approved_by"), _attr("payment_approved_by")
    ),
    Column("数据对接", "data_integration", _bool, _attr("data_integration"), blank=False, width=10),
    Column(
        "数据对接审批",
        "data_integration_approval",
        _text("data_integration_approval"),
        _attr("data_integration_approval"),
    ),
    Column("涉外", "foreign_related", _bool, _attr("foreign_related"), blank=False, width=8),
    Column("维护方式", "maintenance", _text("maintenance"), _attr("maintenance")),
    Column("负责人", "leader.name", _manager_text(_LEADER_NAME_MAX), _leader_attr("name"), width=10),
    Column("负责人电话", "leader.phone", _manager_text(_LEADER_PHONE_MAX), _leader_attr("phone")),
    Column("负责人邮箱", "leader.email", _email, _leader_attr("email"), width=22),
    Column("管理员", "admins.names", lambda v, c: _as_text(v), _render_admin_names, width=20),
    Column("管理员工号", "admins.staff_nos", lambda v, c: _as_text(v), _render_admin_staff_nos, width=20),
]

HEADERS: list[str] = [c.header for c in COLUMNS]
REQUIRED_HEADERS: list[str] = [c.header for c in COLUMNS if c.required]
_BY_HEADER = {c.header: c for c in COLUMNS}
_MODEL_COLUMNS = [c for c in COLUMNS if "." not in c.field]
_FK_FIELDS = {"responsible_unit", "direct_responsible", "first_responsible"}


def _header_key(header: str) -> str:
    """账/帐 and the case of "ID" do not matter in headers."""
    return header.replace("账", "帐").lower()


_HEADER_KEYS = {_header_key(h): h for h in HEADERS}


# --- import ---------------------------------------------------------------------------------------------


@dataclass
class LedgerImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    dry_run: bool = False
    ignored_headers: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    row: Row
    values: dict[str, Any]  # MediaAccount field → value, for the columns present
    handle: str
    account: MediaAccount | None
    leader: tuple[str, str, str] | None | bool  # False = leave the leaders alone
    admins: list[tuple[str, Person | None]] | None  # None = leave the admins alone


def _map_headers(headers: Iterable[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """({our header: header in the file}, ignored headers, duplicate headers)."""
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for header in headers:
        ours = _HEADER_KEYS.get(_header_key(header))
        if ours is None:
            ignored.append(header)
        elif ours in mapping:
            duplicates.append(header)
        else:
            mapping[ours] = header
    return mapping, ignored, duplicates


class _Existing:
    """Accounts already registered in the institution, by (platform, handle) and, without a handle, name."""

    def __init__(self, institution: Institution):
        accounts = MediaAccount.objects.filter(institution=institution).prefetch_related("managers")
        self.by_handle: dict[tuple[str, str], MediaAccount] = {}
        self.unhandled: dict[tuple[str, str], list[MediaAccount]] = {}
        for account in accounts:
            if account.handle:
                self.by_handle[(account.platform, account.handle)] = account
            else:
                self.unhandled.setdefault((account.platform, account.name), []).append(account)

    def match(self, platform: str, candidates: list[str], name: str) -> list[MediaAccount]:
        found = {}
        for handle in candidates:
            account = self.by_handle.get((platform, handle))
            if account is not None:
                found[account.pk] = account
        if not found:
            same_name = self.unhandled.get((platform, name), [])
            if len(same_name) == 1:
                found[same_name[0].pk] = same_name[0]
        return list(found.values())


def _identity(platform: str, url: str, platform_id: str, errors: list, number: int) -> list[str]:
    """Candidate handles, homepage first; appends row errors for contradicting or unusable values."""
    candidates: list[str] = []
    if url:
        try:
            candidates.append(normalise_handle(platform, url))
        except HandleError as exc:
            # A link on the platform's own site that names no account (an article, say) is tolerated
            # beside an 帐号ID; anything else is an error.
            names_no_account = url_platform(url) == platform and normalise_url(url) is None
            if not (names_no_account and platform_id):
                errors.append((number, "主页链接", str(exc)))
    if platform_id:
        try:
            candidates.append(normalise_handle(platform, platform_id))
        except HandleError as exc:
            errors.append((number, "帐号ID", str(exc)))
    return list(dict.fromkeys(h for h in candidates if h))


def _parse_row(row: Row, mapping: dict[str, str], ctx: _Context, errors: list) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for header, file_header in mapping.items():
        column = _BY_HEADER[header]
        raw = row.get(file_header, "")
        if raw == "":
            if column.blank is _REQUIRED:
                errors.append((row.number, header, "不能为空"))
            else:
                values[column.field] = column.blank
            continue
        try:
            values[column.field] = column.parse(raw, ctx)
        except ValueError as exc:
            errors.append((row.number, header, str(exc)))
    return values


def _plan_managers(row: Row, values: dict[str, Any], mapping: dict[str, str], ctx: _Context, errors: list):
    """(leader, admins) wanted by the row; see _Plan."""
    leader: tuple[str, str, str] | None | bool = False
    if "负责人" in mapping:
        name = values.pop("leader.name", "")
        phone = values.pop("leader.phone", "") if "负责人电话" in mapping else ""
        email = values.pop("leader.email", "") if "负责人邮箱" in mapping else ""
        if name:
            leader = (name, phone or "", email or "")
        elif phone or email:
            errors.append((row.number, "负责人", "填写了负责人电话或邮箱，但未填写负责人姓名"))
        else:
            leader = None
    for key in ("leader.name", "leader.phone", "leader.email"):
        values.pop(key, None)

    admins: list[tuple[str, Person | None]] | None = None
    if "管理员" in mapping or "管理员工号" in mapping:
        names_text = values.pop("admins.names", "")
        staff_text = values.pop("admins.staff_nos", "")
        names = split_multi(names_text, keep_empty=bool(staff_text))
        staff_nos = split_multi(staff_text, keep_empty=bool(names_text))
        if names and staff_nos and len(names) != len(staff_nos):
            errors.append(
                (row.number, "管理员工号", f"管理员有{len(names)}人，但工号有{len(staff_nos)}个，请一一对应")
            )
            return leader, None
        admins = []
        for i in range(max(len(names), len(staff_nos))):
            name = names[i] if names else ""
            staff_no = staff_nos[i] if staff_nos else ""
            person = None
            if staff_no:
                try:
                    person = ctx.people.find(staff_no)
                except ValueError as exc:
                    errors.append((row.number, "管理员工号", str(exc)))
                    continue
                if name and name != person.name:
                    errors.append(
                        (row.number, "管理员", f"管理员“{name}”与工号“{staff_no}”（{person.name}）不符")
                    )
                    continue
                name = person.name
            if not name:
                errors.append((row.number, "管理员", f"第{i + 1}个管理员缺少姓名"))
                continue
            if len(name) > _LEADER_NAME_MAX:
                errors.append((row.number, "管理员", f"姓名“{name}”不能超过{_LEADER_NAME_MAX}个字符"))
                continue
            admins.append((name, person))
    return leader, admins


def _check_cross_fields(row: Row, values: dict[str, Any], errors: list) -> None:
    platform = values.get("platform")
    if values.get("wechat_type") and platform and platform != Platform.WECHAT:
        errors.append((row.number, "微信类型", "仅“微信公众号”可填写微信类型"))
    if values.get("app_category") and platform and platform != Platform.APP:
        errors.append((row.number, "移动客户端类型", "仅“移动客户端（APP）”可填写移动客户端类型"))


def _plan(table, mapping: dict[str, str], ctx: _Context, existing: _Existing) -> tuple[list[_Plan], list]:
    errors: list[tuple[int | None, str, str]] = []
    plans: list[_Plan] = []
    seen_keys: dict[tuple[str, str], int] = {}  # (platform, handle or "name:<name>") → row number
    claimed: dict[int, int] = {}  # existing account id → row number
    for row in table.rows:
        row_errors: list[tuple[int | None, str, str]] = []
        values = _parse_row(row, mapping, ctx, row_errors)
        leader, admins = _plan_managers(row, values, mapping, ctx, row_errors)
        _check_cross_fields(row, values, row_errors)
        platform = values.get("platform")
        handle = ""
        account = None
        if platform:
            # A 主页链接 that is not a URL at all has its error already; it gives no handle.
            url = values.get("url", "")
            candidates = _identity(platform, url, values.get("platform_id", ""), row_errors, row.number)
            name = values.get("name", "")
            keys = [(platform, h) for h in candidates] or [(platform, f"name:{name}")]
            duplicate_of = next((seen_keys[k] for k in keys if k in seen_keys), None)
            if duplicate_of is not None:
                what = "帐号ID/主页链接" if candidates else "帐号名称"
                row_errors.append(
                    (
                        row.number,
                        "帐号ID" if candidates else "帐号名称",
                        f"与第{duplicate_of}行是同一帐号（{what}重复）",
                    )
                )
            for key in keys:
                seen_keys.setdefault(key, row.number)
            matches = existing.match(platform, candidates, name)
            if len(matches) > 1:
                names = "、".join(f"“{a.name}”" for a in matches)
                row_errors.append(
                    (row.number, "主页链接", f"主页链接与帐号ID分别对应已登记的不同帐号：{names}")
                )
            elif matches:
                account = matches[0]
                if account.pk in claimed and duplicate_of is None:
                    row_errors.append(
                        (
                            row.number,
                            "帐号ID",
                            f"与第{claimed[account.pk]}行对应同一已登记帐号“{account.name}”",
                        )
                    )
                claimed.setdefault(account.pk, row.number)
            if account is not None and account.handle in candidates:
                handle = account.handle
            else:
                handle = candidates[0] if candidates else ""
        errors.extend(row_errors)
        plans.append(_Plan(row, values, handle, account, leader, admins))
    return plans, errors


def _resolve_from_unit(values: dict[str, Any], *, new: bool) -> None:
    """创建主体 / 主体类别 left blank (or, for a new account, absent) are taken from the responsible unit."""
    if new:
        values.setdefault("owner", _FROM_UNIT)
        values.setdefault("owner_kind", _FROM_UNIT)
    unit = values.get("responsible_unit")
    if values.get("owner") is _FROM_UNIT:
        values["owner"] = unit.name if unit else ""
    if values.get("owner_kind") is _FROM_UNIT:
        values["owner_kind"] = unit.kind if unit else UnitKind.COLLEGE


def _sync_managers(account: MediaAccount, plan: _Plan, *, new: bool) -> bool:
    """Bring the account's leader and admins in line with the plan; whether anything changed."""
    changed = False
    current = [] if new else list(account.managers.all())
    if plan.leader is not False:
        leaders = [m for m in current if m.role == ManagerRole.LEADER]
        wanted = [plan.leader] if plan.leader else []
        if [(m.name, m.phone, m.email) for m in leaders] != wanted:
            for manager in leaders:
                manager.delete()
            for name, phone, email in wanted:
                AccountManager.objects.create(
                    account=account, role=ManagerRole.LEADER, name=name, phone=phone, email=email
                )
            changed = True
    if plan.admins is not None:
        admins = [m for m in current if m.role == ManagerRole.ADMIN]
        wanted_keys = [(name, person.pk if person else None) for name, person in plan.admins]
        if [(m.name, m.person_id) for m in admins] != wanted_keys:
            for manager in admins:
                manager.delete()
            for name, person in plan.admins:
                AccountManager.objects.create(
                    account=account,
                    role=ManagerRole.ADMIN,
                    name=name,
                    person=person,
                    title=person.title if person else "",
                    phone=person.phone if person else "",
                    email=person.email if person else "",
                )
            changed = True
    return changed


def _differs(account: MediaAccount, field_name: str, value) -> bool:
    if field_name in _FK_FIELDS:
        return getattr(account, f"{field_name}_id") != (value.pk if value is not None else None)
    return getattr(account, field_name) != value


def _apply(plan: _Plan, *, institution: Institution, today: date) -> tuple[MediaAccount, bool, list[str]]:
    """Create or update one account; (account, created, changed field names)."""
    account = plan.account
    values = dict(plan.values)
    _resolve_from_unit(values, new=account is None)
    values["handle"] = plan.handle
    if values.get("status") == AccountStatus.ACTIVE:
        values["alliance_member"] = True
    if account is None:
        account = MediaAccount(institution=institution, **values)
        if account.alliance_member and account.alliance_joined_on is None:
            account.alliance_joined_on = today
        account.save()
        _sync_managers(account, plan, new=True)
        return account, True, []
    changed = [name for name, value in values.items() if _differs(account, name, value)]
    if changed:
        for name in changed:
            setattr(account, name, values[name])
        if account.alliance_member and account.alliance_joined_on is None:
            account.alliance_joined_on = today
        account.save()
    if _sync_managers(account, plan, new=False):
        changed.append("managers")
    return account, False, changed


def ledger_import(
    *, institution: Institution, data: bytes, filename: str, user=None, dry_run: bool = False
) -> LedgerImportResult:
    """Import a ledger file into `institution`'s registry: all rows or none (see the module docstring).

    With `dry_run` everything is checked and counted, and nothing is kept.
    """
    table = read_table(data, filename, max_rows=LEDGER_MAX_ROWS)
    mapping, ignored, duplicates = _map_headers(table.headers)
    if duplicates:
        raise ImportFileError(
            f"表头重复：{'、'.join(duplicates)}", errors=[(1, h, "与另一列表头重复") for h in duplicates]
        )
    missing = [h for h in REQUIRED_HEADERS if h not in mapping]
    if missing:
        raise ImportFileError(
            f"缺少必需的列：{'、'.join(missing)}", errors=[(1, h, "缺少必需的列") for h in missing]
        )
    ctx = _Context(institution=institution, units=UnitIndex(institution), people=PersonIndex(institution))
    plans, errors = _plan(table, mapping, ctx, _Existing(institution))
    if errors:
        bad_rows = len({e[0] for e in errors})
        raise ImportFileError(f"台账有{bad_rows}行存在错误，未导入任何数据", errors=errors)

    result = LedgerImportResult(rows=len(plans), dry_run=dry_run, ignored_headers=ignored)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            for plan in plans:
                account, created, changed = _apply(plan, institution=institution, today=today)
                if created:
                    result.created += 1
                elif changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
                    continue
                log_action(
                    account,
                    "account.imported",
                    user=user,
                    data={"file": filename, "row": plan.row.number, "created": created, "fields": changed},
                )
            log_action(
                institution,
                "account.imported",
                user=user,
                institution=institution,
                data={"file": filename, "created": result.created, "updated": result.updated},
            )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        raise ImportFileError("导入时与其他操作发生数据冲突，未导入任何数据，请重试") from None
    return result


# --- export ---------------------------------------------------------------------------------------------


def ledger_rows(queryset) -> Iterator[list]:
    """The header row, then one row per account, in the import's column order (an export re-imports)."""
    yield list(HEADERS)
    ctx = _ExportContext()
    accounts = queryset.select_related(
        "institution", "responsible_unit__institution", "direct_responsible", "first_responsible"
    ).prefetch_related("managers__person")
    for account in accounts.iterator(chunk_size=1000):
        yield [column.render(account, ctx) for column in COLUMNS]


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def ledger_export_xlsx(queryset) -> bytes:
    """The ledger as an .xlsx workbook (one sheet, frozen header row, every string cell made safe)."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("新媒体台账")
    sheet.freeze_panes = "A2"
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    rows = ledger_rows(queryset)
    header_cells = []
    for header in next(rows):
        cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
        cell.font = bold
        cell.fill = fill
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
