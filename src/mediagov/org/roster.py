"""Staff roster (教职工名册) import, and the unit / person look-ups that imports share."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from mediagov.core.audit import log_action
from mediagov.core.errors import ImportFileError
from mediagov.core.tabular import Row, parse_bool, read_table

from .models import Institution, Person, Unit

ROSTER_REQUIRED = ["工号", "姓名", "单位", "在岗在编", "电话", "邮箱"]
ROSTER_OPTIONAL = ["职务"]
ROSTER_MAX_ROWS = 50_000


class UnitIndex:
    """Units of one institution, found by code or by name (a name shared by two units is ambiguous)."""

    def __init__(self, institution: Institution):
        self.units = list(Unit.objects.filter(institution=institution))
        self.by_code = {u.code: u for u in self.units}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in self.units:
            self.by_name.setdefault(unit.name, []).append(unit)

    def find(self, text: str) -> Unit:
        """The unit with code or name `text`; ValueError (Chinese message) when none or several match."""
        text = str(text).strip()
        if text in self.by_code:
            return self.by_code[text]
        matches = self.by_name.get(text, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            codes = "、".join(u.code for u in matches)
            raise ValueError(f"单位名称“{text}”不唯一，请改填单位代码（{codes}）")
        raise ValueError(f"未找到单位“{text}”")

    def label(self, unit: Unit) -> str:
        """How an export names the unit: its name, or its code when the name is shared."""
        return unit.name if len(self.by_name.get(unit.name, [])) == 1 else unit.code


class PersonIndex:
    """People of one institution's roster, found by 工号."""

    def __init__(self, institution: Institution):
        self.by_staff_no = {p.staff_no: p for p in Person.objects.filter(institution=institution)}

    def find(self, staff_no: str) -> Person:
        """The person with this 工号 on the roster; ValueError (Chinese message) otherwise."""
        staff_no = str(staff_no).strip()
        person = self.by_staff_no.get(staff_no)
        if person is None:
            raise ValueError(f"工号“{staff_no}”不在教职工名册中")
        if not person.on_roster:
            raise ValueError(f"工号“{staff_no}”（{person.name}）已不在教职工名册中")
        return person


@dataclass
class RosterImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    marked_off_roster: int = 0
    rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)


def _text(row: Row, header: str) -> str:
    value = row.get(header, "")
    return value if isinstance(value, str) else str(value)


def _check_length(errors, row: Row, header: str, value: str, field_name: str) -> None:
    limit = Person._meta.get_field(field_name).max_length
    if limit and len(value) > limit:
        errors.append((row.number, header, f"不能超过{limit}个字符"))


def roster_import(
    *,
    institution: Institution,
    data: bytes,
    filename: str,
    user=None,
    mark_missing_off_roster: bool = False,
) -> RosterImportResult:
    """Import the staff roster: all rows or none, upserting by 工号.

    People of the institution missing from the file stay; with `mark_missing_off_roster` they get
    on_roster=False. A person listed again is back on the roster.
    """
    table = read_table(data, filename, max_rows=ROSTER_MAX_ROWS)
    missing = [h for h in ROSTER_REQUIRED if not table.has(h)]
    if missing:
        raise ImportFileError(
            f"缺少必需的列：{'、'.join(missing)}", errors=[(1, h, "缺少必需的列") for h in missing]
        )
    has_title = table.has("职务")
    units = UnitIndex(institution)
    existing = {p.staff_no: p for p in Person.objects.filter(institution=institution).select_related("unit")}

    errors: list[tuple[int | None, str, str]] = []
    planned: list[tuple[Row, str, dict]] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        values: dict = {}
        staff_no = _text(row, "工号")
        if not staff_no:
            errors.append((row.number, "工号", "不能为空"))
        elif staff_no in first_row:
            errors.append((row.number, "工号", f"与第{first_row[staff_no]}行重复"))
        else:
            first_row[staff_no] = row.number
            _check_length(errors, row, "工号", staff_no, "staff_no")
        name = _text(row, "姓名")
        if not name:
            errors.append((row.number, "姓名", "不能为空"))
        _check_length(errors, row, "姓名", name, "name")
        values["name"] = name
        unit_text = _text(row, "单位")
        values["unit"] = None
        if unit_text:
            try:
                values["unit"] = units.find(unit_text)
            except ValueError as exc:
                errors.append((row.number, "单位", str(exc)))
        try:
            values["on_staff"] = parse_bool(row.get("在岗在编", ""))
        except ValueError as exc:
            errors.append((row.number, "在岗在编", str(exc)))
        phone = _text(row, "电话")
        _check_length(errors, row, "电话", phone, "phone")
        values["phone"] = phone
        email = _text(row, "邮箱")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append((row.number, "邮箱", f"邮箱格式不正确：“{email}”"))
        values["email"] = email
        if has_title:
            title = _text(row, "职务")
            _check_length(errors, row, "职务", title, "title")
            values["title"] = title
        values["on_roster"] = True
        planned.append((row, staff_no, values))
    if errors:
        raise ImportFileError(f"名册有{len({e[0] for e in errors})}行存在错误，未导入任何数据", errors=errors)

    known = set(ROSTER_REQUIRED) | set(ROSTER_OPTIONAL)
    result = RosterImportResult(
        rows=len(planned), ignored_headers=[h for h in table.headers if h not in known]
    )
    with transaction.atomic():
        for _row, staff_no, values in planned:
            person = existing.get(staff_no)
            if person is None:
                Person.objects.create(institution=institution, staff_no=staff_no, **values)
                result.created += 1
                continue
            changed = [k for k, v in values.items() if getattr(person, k) != v]
            if changed:
                for key in changed:
                    setattr(person, key, values[key])
                person.save()
                result.updated += 1
            else:
                result.unchanged += 1
        if mark_missing_off_roster:
            for staff_no, person in existing.items():
                if staff_no not in first_row and person.on_roster:
                    person.on_roster = False
                    person.save()
                    result.marked_off_roster += 1
        log_action(
            institution,
            "person.imported",
            user=user,
            institution=institution,
            data={
                "file": filename,
                "created": result.created,
                "updated": result.updated,
                "marked_off_roster": result.marked_off_roster,
            },
        )
    return result
