"""Sending queued deliveries: each on its own, failures retried with back-off, then marked failed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from mediagov.notifications import tasks
from mediagov.notifications.models import Delivery, DeliveryState, Webhook
from mediagov.notifications.services import backoff, delivery_send_due, notify

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 10, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _robots(world, robots):
    bad = Webhook.objects.create(
        institution=world.dut, channel="wecom", name="坏掉的企业微信群", url=robots.url("/wecom/bad?key=k1")
    )
    good = Webhook.objects.create(
        institution=world.dut,
        channel="dingtalk",
        name="宣传部钉钉群",
        url=robots.url("/ding/good?access_token=t1"),
        secret="SEC-good",
    )
    robots.secrets["/ding/good"] = "SEC-good"
    robots.set("/wecom/bad", "errcode", 93000, "invalid webhook url")
    return bad, good


def _notify(world):
    notify(
        institution=world.dut,
        recipients=[world.chem_op],
        key="finding:1:before-3:2026-03-13",
        stage="before-3",
        title="【即将到期】化工学院",
        body="整改期限：2026年3月13日",
    )


def test_backoff_doubles_from_one_minute():
    assert [backoff(n) for n in range(1, 6)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]


def test_failing_robot_is_retried_with_backoff_then_failed_while_the_others_succeed(
    world, robots, mailoutbox
):
    bad, good = _robots(world, robots)
    with time_machine.travel(START, tick=False) as clock:
        _notify(world)
        result = delivery_send_due()
        assert result.as_dict() == {"sent": 2, "retrying": 1, "failed": 0, "skipped": 0}
        assert [m.to for m in mailoutbox] == [["10001@example.edu.cn"]]
        assert len(robots.to("/ding/good")) == 1 and robots.to("/ding/good")[0].signature_ok
        failing = Delivery.objects.get(webhook=bad)
        assert failing.attempts == 1 and failing.state == DeliveryState.PENDING
        assert "errcode=93000" in failing.last_error
        assert failing.next_attempt_at == timezone.now() + timedelta(minutes=1)

        for attempt, wait in [(2, 1), (3, 2), (4, 4), (5, 8)]:
            clock.shift(timedelta(seconds=59))
            assert delivery_send_due().as_dict()["retrying"] == 0  # not yet
            clock.shift(timedelta(minutes=wait) - timedelta(seconds=59))
            assert delivery_send_due().retrying == 1
            failing.refresh_from_db()
            assert failing.attempts == attempt
        clock.shift(timedelta(minutes=16))
        assert delivery_send_due().failed == 1
        failing.refresh_from_db()
        assert failing.state == DeliveryState.FAILED and failing.attempts == 6
        clock.shift(timedelta(hours=1))
        assert delivery_send_due().as_dict() == {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    assert len(robots.to("/wecom/bad")) == 6
    assert len(robots.to("/ding/good")) == 1 and len(mailoutbox) == 1  # sent once, never again
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 2


def test_a_robot_that_times_out_is_retried(world, robots, monkeypatch):
    from mediagov.notifications import channels

    monkeypatch.setattr(channels, "TIMEOUT", 0.3)
    Webhook.objects.create(institution=world.dut, channel="wecom", name="慢", url=robots.url("/slow"))
    robots.set("/slow", "slow", 1.0)
    notify(
        institution=world.dut, recipients=[], key="k", stage="due", title="t", body="b", channels=["wecom"]
    )
    assert delivery_send_due().retrying == 1
    assert "没有响应" in Delivery.objects.get().last_error


def test_robot_url_and_secret_are_read_at_send_time(world, robots):
    robot = Webhook.objects.create(
        institution=world.dut, channel="dingtalk", name="群", url=robots.url("/old")
    )
    notify(
        institution=world.dut, recipients=[], key="k", stage="due", title="t", body="b", channels=["dingtalk"]
    )
    robot.url, robot.secret = robots.url("/new?access_token=x"), "SEC-new"
    robot.save()
    robots.secrets["/new"] = "SEC-new"
    assert delivery_send_due().sent == 1
    assert robots.to("/old") == [] and robots.to("/new")[0].signature_ok


def test_a_disabled_robot_fails_at_once(world, robots):
    robot = Webhook.objects.create(institution=world.dut, channel="wecom", name="群", url=robots.url("/w"))
    notify(
        institution=world.dut, recipients=[], key="k", stage="due", title="t", body="b", channels=["wecom"]
    )
    Webhook.objects.filter(pk=robot.pk).update(enabled=False)
    assert delivery_send_due().failed == 1
    assert Delivery.objects.get().last_error == "群机器人已停用，未发送"
    assert robots.requests == []


def test_a_broken_mail_server_does_not_stop_the_robots(world, robots, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    Webhook.objects.create(institution=world.dut, channel="wecom", name="群", url=robots.url("/w"))
    _notify(world)
    result = delivery_send_due()
    assert result.sent == 1 and result.retrying == 1
    assert "邮件发送失败" in Delivery.objects.get(channel="email").last_error


def test_limit_and_the_task(world, robots):
    Webhook.objects.create(institution=world.dut, channel="wecom", name="群", url=robots.url("/w"))
    for i in range(3):
        notify(institution=world.dut, recipients=[], key=f"k{i}", stage="due", title="t", body="b")
    assert delivery_send_due(limit=2).sent == 2
    assert tasks.deliveries_send.apply().get() == {"sent": 1, "retrying": 0, "failed": 0, "skipped": 0}


def test_beat_schedules_both_tasks(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notifications.reminders_run", "notifications.deliveries_send"} <= tasks_scheduled
