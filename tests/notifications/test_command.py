"""`mediagov reminders run|send` end to end."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mediagov.notifications.models import Delivery, Notification

from .conftest import make_finding, mech_account

pytestmark = pytest.mark.django_db


def test_run_then_send(world, mailoutbox):
    make_finding(mech_account(world), due=date(2026, 3, 10))
    out = StringIO()
    call_command("reminders", "run", "--date", "2026-03-05", "--institution", "dut", stdout=out)
    assert "大连理工大学（2026-03-05）：检查1项，新通知1条，外部推送1条" in out.getvalue()
    assert Notification.objects.get().stage == "before-3"
    out = StringIO()
    call_command("reminders", "send", stdout=out)
    assert "已发送1条" in out.getvalue()
    assert mailoutbox[0].to == ["20001@example.edu.cn"] and Delivery.objects.get().state == "sent"


def test_bad_arguments_are_refused_in_chinese(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reminders", "run", "--date", "5 March")
    with pytest.raises(CommandError, match="没有代码为“xx”的学校"):
        call_command("reminders", "run", "--institution", "xx")
