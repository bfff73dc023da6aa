"""Name watch results as compliance findings (DUT 第九条): an impersonation saved by the page or the CLI is a
finding of the account it copies, cited from the pack, routed to that unit and the department, raised once."""

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from mediagov.compliance.models import Finding, FindingState
from mediagov.compliance.services import finding_waive, scan_run
from mediagov.notifications.models import Notification
from mediagov.registry.models import MediaAccount
from mediagov.registry.platforms import Platform
from mediagov.screening.models import DiscoveredAccount
from mediagov.screening.namewatch import Discovered, namewatch_record

PAGE = reverse("screening:namewatch")
CSV = "平台,名称,帐号ID,链接,简介\n抖音,大連理工大學化工學院官方,dlut_fake,,冒充官方\n抖音,大工树洞,dgsd,,\n"


@pytest.fixture
def official(world):
    return MediaAccount.objects.create(
        institution=world.dut,
        name="大连理工大学化工学院",
        owner="化工学院",
        responsible_unit=world.chem,
        platform=Platform.WEIBO,
        platform_id="1234567890",
        handle="1234567890",
        status="active",
    )


def fake(name="大連理工大學化工學院官方", handle="dlut_fake"):
    return Discovered("抖音", name, handle, "", "冒充官方")


def test_impersonation_becomes_a_cited_finding_of_the_copied_account(world, official):
    [saved] = namewatch_record(world.dut, [fake()], user=world.xuan)
    finding = saved.finding
    assert saved.finding_created and finding.account == official
    assert (finding.rule, finding.kind, finding.state) == ("namewatch.impersonation", "namewatch", "open")
    pack = world.dut.policy
    assert finding.article == pack.protected_names["article"] == "第九条"
    assert finding.regulation == pack.title and finding.citation == "《大连理工大学新媒体管理办法》第九条"
    assert finding.evidence["discovered_name"] == "大連理工大學化工學院官方"
    assert finding.evidence["discovered_handle"] == "dlut_fake" and finding.evidence["similarity"] == 100
    assert "仿冒已备案帐号“大连理工大学化工学院”" in finding.message


def test_registered_and_unrelated_raise_no_finding(world, official):
    saved = namewatch_record(
        world.dut, [Discovered("微博", "官方", "1234567890"), Discovered("抖音", "美食探店", "food")]
    )
    assert [s.verdict for s in saved] == ["registered", "unrelated"]
    assert [s.finding for s in saved] == [None, None] and not Finding.objects.exists()


def test_importing_the_same_account_again_adds_no_finding(world, official):
    [first] = namewatch_record(world.dut, [fake()])
    [again] = namewatch_record(world.dut, [fake()])
    assert again.finding == first.finding and not again.finding_created
    finding_waive(first.finding, by=world.xuan, reason="已由平台处理")
    [third] = namewatch_record(world.dut, [fake()])  # waived stays waived: not raised again
    assert third.finding.pk == first.finding.pk and Finding.objects.count() == 1
    namewatch_record(world.dut, [fake(handle="dlut_fake2")])  # another account copying the same name
    assert Finding.objects.count() == 2


def test_the_scan_does_not_close_a_namewatch_finding(world, official):
    [saved] = namewatch_record(world.dut, [fake()])
    outcome = scan_run(world.dut, as_of=date.today())
    assert outcome.persisted and outcome.closed == 0
    assert Finding.objects.get(pk=saved.finding.pk).state == FindingState.OPEN


def test_unit_and_department_are_told(world, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        namewatch_record(world.dut, [fake()])
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert world.xuan.username in told


def test_results_page_links_the_finding_and_the_unit_sees_it(client, world, official):
    client.force_login(world.xuan)
    upload = SimpleUploadedFile("发现.csv", CSV.encode("utf-8"), content_type="text/csv")
    page = client.post(PAGE, {"action": "upload", "up-file": upload}, follow=True).content.decode()
    finding = Finding.objects.get(rule="namewatch.impersonation")
    assert "新记合规问题2个" in page
    assert reverse("compliance:finding_detail", args=[finding.pk]) in page
    overview = client.get(reverse("compliance:overview")).content.decode()
    assert "疑似仿冒帐号：抖音“大連理工大學化工學院官方”" in overview
    client.force_login(world.chem_party)  # the unit whose account is copied
    detail = client.get(reverse("compliance:finding_detail", args=[finding.pk]))
    assert detail.status_code == 200 and "大連理工大學化工學院官方" in detail.content.decode()
    client.force_login(world.mech_op)  # another unit does not
    assert client.get(reverse("compliance:finding_detail", args=[finding.pk])).status_code in (403, 404)


def test_cli_save_records_once(world, official, tmp_path):
    file = tmp_path / "found.csv"
    file.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("namewatch", str(file), "--institution", "dut", "--save", "--json", stdout=out)
    data = json.loads(out.getvalue())
    impersonation = Finding.objects.get(rule="namewatch.impersonation")
    unregistered = Finding.objects.get(rule="namewatch.unregistered_use")
    assert [(d["verdict"], d["finding"]) for d in data] == [
        ("impersonation", impersonation.pk),
        ("unregistered_use", unregistered.pk),
    ]
    call_command("namewatch", str(file), "--institution", "dut", "--save", stdout=io.StringIO())
    assert Finding.objects.count() == 2 and DiscoveredAccount.objects.count() == 4
