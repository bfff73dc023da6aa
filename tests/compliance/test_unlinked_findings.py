"""A finding without a registered account (an unregistered use of the school's name found by the name watch,
DUT 第九条): only the propaganda department of its institution sees and answers it; no sanction rests on it;
the pages, the export, the API and the reminders show the discovered account instead."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from mediagov.compliance.models import Finding, FindingState, SanctionLevel
from mediagov.compliance.services import (
    ComplianceError,
    finding_acknowledge,
    finding_rectify,
    finding_verify,
    sanction_issue,
)
from mediagov.core.errors import PermissionDenied as DomainPermissionDenied
from mediagov.notifications.models import Notification
from mediagov.notifications.services import reminders_run
from mediagov.org.models import Role
from mediagov.screening.namewatch import Discovered, namewatch_record

from ..conftest import make_user
from .builders import live_account

DAY = date(2026, 11, 23)


@pytest.fixture
def unlinked(world):
    with time_machine.travel(DAY, tick=False):
        [saved] = namewatch_record(world.dut, [Discovered("抖音", "大工树洞", "dgsd")], user=world.xuan)
    return saved.finding


def detail(finding):
    return reverse("compliance:finding_detail", args=[finding.pk])


def test_only_the_department_of_its_institution_sees_it(client, world, unlinked):
    seen = {
        u.username
        for u in (
            world.xuan,
            world.it,
            world.intl,
            world.chem_party,
            world.chem_op,
            world.mech_op,
            world.tw_sup,
            world.yufe_xuan,
            world.acc_head,
        )
        if Finding.objects.visible_to(u).filter(pk=unlinked.pk).exists()
    }
    assert seen == {world.xuan.username}
    client.force_login(world.xuan)
    page = client.get(detail(unlinked)).content.decode()
    assert "大工树洞" in page and "未备案" in page and "《大连理工大学新媒体管理办法》第九条" in page
    notice = reverse("screening:namewatch_notice", args=[unlinked.evidence["discovered_id"]])
    assert notice in page and client.get(notice)["Content-Type"].endswith("wordprocessingml.document")
    overview = client.get(reverse("compliance:overview")).content.decode()
    assert detail(unlinked) in overview and "未经审批使用学校名称：抖音“大工树洞”" in overview
    for user in (world.it, world.chem_party, world.chem_op, world.yufe_xuan):
        client.force_login(user)
        assert client.get(detail(unlinked)).status_code == 404
        assert detail(unlinked) not in client.get(reverse("compliance:overview")).content.decode()


def test_no_sanction_rests_on_it(world, unlinked):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    with pytest.raises(ComplianceError, match="未备案帐号，没有可处理的已备案帐号，不能据此作出处理决定"):
        sanction_issue(
            account=account,
            level=SanctionLevel.RECTIFY,
            findings=[unlinked],
            reason="冒用校名",
            by=world.xuan,
        )


def test_the_department_answers_and_verifies_it(world, unlinked):
    with pytest.raises(DomainPermissionDenied):
        finding_acknowledge(unlinked, by=world.chem_op)
    finding_acknowledge(unlinked, by=world.xuan)
    finding_rectify(unlinked, by=world.xuan, description="已更名：对方已改名为“树洞投稿”（12月1日核实）")
    with pytest.raises(ComplianceError, match="不能核验本人报告的整改"):
        finding_verify(unlinked, by=world.xuan)
    colleague = make_user("xuan2", "宣传部李老师", (world.dut, Role.PROPAGANDA, None))
    finding_verify(unlinked, by=colleague, note="已核实更名")
    assert Finding.objects.get(pk=unlinked.pk).state == FindingState.CLOSED


def test_the_page_offers_no_unit_actions_to_others(client, world, unlinked):
    client.force_login(world.xuan)
    page = client.get(detail(unlinked)).content.decode()
    assert 'id="acknowledge"' in page and 'id="waive"' in page
    client.force_login(world.chem_op)
    response = client.post(reverse("compliance:finding_acknowledge", args=[unlinked.pk]))
    assert response.status_code == 404


def test_a_finding_needs_an_account_unless_it_is_a_namewatch_one(world, unlinked):
    fields = {f: getattr(unlinked, f) for f in ("institution", "rule", "regulation", "article", "title")}
    bare = Finding(**fields, kind="inactivity", key="x", message="", severity="low", action="")
    bare.first_seen = bare.last_seen = DAY
    with pytest.raises(IntegrityError), transaction.atomic():
        bare.save()


def test_export_lists_it_without_a_unit(client, world, unlinked):
    client.force_login(world.xuan)
    book = load_workbook(io.BytesIO(client.get(reverse("compliance:overview_export")).content))
    rows = [list(r) for r in book["问题清单"].iter_rows(values_only=True)]
    assert ["未备案帐号（名称监测）", "大工树洞", "抖音", "dgsd", "namewatch.unregistered_use"] == rows[1][:5]
    units = [list(r) for r in book["按单位"].iter_rows(values_only=True)]
    assert units[-1][:3] == ["未备案帐号（名称监测）", None, 1]
    by_rule = [list(r) for r in book["按规则"].iter_rows(values_only=True)]
    assert ["namewatch.unregistered_use", "名称监测（第九条）"] in [r[:2] for r in by_rule]


def test_api_shows_the_discovered_account(world, unlinked):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(world.xuan)
    data = api.get(f"/api/findings/{unlinked.pk}/").json()
    assert data["account"] is None and data["citation"] == "《大连理工大学新媒体管理办法》第九条"
    assert (data["discovered"]["platform"], data["discovered"]["name"]) == ("抖音", "大工树洞")
    assert unlinked.pk in {r["id"] for r in api.get("/api/findings/").json()["results"]}
    for user in (world.it, world.chem_op, world.yufe_xuan):
        api.force_login(user)
        assert api.get(f"/api/findings/{unlinked.pk}/").status_code == 404
        assert unlinked.pk not in {r["id"] for r in api.get("/api/findings/").json()["results"]}


def test_reminders_go_to_the_department(world, unlinked):
    later = unlinked.due_date + timedelta(days=20)
    reminders_run(institution=world.dut, today=later)
    told = set(Notification.objects.filter(finding=unlinked).values_list("recipient__username", flat=True))
    assert told == {world.xuan.username}
    assert "大工树洞" in Notification.objects.filter(finding=unlinked).first().body
