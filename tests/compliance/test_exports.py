"""The compliance workbooks: they open with openpyxl, carry the header rows, hold only the user's scope, and
write a hostile account name as text (core.tabular.safe_cell)."""

import io
from datetime import date
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from mediagov.compliance.models import Finding, SanctionLevel
from mediagov.compliance.services import sanction_issue, scan_run

from .builders import live_account

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
HOSTILE = "=cmd|' /C calc'!A0"
HEADERS = [
    "单位",
    "帐号",
    "平台",
    "帐号ID",
    "规则",
    "制度",
    "条款",
    "问题",
    "说明",
    "严重程度",
    "整改要求",
    "责任人",
    "起始日期",
    "整改期限",
    "状态",
    "首次发现",
    "最近确认",
]
SHEETS = ["问题清单", "按规则", "按单位", "处理决定"]


@pytest.fixture
def case(world):
    w = world
    with time_machine.travel(TODAY, tick=False):
        chem = live_account(w, "化工学院官微", created_on=date(2024, 1, 1))
        mech = live_account(
            w,
            "机械学院官微",
            created_on=date(2024, 1, 1),
            unit=w.mech,
            user=w.mech_op,
            direct_responsible=w.p_mech,
        )
        yufe = live_account(
            w, "会计学院官微", created_on=date(2024, 1, 1), unit=w.acc, inst=w.yufe, user=w.acc_op
        )
        scan_run(w.dut, as_of=TODAY)
        scan_run(w.yufe, as_of=TODAY)
    return SimpleNamespace(chem=chem, mech=mech, yufe=yufe)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def workbook(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)), response


def rows(book, sheet="问题清单") -> list[list]:
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def accounts_in(book) -> set[str]:
    return {r[1] for r in rows(book)[1:]}


def test_overview_export_for_the_department(client, world, case, frozen):
    book, response = workbook(client, world.xuan, reverse("compliance:overview_export"))
    assert book.sheetnames == SHEETS
    assert rows(book)[0] == HEADERS
    assert accounts_in(book) == {"化工学院官微", "机械学院官微"}
    assert len(rows(book)) - 1 == Finding.objects.filter(institution=world.dut).count()
    row = next(r for r in rows(book)[1:] if r[1] == "化工学院官微" and r[4] == "dut-12-two-months")
    assert row[0] == "化工学院" and row[2] == "微信公众号" and row[5] == "大连理工大学新媒体管理办法"
    assert row[6] == "第十二条" and row[9] == "严重" and row[11] == "直接责任人：张三" and row[14] == "待处理"
    assert row[15].date() == TODAY and row[13].date() > TODAY
    disposition = unquote(response["Content-Disposition"])
    assert "合规检查-大连理工大学-20261122.xlsx" in disposition and disposition.startswith("attachment;")
    by_rule = rows(book, "按规则")
    assert by_rule[0][:3] == ["规则", "规则类型", "依据"]
    assert [
        "dut-12-two-months",
        "连续N个自然月未更新",
        "《大连理工大学新媒体管理办法》第十二条",
        2,
    ] == by_rule[[r[0] for r in by_rule].index("dut-12-two-months")][:4]
    by_unit = {r[0]: r for r in rows(book, "按单位")[1:]}
    assert set(by_unit) == {"化工学院", "机械工程学院"}
    assert by_unit["化工学院"][1] == 1  # one account with findings


def test_unit_staff_export_only_their_scope(client, world, case, frozen):
    book, _ = workbook(client, world.chem_op, reverse("compliance:overview_export"))
    assert accounts_in(book) == {"化工学院官微"}
    assert {r[0] for r in rows(book, "按单位")[1:]} == {"化工学院"}
    book, _ = workbook(client, world.acc_op, reverse("compliance:overview_export"))
    assert accounts_in(book) == {"会计学院官微"}
    assert {r[5] for r in rows(book)[1:]} == {world.yufe.policy.title}


def test_unit_and_account_exports(client, world, case, frozen):
    book, response = workbook(client, world.xuan, reverse("compliance:unit_export", args=[world.mech.pk]))
    assert accounts_in(book) == {"机械学院官微"} and rows(book)[0] == HEADERS
    assert "合规检查-机械工程学院-20261122.xlsx" in unquote(response["Content-Disposition"])
    book, response = workbook(
        client, world.chem_op, reverse("compliance:account_export", args=[case.chem.pk])
    )
    assert accounts_in(book) == {"化工学院官微"} and book.sheetnames == SHEETS
    assert "合规检查-化工学院官微-20261122.xlsx" in unquote(response["Content-Disposition"])


def test_exports_outside_scope(client, world, case):
    client.force_login(world.mech_op)
    assert client.get(reverse("compliance:unit_export", args=[world.chem.pk])).status_code == 404
    assert client.get(reverse("compliance:account_export", args=[case.chem.pk])).status_code == 404
    client.force_login(world.yufe_xuan)
    assert client.get(reverse("compliance:account_export", args=[case.chem.pk])).status_code == 404
    client.force_login(world.stranger)
    assert client.get(reverse("compliance:overview_export")).status_code == 403
    client.logout()
    response = client.get(reverse("compliance:overview_export"))
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_sanctions_sheet(client, world, case, frozen):
    finding = Finding.objects.get(account=case.chem, rule="dut-12-two-months")
    sanction_issue(
        account=case.chem, level=SanctionLevel.RECTIFY, findings=[finding], reason="连续未更新", by=world.xuan
    )
    book, _ = workbook(client, world.xuan, reverse("compliance:overview_export"))
    sanctions = rows(book, "处理决定")
    assert sanctions[0][:4] == ["单位", "帐号", "平台", "处理措施"]
    [row] = sanctions[1:]
    assert row[1] == "化工学院官微" and row[3] == "责令整改" and row[6] == "连续未更新"
    assert "直接责任人：张三" in row[8] and row[9] == "运营中" and row[10] == "执行中"
    by_unit = {r[0]: r for r in rows(book, "按单位")[1:]}
    assert by_unit["化工学院"][-1] == 1
    book, _ = workbook(client, world.mech_op, reverse("compliance:overview_export"))
    assert rows(book, "处理决定")[1:] == []


def test_a_hostile_account_name_is_written_as_text(client, world, frozen):
    live_account(world, HOSTILE, created_on=date(2024, 1, 1))
    scan_run(world.dut, as_of=TODAY)
    book, _ = workbook(client, world.xuan, reverse("compliance:overview_export"))
    sheet = book["问题清单"]
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert names and all(cell.value == "'" + HOSTILE and cell.data_type == "s" for cell in names)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
