"""Org pages: the staff roster and the unit tree, scoped; the roster import for the department only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from mediagov.org.models import Person, Unit, UnitKind

from ..conftest import person
from ..registry.factories import register

pytestmark = pytest.mark.django_db

PEOPLE = reverse("org:person_list")
IMPORT = reverse("org:person_import")
UNITS = reverse("org:unit_list")
HEADERS = "工号,姓名,单位,在岗在编,电话,邮箱,职务"


def staff_nos(response) -> set[str]:
    assert response.status_code == 200
    return {p.staff_no for p in response.context["page"]}


def csv_upload(text: str, name: str = "名册.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("gbk"), content_type="text/csv")


# --- the roster -----------------------------------------------------------------------------------------
def test_url_names():
    assert (PEOPLE, IMPORT, UNITS) == ("/org/people/", "/org/people/import/", "/org/units/")


def test_anonymous_is_sent_to_login(client):
    for url in (PEOPLE, IMPORT, UNITS):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_department_and_it_center_see_the_whole_institution(client, world):
    unassigned = Person.objects.create(institution=world.dut, staff_no="90001", name="未分配单位")
    for user in (world.xuan, world.it):
        client.force_login(user)
        assert staff_nos(client.get(PEOPLE)) == {"10001", "10002", "20001", "30001", unassigned.staff_no}
    client.force_login(world.yufe_xuan)
    assert staff_nos(client.get(PEOPLE)) == {"Y0001", "Y0002"}


def test_unit_roles_see_their_unit_subtree(client, world):
    person(world.dut, "10003", "实验室老师", world.chem_lab)
    client.force_login(world.chem_op)
    assert staff_nos(client.get(PEOPLE)) == {"10001", "10002", "10003"}
    client.force_login(world.mech_head)
    assert staff_nos(client.get(PEOPLE)) == {"20001"}
    client.force_login(world.tw_sup)
    assert staff_nos(client.get(PEOPLE)) == {"30001"}
    client.force_login(world.acc_op)
    assert staff_nos(client.get(PEOPLE)) == {"Y0001", "Y0002"}


def test_a_user_without_a_role_is_refused(client, world):
    client.force_login(world.stranger)
    assert client.get(PEOPLE).status_code == 403
    assert client.get(UNITS).status_code == 403


def test_columns(client, world):
    client.force_login(world.chem_op)
    html = client.get(PEOPLE).content.decode()
    for header in ("工号", "姓名", "单位", "职务", "在岗在编", "在名册", "电话", "邮箱"):
        assert f"<th>{header}</th>" in html
    assert "张三" in html and "10001@example.edu.cn" in html and "0411-84700001" in html
    assert "导入名册" not in html


def test_search_and_filters(client, world):
    person(world.dut, "10003", "实验室老师", world.chem_lab)
    client.force_login(world.xuan)
    assert staff_nos(client.get(PEOPLE, {"q": "张"})) == {"10001"}
    assert staff_nos(client.get(PEOPLE, {"q": "20001@"})) == {"20001"}
    assert staff_nos(client.get(PEOPLE, {"unit": world.chem.pk})) == {"10001", "10002", "10003"}
    assert staff_nos(client.get(PEOPLE, {"unit": world.chem_lab.pk})) == {"10003"}
    assert staff_nos(client.get(PEOPLE, {"on_staff": "0"})) == {"10002"}
    assert staff_nos(client.get(PEOPLE, {"unit": world.chem.pk, "on_staff": "1"})) == {"10001", "10003"}


def test_filtering_by_a_unit_outside_scope_shows_nothing_more(client, world):
    client.force_login(world.chem_op)
    response = client.get(PEOPLE, {"unit": world.mech.pk})
    assert "20001" not in staff_nos(response)
    assert response.context["form"].errors  # 机械工程学院 is not a choice for 化工学院's operator


# --- the roster import ----------------------------------------------------------------------------------
def test_only_the_department_may_import(client, world):
    for user in (world.chem_op, world.it, world.intl, world.mech_head, world.acc_op, world.stranger):
        client.force_login(user)
        assert client.get(IMPORT).status_code == 403
        upload = csv_upload(f"{HEADERS}\n40001,赵六,化工学院,是,,,\n")
        assert client.post(IMPORT, {"file": upload}).status_code == 403
    assert not Person.objects.filter(staff_no="40001").exists()


def test_department_imports_a_csv(client, world):
    client.force_login(world.xuan)
    assert client.get(IMPORT).status_code == 200
    text = f"{HEADERS},备注\n10001,张三,化工学院,是,0411-84701111,zhang@dlut.edu.cn,副院长,x\n40001,赵六,mech,否,,,\n"
    response = client.post(IMPORT, {"file": csv_upload(text)}, follow=True)
    assert response.redirect_chain[-1][0] == PEOPLE
    html = response.content.decode()
    assert "名册导入完成：共2行，新增1人，更新1人，未变0人" in html
    assert "以下列未导入：备注" in html
    zhao = Person.objects.get(institution=world.dut, staff_no="40001")
    assert zhao.unit == world.mech and zhao.on_staff is False
    assert Person.objects.get(institution=world.dut, staff_no="10001").title == "副院长"


def test_department_imports_an_xlsx_and_marks_the_missing_off_roster(client, world):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS.split(","))
    sheet.append(["10001", "张三", "化工学院", "是", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("名册.xlsx", buffer.getvalue())
    client.force_login(world.xuan)
    response = client.post(IMPORT, {"file": upload, "mark_missing_off_roster": "on"}, follow=True)
    assert "人标记为不在名册" in response.content.decode()
    assert Person.objects.get(staff_no="20001").on_roster is False
    assert Person.objects.get(staff_no="Y0001").on_roster is True  # YUFE's roster is untouched


def test_row_errors_are_listed_in_chinese_and_nothing_is_written(client, world):
    client.force_login(world.xuan)
    text = f"{HEADERS}\n40001,赵六,不存在的学院,是,,,\n40002,,化工学院,也许,,not-an-email,\n"
    response = client.post(IMPORT, {"file": csv_upload(text)})
    assert response.status_code == 200
    errors = response.context["errors"]
    assert "名册.csv：第2行“单位”：未找到单位“不存在的学院”" in errors
    assert "名册.csv：第3行“姓名”：不能为空" in errors
    assert "名册.csv：第3行“邮箱”：邮箱格式不正确：“not-an-email”" in errors
    assert any("第3行“在岗在编”" in e for e in errors)
    assert 'id="import-errors"' in response.content.decode()
    assert not Person.objects.filter(staff_no__in=["40001", "40002"]).exists()


def test_missing_columns_are_an_error(client, world):
    client.force_login(world.xuan)
    response = client.post(IMPORT, {"file": csv_upload("工号,姓名\n40001,赵六\n")})
    assert any("缺少必需的列" in e for e in response.context["errors"])


def test_the_import_writes_into_the_current_institution_only(client, world):
    client.force_login(world.yufe_xuan)
    response = client.post(IMPORT, {"file": csv_upload(f"{HEADERS}\nY0003,钱七,acc,是,,,\n")})
    assert response.status_code == 302
    assert Person.objects.get(staff_no="Y0003").institution == world.yufe
    # A DUT unit is unknown in YUFE's roster.
    response = client.post(IMPORT, {"file": csv_upload(f"{HEADERS}\nY0004,孙八,化工学院,是,,,\n")})
    assert any("未找到单位“化工学院”" in e for e in response.context["errors"])


# --- units ----------------------------------------------------------------------------------------------
def rows_by_code(response) -> dict:
    assert response.status_code == 200
    return {row.unit.code: row for row in response.context["rows"]}


def test_the_department_sees_the_whole_tree_with_supervisors_and_counts(client, world):
    league = Unit.objects.create(
        institution=world.dut, code="chem-tw", name="化工学院团委", kind=UnitKind.YOUTH, parent=world.chem
    )
    world.chem.first_responsible = world.p_chem
    world.chem.save()
    register(world, name="化工学院官微")
    register(world, name="精细化工实验室", unit=world.chem_lab)
    client.force_login(world.xuan)
    response = client.get(UNITS)
    rows = rows_by_code(response)
    assert {"chem", "chem-lab", "chem-tw", "mech", "tw", "xcb"} <= set(rows)
    assert "acc" not in rows
    assert rows["chem-tw"].supervisor == "校团委"  # DUT 第五条: youth organisations → 校团委
    assert rows["chem"].supervisor == "本单位（主办单位）"
    assert rows["chem-tw"].indent == 1 and rows["chem"].indent == 0
    assert (rows["chem"].accounts, rows["chem"].subtree_accounts) == (1, 2)
    assert (rows["chem-lab"].accounts, rows["chem-lab"].subtree_accounts) == (1, 1)
    html = response.content.decode()
    assert "张三" in html and league.name in html


def test_unit_roles_see_their_subtree(client, world):
    client.force_login(world.chem_op)
    assert set(rows_by_code(client.get(UNITS))) == {"chem", "chem-lab"}
    client.force_login(world.mech_op)
    assert set(rows_by_code(client.get(UNITS))) == {"mech"}
    client.force_login(world.acc_head)
    assert set(rows_by_code(client.get(UNITS))) == {"acc"}


def test_yufe_department_sees_yufe_units_with_host_supervision(client, world):
    client.force_login(world.yufe_xuan)
    rows = rows_by_code(client.get(UNITS))
    assert "chem" not in rows and "acc" in rows
    assert rows["acc"].supervisor == "本单位（主办单位）"
