"""The admin of institutions (pack read-only, reload action), units, people and role memberships."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from mediagov.core.models import ActionLog
from mediagov.org.models import Institution, Membership, Person, Role, Unit
from mediagov.policy.services import policy_load_shipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def dut():
    return policy_load_shipped("dut")


@pytest.mark.parametrize("model", ["institution", "unit", "person", "membership"])
def test_changelists_render(admin_client, dut, model):
    Person.objects.create(institution=dut, staff_no="1", name="张三", unit=Unit.objects.get(code="tw"))
    response = admin_client.get(reverse(f"admin:org_{model}_changelist"))
    assert response.status_code == 200


def test_unit_changelist_filters_by_institution_and_kind(admin_client, dut):
    yufe = policy_load_shipped("yufe")
    url = reverse("admin:org_unit_changelist")
    response = admin_client.get(url, {"institution__id__exact": yufe.pk, "q": "信息"})
    assert list(response.context["cl"].result_list) == [Unit.objects.get(institution=yufe, code="xxzx")]
    response = admin_client.get(url, {"kind__exact": "youth"})
    assert list(response.context["cl"].result_list) == []


def test_institution_page_shows_the_pack_read_only(admin_client, dut):
    response = admin_client.get(reverse("admin:org_institution_change", args=[dut.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "校团委意见" in body and "信息变更后3个工作日内" in body
    assert 'name="pack"' not in body and 'name="code"' not in body
    assert admin_client.get(reverse("admin:org_institution_add")).status_code == 403


def test_reload_action(admin_client, dut):
    Unit.objects.filter(institution=dut, code="tw").update(name="旧名称")
    response = admin_client.post(
        reverse("admin:org_institution_changelist"),
        {"action": "reload_shipped_pack", "_selected_action": [dut.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "已重新加载政策包" in response.content.decode()
    assert Unit.objects.get(institution=dut, code="tw").name == "校团委"
    assert ActionLog.objects.filter(action="policy.loaded", institution=dut).count() == 2


def test_membership_form_checks_role_scope(admin_client, dut):
    user = get_user_model().objects.create_user(username="xuan")
    tw = Unit.objects.get(institution=dut, code="tw")
    url = reverse("admin:org_membership_add")
    response = admin_client.post(
        url, {"user": user.pk, "institution": dut.pk, "role": Role.PROPAGANDA, "unit": tw.pk}
    )
    assert "该角色为全校范围" in response.content.decode()
    response = admin_client.post(
        url, {"user": user.pk, "institution": dut.pk, "role": Role.SUPERVISOR, "unit": ""}
    )
    assert "该角色须指定单位" in response.content.decode()
    assert Membership.objects.count() == 0
    response = admin_client.post(
        url, {"user": user.pk, "institution": dut.pk, "role": Role.SUPERVISOR, "unit": tw.pk}
    )
    assert response.status_code == 302
    assert Membership.objects.get().unit == tw


def test_unit_form_refuses_a_parent_of_another_institution(admin_client, dut):
    yufe = policy_load_shipped("yufe")
    other = Unit.objects.get(institution=yufe, code="xcb")
    response = admin_client.post(
        reverse("admin:org_unit_add"),
        {"institution": dut.pk, "parent": other.pk, "code": "chem", "name": "化工学院", "kind": "college"},
    )
    assert "上级单位须属于同一学校" in response.content.decode()
    assert not Unit.objects.filter(code="chem").exists()
    assert Institution.objects.count() == 2
