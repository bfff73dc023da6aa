"""Name watch pages: import, hand entry, results with evidence, the notice download; the department only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from mediagov.core.models import ActionLog
from mediagov.registry.models import MediaAccount
from mediagov.registry.platforms import Platform
from mediagov.screening.models import DiscoveredAccount

PAGE = reverse("screening:namewatch")


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


def upload(text: str, encoding="gbk", name="发现.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_import_records_verdicts_and_shows_evidence(client, world, official):
    client.force_login(world.xuan)
    csv = "平台,名称,帐号ID,链接,简介\n微博,大连理工大学化工学院,1234567890,,\n抖音,大工树洞,dgsd,,\n"
    response = client.post(PAGE, {"action": "upload", "up-file": upload(csv)}, follow=True)
    assert "已检查2个帐号，其中1个需责令更名或注销" in response.content.decode()
    rows = {d.name: d for d in DiscoveredAccount.objects.of(world.dut)}
    assert (
        rows["大连理工大学化工学院"].verdict == "registered"
        and rows["大连理工大学化工学院"].account == official
    )
    flagged = rows["大工树洞"]
    assert (flagged.verdict, flagged.keyword, flagged.row, flagged.created_by) == (
        "unregistered_use",
        "大工",
        3,
        world.xuan,
    )
    assert ActionLog.objects.filter(action="namewatch.check").count() == 2
    page = response.content.decode()
    assert (
        "名称含受保护名称“大工”" in page and reverse("screening:namewatch_notice", args=[flagged.pk]) in page
    )


def test_import_error_stores_nothing(client, world):
    client.force_login(world.xuan)
    response = client.post(PAGE, {"action": "upload", "up-file": upload("平台,帐号ID\n微博,1\n")})
    assert "发现.csv：缺少表头：名称" in response.content.decode()
    assert not DiscoveredAccount.objects.exists()


def test_hand_entry_and_notice(client, world, official):
    client.force_login(world.xuan)
    data = {
        "action": "entry",
        "one-platform": "weibo",
        "one-name": "大连理工大学化工学院",
        "one-handle": "777",
    }
    response = client.post(PAGE, data, follow=True)
    assert "“大连理工大学化工学院”：疑似仿冒已备案帐号" in response.content.decode()
    found = DiscoveredAccount.objects.get()
    assert (found.source, found.account, found.score) == ("manual", official, 100.0)
    response = client.get(reverse("screening:namewatch_notice", args=[found.pk]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "第九条" in text and "大连理工大学化工学院" in text and "相似" in text


def test_no_notice_for_a_registered_account(client, world, official):
    client.force_login(world.xuan)
    data = {"action": "entry", "one-platform": "weibo", "one-name": "x", "one-handle": "1234567890"}
    client.post(PAGE, data)
    found = DiscoveredAccount.objects.get()
    assert found.verdict == "registered"
    response = client.get(reverse("screening:namewatch_notice", args=[found.pk]), follow=True)
    assert "无需发出" in response.content.decode()


def test_unit_staff_and_other_department_are_refused(client, world):
    client.force_login(world.chem_party)
    assert client.get(PAGE).status_code == 403
    found = DiscoveredAccount.objects.create(
        institution=world.dut, platform="douyin", name="大工", verdict="unregistered_use", source="manual"
    )
    client.force_login(world.yufe_xuan)
    assert client.get(reverse("screening:namewatch_notice", args=[found.pk])).status_code == 404
