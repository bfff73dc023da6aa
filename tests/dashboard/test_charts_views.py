"""The activity dashboards and their xlsx exports: what each user sees, and what the files contain."""

import io
import json
import re
from datetime import date, datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from mediagov.registry.platforms import Platform

from ..compliance.builders import live_account, posts, report

pytestmark = pytest.mark.django_db

DUT_12 = "《大连理工大学新媒体管理办法》第十二条"
YUFE_15 = "《云南财经大学新媒体建设与管理办法（修订）》第十五条"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def dut(world):
    """化工学院: one account at risk (January was its last post), one fine. 机械工程学院: one broken (December).
    Opened in October 2025: not a year old, so the 20-posts-a-year rule does not apply yet."""
    old = date(2025, 10, 1)
    chem = live_account(world, "化工学院官微", created_on=old)
    posts(chem, [date(2025, 11, 3), date(2026, 1, 15)])
    chem_wb = live_account(world, "化工学院微博", created_on=old, platform=Platform.WEIBO)
    posts(chem_wb, [date(2026, 2, 3), date(2026, 3, 3)])
    mech = live_account(
        world, "机械学院官微", created_on=old, unit=world.mech, direct_responsible=world.p_mech
    )
    posts(mech, [date(2025, 12, 20)])
    return chem, chem_wb, mech


def xlsx_rows(response, sheet=0):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def filename(response) -> str:
    return unquote(re.search(r"filename\*=UTF-8''(.+)$", response["Content-Disposition"])[1])


def chart_json(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match[1])


def test_institution_dashboard_for_the_department(client, world, dut):
    client.force_login(world.xuan)
    html = client.get("/dashboard/activity/").content.decode()
    assert "大连理工大学 · 发布活跃度" in html and "全校帐号" in html
    option = chart_json(html, "chart-posts-data")
    assert option["xAxis"]["data"][0] == "2024-04" and option["xAxis"]["data"][-1] == "2026-03"
    names = [s["name"] for s in option["series"]]
    assert names == ["微信公众号", "微博", "合计"]
    assert option["series"][-1]["data"][-5:] == [1, 1, 1, 1, 1]  # 2025-11 … 2026-03
    assert 'data-png-for="chart-posts"' in html and 'href="/dashboard/activity/posts.xlsx"' in html
    # Inactive and at risk, each naming its rule and citing its article.
    assert "已违反 1" in html and "临近违反 1" in html
    assert html.count(DUT_12) >= 2 and "连续2个自然月未更新" in html
    assert "机械学院官微" in html and "化工学院官微" in html and "2026-03-31" in html
    # DUT's pack has no monthly report window: no report chart.
    assert "chart-reports" not in html and "月报表按时报送率" not in html
    assert 'href="/dashboard/activity/units/' in html  # each unit's dashboard


def test_unit_roles_see_their_unit_only(client, world, dut):
    client.force_login(world.chem_op)
    html = client.get("/dashboard/activity/").content.decode()
    assert "您管理范围内的帐号" in html
    assert "化工学院官微" in html and "机械学院官微" not in html
    assert chart_json(html, "chart-posts-data")["series"][-1]["data"][-5:] == [1, 0, 1, 1, 1]
    assert client.get(f"/dashboard/activity/units/{world.chem.pk}/").status_code == 200
    assert client.get(f"/dashboard/activity/units/{world.mech.pk}/").status_code == 404
    assert client.get(f"/dashboard/activity/units/{world.mech.pk}/posts.xlsx").status_code == 404


def test_unit_dashboard_for_the_department(client, world, dut):
    client.force_login(world.xuan)
    html = client.get(f"/dashboard/activity/units/{world.mech.pk}/").content.decode()
    assert "机械工程学院 · 发布活跃度" in html and "含下级单位" in html
    assert "机械学院官微" in html and "化工学院官微" not in html
    assert f'href="/dashboard/activity/units/{world.mech.pk}/risks.xlsx"' in html


