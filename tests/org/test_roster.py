import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from mediagov.core.errors import ImportFileError
from mediagov.core.models import ActionLog
from mediagov.org.models import Institution, Person, Unit
from mediagov.org.roster import roster_import

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HEADERS = "工号,姓名,单位,在岗在编,电话,邮箱"


@pytest.fixture
def dut(db):
    inst = Institution.objects.create(code="dut", name="大连理工大学")
    Unit.objects.create(institution=inst, code="xcb", name="党委宣传部")
    Unit.objects.create(institution=inst, code="cs", name="计算机科学与技术学院")
    Unit.objects.create(institution=inst, code="tw", name="校团委")
    return inst


def run(inst, text: str, **kwargs):
    return roster_import(institution=inst, data=text.encode("gbk"), filename="名册.csv", **kwargs)


def test_import_fixture(dut):
    data = (FIXTURES / "roster-utf8.csv").read_bytes()
    result = roster_import(institution=dut, data=data, filename="roster-utf8.csv")
    assert (result.created, result.updated, result.rows) == (3, 0, 3)
    zhang = Person.objects.get(staff_no="T001")
    assert (zhang.name, zhang.unit.code, zhang.on_staff, zhang.title) == ("张三", "xcb", True, "部长")
    assert zhang.email == "zhangsan@dlut.edu.cn" and zhang.phone == "0411-84708888"
    assert Person.objects.get(staff_no="T002").unit.code == "cs"  # 单位 by code
    wang = Person.objects.get(staff_no="T003")
    assert wang.on_staff is False and wang.is_on_staff is False


def test_upsert_by_staff_no(dut):
    run(dut, f"{HEADERS},职务\nT001,张三,党委宣传部,是,,,部长\nT002,李四,cs,是,,,\n")
    result = run(
        dut, f"{HEADERS}\nT001,张三,计算机科学与技术学院,否,0411-1,,\nT002,李四,cs,是,,,\nT003,王五,,是,,,\n"
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    zhang = Person.objects.get(staff_no="T001")
    assert (zhang.unit.code, zhang.on_staff, zhang.phone) == ("cs", False, "0411-1")
    assert zhang.title == "部长"  # no 职务 column: kept
    assert Person.objects.get(staff_no="T003").unit is None
    assert Person.objects.count() == 3


def test_missing_people_are_kept_or_marked_off_roster(dut):
    run(dut, f"{HEADERS}\nT001,张三,xcb,是,,\nT002,李四,cs,是,,\n")
    result = run(dut, f"{HEADERS}\nT001,张三,xcb,是,,\n")
    assert result.marked_off_roster == 0
    assert Person.objects.get(staff_no="T002").on_roster is True
    result = run(dut, f"{HEADERS}\nT001,张三,xcb,是,,\n", mark_missing_off_roster=True)
    assert result.marked_off_roster == 1
    assert Person.objects.get(staff_no="T002").on_roster is False
    assert Person.objects.filter(staff_no="T002").exists()  # never deleted
    result = run(dut, f"{HEADERS}\nT002,李四,cs,是,,\n")  # listed again: back on the roster
    assert Person.objects.get(staff_no="T002").on_roster is True


def test_errors_all_at_once_and_nothing_written(dut):
    text = (
        f"{HEADERS}\n"
        "T001,张三,xcb,是,,\n"
        "T001,张三二,xcb,是,,\n"
        "T003,,不存在,也许,,not-an-email\n"
        ",无号,xcb,否,,\n"
    )
    with pytest.raises(ImportFileError) as exc:
        run(dut, text)
    assert exc.value.errors == [
        (3, "工号", "与第2行重复"),
        (4, "姓名", "不能为空"),
        (4, "单位", "未找到单位“不存在”"),
        (4, "在岗在编", "无法识别的取值“也许”，请填写“是”或“否”"),
        (4, "邮箱", "邮箱格式不正确：“not-an-email”"),
        (5, "工号", "不能为空"),
    ]
    assert "名册.csv：第3行“工号”：与第2行重复" in exc.value.lines("名册.csv")
    assert Person.objects.count() == 0


def test_missing_headers(dut):
    with pytest.raises(ImportFileError, match="缺少必需的列：在岗在编、邮箱"):
        run(dut, "工号,姓名,单位,电话\nT001,张三,xcb,\n")


def test_xlsx_numeric_staff_numbers(dut):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS.split(","))
    ws.append([10086, "张三", "xcb", "是", 13800000000, None])
    out = io.BytesIO()
    wb.save(out)
    roster_import(institution=dut, data=out.getvalue(), filename="名册.xlsx")
    person = Person.objects.get()
    assert (person.staff_no, person.phone) == ("10086", "13800000000")


def test_audit_log(dut):
    run(dut, f"{HEADERS}\nT001,张三,xcb,是,,\n")
    log = ActionLog.objects.for_object(dut).get()
    assert log.action == "person.imported" and log.institution == dut
    assert log.data == {"file": "名册.csv", "created": 1, "updated": 0, "marked_off_roster": 0}


def test_command_import_people(dut, tmp_path, capsys):
    Person.objects.create(institution=dut, staff_no="T099", name="离职者")
    path = tmp_path / "名册.csv"
    path.write_bytes((FIXTURES / "roster-utf8.csv").read_bytes())
    call_command("import_data", "people", str(path), "--institution", "dut", "--mark-missing")
    out = capsys.readouterr().out
    assert "新增 3 条，更新 0 条" in out and "标记为不在名册中 1 人" in out
    assert Person.objects.get(staff_no="T099").on_roster is False


def test_command_import_people_error(dut, tmp_path, capsys):
    path = tmp_path / "名册.csv"
    path.write_text(f"{HEADERS}\nT001,张三,火星,是,,\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("import_data", "people", str(path), "--institution", "dut")
    assert exc.value.code == 1
    assert capsys.readouterr().err.strip() == "名册.csv：第2行“单位”：未找到单位“火星”"
