"""`notify`: one in-app notification per recipient and key, and the outside deliveries the pack enables."""

import pytest

from mediagov.notifications.models import Delivery, Notification, Webhook
from mediagov.notifications.services import notify

from .conftest import sub_unit

pytestmark = pytest.mark.django_db


def _notify(world, recipients, key="finding:1:opened", **kwargs):
    return notify(
        institution=world.dut,
        recipients=recipients,
        key=key,
        stage="opened",
        title="【新问题】化工学院",
        body="依据：《大连理工大学新媒体管理办法》第七条",
        **kwargs,
    )


def _robot(world, name, channel="wecom", unit=None, enabled=True, institution=None):
    return Webhook.objects.create(
        institution=institution or world.dut,
        unit=unit,
        channel=channel,
        name=name,
        url=f"https://example.invalid/{name}",
        enabled=enabled,
    )


def test_each_recipient_once_per_key(world):
    assert _notify(world, [world.chem_op, world.xuan, world.chem_op, None]) == 2
    assert _notify(world, [world.chem_op, world.xuan]) == 0
    assert _notify(world, [world.chem_op], key="finding:1:sanction") == 1
    assert Notification.objects.filter(recipient=world.chem_op).count() == 2


def test_inactive_users_are_not_notified(world):
    world.chem_op.is_active = False
    world.chem_op.save()
    assert _notify(world, [world.chem_op]) == 0


def test_email_to_the_user_else_their_roster_address(world):
    world.xuan.email = "xuan@dlut.edu.cn"
    world.xuan.save()
    _notify(world, [world.xuan, world.chem_op, world.mech_head])  # mech_head has no address at all
    emails = sorted(Delivery.objects.filter(channel="email").values_list("target", flat=True))
    assert emails == ["10001@example.edu.cn", "xuan@dlut.edu.cn"]
    delivery = Delivery.objects.get(target="xuan@dlut.edu.cn")
    assert delivery.state == "pending" and delivery.key == "finding:1:opened"


def test_robots_of_the_institution_and_of_the_unit_and_its_ancestors(world):
    lab = sub_unit(world)
    whole = _robot(world, "whole")
    mech = _robot(world, "mech", channel="dingtalk", unit=world.mech)
    _robot(world, "chem", unit=world.chem)
    _robot(world, "lab-sibling", unit=sub_unit(world, code="mech-other", name="机械其他"))
    _robot(world, "off", enabled=False)
    _robot(world, "yufe", institution=world.yufe)
    _notify(world, [world.mech_op], unit=lab)
    robots = set(Delivery.objects.exclude(channel="email").values_list("webhook__name", flat=True))
    assert robots == {whole.name, mech.name}
    _notify(world, [world.xuan], key="finding:1:escalate-propaganda", unit=None)
    robots = set(
        Delivery.objects.filter(key="finding:1:escalate-propaganda").values_list("webhook", flat=True)
    )
    assert robots == {whole.pk}


def test_channels_come_from_the_pack(world):
    world.dut.pack["reminders"] = {**world.dut.pack["reminders"], "channels": ["inapp", "dingtalk"]}
    world.dut.save()
    _robot(world, "wecom")
    ding = _robot(world, "ding", channel="dingtalk")
    assert _notify(world, [world.chem_op]) == 1
    assert list(Delivery.objects.values_list("webhook", flat=True)) == [ding.pk]


def test_channels_argument_narrows_the_pack(world):
    _robot(world, "wecom")
    _notify(world, [world.chem_op], channels=["inapp", "email"])
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


def test_robots_are_told_once_even_without_recipients(world):
    robot = _robot(world, "whole")
    assert _notify(world, []) == 0
    assert _notify(world, []) == 0
    assert list(Delivery.objects.values_list("webhook", flat=True)) == [robot.pk]


def test_a_robot_added_later_gets_no_old_messages(world):
    _robot(world, "whole")
    _notify(world, [world.chem_op])
    queued = Delivery.objects.count()
    _robot(world, "added later")
    assert _notify(world, [world.chem_op]) == 0
    assert Delivery.objects.count() == queued
