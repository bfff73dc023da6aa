"""The deadline refresh job: fills in deadlines once a missing year's calendar arrives; idempotent."""

from datetime import date

import pytest

from mediagov.registry import tasks
from mediagov.registry.models import Filing, FilingKind
from mediagov.workdays.services import calendar_import

from .factories import register

pytestmark = pytest.mark.django_db


def test_deadline_waits_for_the_missing_year_then_is_filled_in(world):
    account = register(
        world,
        inst=world.yufe,
        unit=world.acc,
        name="会计学院",
        user=world.acc_op,
        created_on=date(2027, 1, 5),
    )
    from mediagov.registry import services

    filing = services.filing_create(account=account, kind=FilingKind.NEW, user=world.acc_op)
    assert filing.due_date is None and "2027" in filing.due_error
    assert tasks.filing_deadlines_refresh.apply().get() == 0
    calendar_import("YEAR 2027\nHOLIDAY 2027-01-01 2027-01-03 元旦 3\n", source="test")
    assert tasks.filing_deadlines_refresh.apply().get() == 1
    filing = Filing.objects.get(pk=filing.pk)
    assert filing.due_date == date(2027, 1, 12) and filing.due_error == ""
    assert tasks.filing_deadlines_refresh.apply().get() == 0
