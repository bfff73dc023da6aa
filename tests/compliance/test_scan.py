"""Scans: idempotent, self-closing, reproducible as of a past date; the `mediagov scan` contract."""

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from mediagov.compliance.models import Finding, FindingState, Scan
from mediagov.compliance.services import finding_waive, scan_compute, scan_run
from mediagov.core.models import ActionLog

from ..conftest import person
from .builders import live_account, post

pytestmark = pytest.mark.django_db


def holding(outcome, rule=None):
    return sorted((d.rule, d.account_id, d.key) for d in outcome.drafts if rule is None or d.rule == rule)


@pytest.fixture
def quiet(world):
    """A DUT account that stopped posting on 15 July 2026."""
    with time_machine.travel(date(2026, 1, 5), tick=False):
        world.p_zhao = person(world.dut, "10009", "赵六", world.chem)
        account = live_account(
            world, "化工学院官微", created_on=date(2024, 1, 1), direct_responsible=world.p_zhao
        )
        for month in range(1, 8):
            for day in (3, 10, 17):
                post(account, date(2026, month, day))
    return account


def test_a_second_scan_adds_nothing(world, quiet):
    with time_machine.travel(date(2026, 11, 22), tick=False):
        first = scan_run(world.dut, as_of=date(2026, 11, 22))
        assert first.opened == len(first.drafts) > 0
        second = scan_run(world.dut, as_of=date(2026, 11, 22))
    assert second.opened == 0 and second.closed == 0
    assert Finding.objects.filter(institution=world.dut).count() == first.opened
    rules = set(Finding.objects.values_list("rule", flat=True))
    assert "dut-12-two-months" in rules  # 第十二条: Aug–Oct without a post


def test_finding_holds_citation_evidence_due_and_responsible(world, quiet):
    with time_machine.travel(date(2026, 11, 22), tick=False):
        scan_run(world.dut, as_of=date(2026, 11, 22))
    finding = Finding.objects.get(rule="dut-12-two-months")
    assert finding.citation == "《大连理工大学新媒体管理办法》第十二条"
    assert finding.action == "关停并到党委宣传部、新闻中心注销备案"
    assert finding.evidence["last_post"] == "2026-07-17"
    assert finding.evidence["empty_months"] == ["2026-08", "2026-09", "2026-10"]
    assert finding.severity == "high"
    # 10 working days from the day it was found (Sunday 22 November 2026): 4 December.
    assert finding.due_date == date(2026, 12, 4)
    assert {"role": "direct_responsible", "person_id": world.p_zhao.pk, "name": "赵六"} in finding.responsible
    assert ActionLog.objects.filter(action="finding.opened", object_id=str(finding.pk)).exists()


def test_finding_closes_itself_when_the_account_posts_again(world, quiet):
    with time_machine.travel(date(2026, 11, 22), tick=False):
        scan_run(world.dut, as_of=date(2026, 11, 22))
        for day in range(1, 23, 2):
            post(quiet, date(2026, 11, day))
        outcome = scan_run(world.dut, as_of=date(2026, 11, 23))
    inactive = Finding.objects.get(rule="dut-12-two-months")
    assert inactive.state == FindingState.RESOLVED
    assert inactive.closed_on == date(2026, 11, 23) and inactive.close_note == "扫描时问题已不存在"
    assert outcome.closed >= 1
    assert ActionLog.objects.filter(action="finding.resolved", object_id=str(inactive.pk)).exists()


def test_as_of_a_past_date_sees_what_was_known_then(world, quiet):
    with time_machine.travel(date(2026, 9, 1), tick=False):
        then = holding(scan_compute(world.dut, as_of=date(2026, 9, 1)))
    with time_machine.travel(date(2026, 11, 22), tick=False):
        post(quiet, date(2026, 10, 20))  # published later
        world.p_zhao.on_roster = False  # the responsible person left after 1 September
        world.p_zhao.save()
        again = holding(scan_compute(world.dut, as_of=date(2026, 9, 1)))
        today = holding(scan_compute(world.dut, as_of=date(2026, 11, 22)))
    assert again == then
    assert ("staff.direct_responsible_on_staff", quiet.pk, "") in today
    assert ("staff.direct_responsible_on_staff", quiet.pk, "") not in then


def test_a_scan_dated_before_the_latest_is_computed_not_recorded(world, quiet):
    with time_machine.travel(date(2026, 11, 22), tick=False):
        scan_run(world.dut, as_of=date(2026, 11, 22))
        before = Finding.objects.count()
        old = scan_run(world.dut, as_of=date(2026, 6, 30))
    assert old.persisted is False and Scan.objects.filter(persisted=False).count() == 1
    assert Finding.objects.count() == before
    assert Finding.objects.filter(state=FindingState.RESOLVED).count() == 0


def test_a_waived_finding_is_not_raised_again(world, quiet):
    with time_machine.travel(date(2026, 11, 22), tick=False):
        scan_run(world.dut, as_of=date(2026, 11, 22))
        finding = Finding.objects.get(rule="dut-12-two-months")
        finding_waive(finding, by=world.xuan, reason="寒暑假停更，已报备")
        again = scan_run(world.dut, as_of=date(2026, 11, 23))
    assert again.opened == 0
    assert Finding.objects.filter(rule="dut-12-two-months").count() == 1


def test_cli_json_contract(world, quiet):
    out = StringIO()
    with time_machine.travel(date(2026, 11, 22), tick=False):
        call_command("scan", "--institution", "dut", "--as-of", "2026-11-22", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    row = next(r for r in rows if r["rule"] == "dut-12-two-months")
    assert row["article"] == "第十二条" and row["regulation"] == "大连理工大学新媒体管理办法"
    assert row["account"] == {
        "id": quiet.pk,
        "name": "化工学院官微",
        "platform": "wechat",
        "platform_id": quiet.platform_id,
    }
    assert row["due"] == "2026-12-04" and row["evidence"]["last_post"] == "2026-07-17"
    assert row["finding_id"] == Finding.objects.get(rule="dut-12-two-months").pk


def test_cli_rejects_unknown_institution_and_bad_date(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未找到"):
        call_command("scan", "--institution", "nope")
    with pytest.raises(CommandError, match="日期"):
        call_command("scan", "--institution", "dut", "--as-of", "2026-13-01")


def test_missing_calendar_year_gives_no_due_date_never_a_guess(world, quiet):
    from mediagov.compliance.kinds import FindingDraft
    from mediagov.compliance.services import _due

    draft = FindingDraft(
        rule="r",
        kind="k",
        account_id=quiet.pk,
        key="",
        title="t",
        message="m",
        evidence={},
        since=None,
        article="第十二条",
    )
    _due(draft, date(2031, 3, 1), world.dut.policy)
    assert draft.due is None and "2031" in draft.due_error
