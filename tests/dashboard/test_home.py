"""The dashboard page: the landing page after login."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from mediagov.org.models import Membership, Role

from ..conftest import make_user
from .builders import decide, open_filing

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def test_url_and_login_redirect(client):
    assert reverse("dashboard:home") == URL
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_lands_on_the_dashboard(client, world):
    response = client.post("/login/", {"username": "chem_op", "password": "pw-chem_op"})
    assert response.status_code == 302 and response["Location"] == URL


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_each_section_lists_its_filings_with_the_article(client, world):
    open_filing(world, "化工学院待审", planned_open_on=date(2026, 3, 12))
    returned = open_filing(world, "化工学院退回")
    decide(returned, world.chem_party, "returned", "请补充定位")
    client.force_login(world.chem_op)
    html = client.get(URL).content.decode()
    assert "化工学院 · 我的待办" not in html  # the institution's name, not the unit's
    assert "大连理工大学 · 我的待办" in html
    assert "退回修改，请修改后重新提交" in html
    assert "化工学院待审" in html and "还剩2个工作日" in html
    assert "开通前须审批通过（《大连理工大学新媒体管理办法》第八条）" in html
    assert "institution-switcher" not in html
    assert 'id="overview-units"' not in html

    client.force_login(world.chem_party)
    html = client.get(URL).content.decode()
    assert "待我审批" in html and "所在二级党组织意见" in html
    assert "《大连理工大学新媒体管理办法》第八条" in html


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_the_department_sees_the_overview(client, world):
    open_filing(world, "化工学院待审")
    client.force_login(world.xuan)
    html = client.get(URL).content.decode()
    assert 'id="overview-units"' in html and 'id="overview-steps"' in html
    assert "所在二级党组织意见" in html


def test_a_missing_calendar_year_is_a_message_not_an_error(client, world):
    with time_machine.travel(date(2026, 12, 28), tick=False):
        open_filing(
            world,
            "会计学院年末号",
            unit=world.acc,
            user=world.acc_op,
            inst=world.yufe,
            created_on=date(2026, 12, 28),
        )
    with time_machine.travel(date(2026, 12, 30), tick=False):
        client.force_login(world.acc_op)
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="calendar-missing"' in html and "2027年的节假日安排尚未导入" in html
    assert 'id="todo-undated"' in html and "会计学院年末号" in html


def test_a_user_without_any_role_gets_a_friendly_page(client, world):
    client.force_login(world.stranger)
    response = client.get(URL)
    assert response.status_code == 200
    assert "您还没有任何学校的角色" in response.content.decode()


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_switching_institution(client, world):
    both = make_user("both", "两校兼职", (world.dut, Role.PROPAGANDA, None))
    Membership.objects.create(user=both, institution=world.yufe, role=Role.PROPAGANDA)
    open_filing(world, "会计学院号", unit=world.acc, user=world.acc_op, inst=world.yufe)
    client.force_login(both)
    html = client.get(URL).content.decode()
    assert 'id="institution-switcher"' in html and "大连理工大学 · 我的待办" in html
    assert "会计学院号" not in html

    response = client.post(reverse("switch_institution"), {"institution": world.yufe.pk, "next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    html = client.get(URL).content.decode()
    assert "云南财经大学 · 我的待办" in html
    assert "会计学院号" in html  # waiting at 单位意见 is not his, but it is an open filing he sees
