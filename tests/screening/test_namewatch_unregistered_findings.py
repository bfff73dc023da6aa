"""An unregistered use of the school's name (DUT 第九条) saved by the name watch is a compliance finding without
a registered account: cited from the pack, raised once per discovered account, told to the department only,
never closed by the scan, linked from the results page."""

from datetime import date

import pytest
from django.urls import reverse

from mediagov.compliance.models import Finding, FindingState
from mediagov.compliance.services import ComplianceError, finding_rectify, finding_waive, scan_run
from mediagov.notifications.models import Notification
from mediagov.screening.namewatch import Discovered, namewatch_record

PAGE = reverse("screening:namewatch")


def tree_hole(handle="dgsd", platform="抖音", name="大工树洞"):
    return Discovered(
        platform, name, handle, "https://www.douyin.com/user/dgsd" if handle else "", "树洞投稿"
    )


def test_unregistered_use_becomes_an_account_less_cited_finding(world):
    [saved] = namewatch_record(world.dut, [tree_hole()], user=world.xuan)
    finding = saved.finding
    assert saved.verdict == "unregistered_use" and saved.finding_created
    assert finding.account is None and finding.institution == world.dut
    assert (finding.rule, finding.kind, finding.state) == ("namewatch.unregistered_use", "namewatch", "open")
    pack = world.dut.policy
    assert finding.article == pack.protected_names["article"] == "第九条"
    assert (
        finding.citation
        == pack.cite(pack.protected_names["article"])
        == "《大连理工大学新媒体管理办法》第九条"
    )
    assert finding.discovered == {
        "id": saved.pk,
        "platform": "抖音",
        "name": "大工树洞",
        "handle": "dgsd",
        "url": "https://www.douyin.com/user/dgsd",
    }
    assert finding.evidence["keyword"] == "大工"
    assert "名称使用了学校名称“大工”，未经审批" in finding.message
    assert finding.due_date is not None and "第九条" in finding.due_rule


def test_its_rectification_must_say_renamed_closed_or_approved(world):
    [saved] = namewatch_record(world.dut, [tree_hole()])
    with pytest.raises(ComplianceError, match="《大连理工大学新媒体管理办法》第九条.*已更名.*已注销"):
        finding_rectify(saved.finding, by=world.xuan, description="已联系对方处理")
    assert Finding.objects.get().state == FindingState.OPEN
    finding_rectify(saved.finding, by=world.xuan, description="对方已更名为“树洞投稿站”，12月3日核实")
    assert Finding.objects.get().state == FindingState.RECTIFIED


def test_importing_the_same_account_again_adds_none_and_a_waived_one_stays_waived(world):
    [first] = namewatch_record(world.dut, [tree_hole()])
    [again] = namewatch_record(world.dut, [tree_hole()])
    assert again.finding == first.finding and not again.finding_created
    finding_waive(first.finding, by=world.xuan, reason="已核实为校友自办，已获批")
    [third] = namewatch_record(world.dut, [tree_hole()])
    assert third.finding.pk == first.finding.pk and not third.finding_created
    assert Finding.objects.get().state == FindingState.WAIVED
    namewatch_record(world.dut, [tree_hole(handle="dgsd2")])  # another account with the same name
    namewatch_record(world.dut, [tree_hole(platform="微博", handle="")])  # no handle: known by its name
    namewatch_record(world.dut, [tree_hole(platform="微博", handle="")])
    assert Finding.objects.count() == 3


def test_only_the_department_is_told(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [saved] = namewatch_record(world.dut, [tree_hole()])
    told = set(
        Notification.objects.filter(finding=saved.finding).values_list("recipient__username", flat=True)
    )
    assert told == {world.xuan.username}
    body = Notification.objects.get(finding=saved.finding).body
    assert "抖音“大工树洞”（dgsd）（未备案帐号" in body and "《大连理工大学新媒体管理办法》第九条" in body


def test_the_scan_does_not_close_it(world):
    [saved] = namewatch_record(world.dut, [tree_hole()])
    outcome = scan_run(world.dut, as_of=date.today())
    assert outcome.persisted and outcome.closed == 0
    assert Finding.objects.get(pk=saved.finding.pk).state == FindingState.OPEN


@pytest.mark.parametrize("verdict", ["", "unregistered_use"])
def test_results_page_links_each_flagged_row_to_its_finding(client, world, verdict):
    [saved] = namewatch_record(world.dut, [tree_hole()])
    client.force_login(world.xuan)
    page = client.get(PAGE, {"verdict": verdict} if verdict else {}).content.decode()
    assert reverse("compliance:finding_detail", args=[saved.finding.pk]) in page
    assert f"合规问题 #{saved.finding.pk}（待处理）" in page
