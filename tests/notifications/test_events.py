"""Events other apps report through notify: a finding opened, a sanction issued."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from mediagov.compliance.services import sanction_issue
from mediagov.notifications.models import Delivery, Notification
from mediagov.notifications.services import finding_opened_notify

from .conftest import make_finding, mech_account

pytestmark = pytest.mark.django_db


def test_finding_opened_tells_the_responsible_people_once(world):
    finding = make_finding(mech_account(world), due=date(2026, 3, 20))
    assert finding_opened_notify(finding) == 1
    assert finding_opened_notify(finding) == 0
    n = Notification.objects.get()
    assert (n.recipient, n.key, n.stage) == (world.mech_op, f"finding:{finding.pk}:opened", "opened")
    assert "《大连理工大学新媒体管理办法》第七条" in n.body and "整改期限：2026年3月20日" in n.body
    assert n.link == reverse("compliance:finding_detail", args=[finding.pk])
    assert list(Delivery.objects.values_list("target", flat=True)) == ["20001@example.edu.cn"]


def test_sanction_issued_tells_responsible_people_and_the_unit_head(
    world, django_capture_on_commit_callbacks
):
    account = mech_account(world)
    finding = make_finding(account, due=date(2026, 3, 10))
    with time_machine.travel(date(2026, 3, 12), tick=False), django_capture_on_commit_callbacks(execute=True):
        sanction = sanction_issue(
            account=account, level="rectify", findings=[finding], reason="逾期未整改", by=world.xuan
        )
    got = {(n.recipient.username, n.key) for n in Notification.objects.select_related("recipient")}
    assert got == {
        ("mech_op", f"sanction:{sanction.pk}:issued"),
        ("mech_head", f"sanction:{sanction.pk}:issued"),
    }
    n = Notification.objects.filter(recipient=world.mech_head).get()
    assert n.title == "【处理决定】机械工程学院：责令整改"
    assert sanction.citation in n.body and "逾期未整改" in n.body
    assert n.link == reverse("compliance:sanction_detail", args=[sanction.pk])