def test_posts_xlsx(client, world, dut):
    client.force_login(world.xuan)
    response = client.get("/dashboard/activity/posts.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert filename(response) == "各平台每月发布-大连理工大学-20260310.xlsx"
    rows = xlsx_rows(response)
    assert rows[0] == ["月份", "微信公众号", "微博", "合计"]
    assert len(rows) == 25 and rows[1] == ["2024-04", 0, 0, 0]
    assert rows[-5:] == [
        ["2025-11", 1, 0, 1],
        ["2025-12", 1, 0, 1],
        ["2026-01", 1, 0, 1],
        ["2026-02", 0, 1, 1],
        ["2026-03", 0, 1, 1],
    ]
    unit = client.get(f"/dashboard/activity/units/{world.chem.pk}/posts.xlsx")
    assert filename(unit) == "各平台每月发布-化工学院-20260310.xlsx"
    assert xlsx_rows(unit)[-4] == ["2025-12", 0, 0, 0]  # the mech post is not 化工学院's


def test_risks_xlsx_is_scoped_and_cites(client, world, dut):
    client.force_login(world.xuan)
    rows = xlsx_rows(client.get("/dashboard/activity/risks.xlsx"))
    assert rows[0][:6] == ["状态", "单位", "帐号", "平台", "规则", "依据"]
    got = {(r[0], r[2], r[4], r[5]) for r in rows[1:]}
    assert got == {
        ("已违反", "机械学院官微", "连续2个自然月未更新", DUT_12),
        ("临近违反", "化工学院官微", "连续2个自然月未更新", DUT_12),
    }
    at_risk = next(r for r in rows[1:] if r[0] == "临近违反")
    assert at_risk[8].date() == date(2026, 1, 15) and at_risk[9].date() == date(2026, 3, 31)

    client.force_login(world.chem_op)
    response = client.get("/dashboard/activity/risks.xlsx")
    assert filename(response) == "未更新与临近违反帐号-大连理工大学-20260310.xlsx"
    assert [r[2] for r in xlsx_rows(response)[1:]] == ["化工学院官微"]


def test_reports_chart_and_xlsx_for_a_pack_with_a_monthly_window(client, world):
    acc = dict(inst=world.yufe, unit=world.acc, user=world.acc_op)
    a = live_account(world, "会计学院官微", created_on=date(2024, 1, 1), **acc)
    b = live_account(world, "会计学院微博", created_on=date(2024, 1, 1), platform=Platform.WEIBO, **acc)
    report(a, date(2026, 2, 1), date(2026, 3, 3))
    report(b, date(2026, 2, 1), date(2026, 3, 9))
    client.force_login(world.acc_op)
    html = client.get("/dashboard/activity/").content.decode()
    assert "月报表按时报送率" in html and YUFE_15 in html
    option = chart_json(html, "chart-reports-data")
    assert option["xAxis"]["data"][-1] == "2026-02"
    assert [s["name"] for s in option["series"]] == ["按时报送", "逾期报送", "未报送", "按时率"]
    assert option["series"][3]["data"][-1] == 50.0
    assert (
        "<td>2026-02</td><td>03-01至03-05</td><td>2</td><td>1</td><td>1</td><td>0</td><td>50.0%</td>" in html
    )

    response = client.get("/dashboard/activity/reports.xlsx")
    assert filename(response) == "月报表按时报送率-云南财经大学-20260310.xlsx"
    rows = xlsx_rows(response)
    assert rows[0] == [
        "所属月份",
        "报送期限",
        "应报帐号",
        "按时报送",
        "逾期报送",
        "未报送",
        "按时率（%）",
        "依据",
    ]
    assert rows[-1] == ["2026-02", "2026-03-01至2026-03-05", 2, 1, 1, 0, 50, YUFE_15]
    assert len(rows) == 13


def test_reports_xlsx_is_404_without_a_monthly_window(client, world):
    client.force_login(world.xuan)
    assert client.get("/dashboard/activity/reports.xlsx").status_code == 404
    assert client.get(f"/dashboard/activity/units/{world.chem.pk}/reports.xlsx").status_code == 404


def test_account_timeline_xlsx(client, world, dut):
    chem = dut[0]
    client.force_login(world.chem_party)
    response = client.get(f"/dashboard/activity/accounts/{chem.pk}/timeline.xlsx")
    assert filename(response) == "每月发布-化工学院官微-20260310.xlsx"
    rows = xlsx_rows(response)
    assert rows[0] == ["月份", "发布条数"] and len(rows) == 25
    assert rows[-5:] == [["2025-11", 1], ["2025-12", 0], ["2026-01", 1], ["2026-02", 0], ["2026-03", 0]]
    summary = {r[0]: r[1] for r in xlsx_rows(response, sheet=1)[1:]}
    assert summary["最近一次发布"] == datetime(2026, 1, 15, 9)
    assert summary["最长间隔（天）"] == 73  # 2025-11-03 → 2026-01-15
    assert summary["间隔开始"].date() == date(2025, 11, 3) and summary["间隔结束"].date() == date(2026, 1, 15)

    client.force_login(world.mech_op)
    assert client.get(f"/dashboard/activity/accounts/{chem.pk}/timeline.xlsx").status_code == 404
