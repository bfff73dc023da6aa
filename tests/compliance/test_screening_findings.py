"""Findings from screening published posts (`finding_record_screening`) and the daily scan that leaves them be."""

from datetime import date

import time_machine

from mediagov.compliance.models import Finding, FindingState, ScanTrigger
from mediagov.compliance.services import finding_record_screening, scan_run, screening_excerpt, screening_key
from mediagov.screening.posts import finding_hits, post_text
from mediagov.screening.services import lexicon_demo_load, screen_text

from .builders import live_account, post


def screened(w, account, title):
    p = post(account, date(2026, 3, 2), title)
    text = post_text(p)
    return p, text, finding_hits(screen_text(account.institution, text))


def test_a_hit_is_recorded_once_per_post_and_term(world):
    lexicon_demo_load(world.dut)
    account = live_account(world, "化工学院", created_on=date(2025, 9, 1))
    p, text, hits = screened(world, account, "绝密：内部资料，请勿外传；绝密")
    assert [h.term for h in hits] == ["绝密", "内部资料", "请勿外传", "绝密"]
    with time_machine.travel("2026-03-03 10:00 +0800", tick=False):
        created = finding_record_screening(p, hits, text)
        assert len(created) == 3 and {f.rule for f in created} == {"screening.classified"}
        assert finding_record_screening(p, hits, text) == []
    secret = Finding.objects.get(key=screening_key(p.pk, "classified", "绝密"))
    assert secret.evidence["hits"] == 2 and secret.first_seen == date(2026, 3, 3)
    assert secret.since == date(2026, 3, 2) and len(secret.key) <= 80


def test_the_excerpt_is_a_window_around_the_hit():
    text = "甲" * 40 + "绝密" + "乙" * 5
    assert screening_excerpt(text, 40, 42) == {"before": "…" + "甲" * 30, "hit": "绝密", "after": "乙" * 5}
    assert screening_excerpt("绝密文件", 0, 2, width=1) == {"before": "", "hit": "绝密", "after": "文…"}


def test_the_daily_scan_does_not_resolve_screening_findings(world):
    lexicon_demo_load(world.dut)
    account = live_account(world, "化工学院", created_on=date(2025, 9, 1))
    p, text, hits = screened(world, account, "内部资料")
    with time_machine.travel("2026-03-03 10:00 +0800", tick=False):
        [finding] = finding_record_screening(p, hits, text)
        outcome = scan_run(world.dut, as_of=date(2026, 3, 3), trigger=ScanTrigger.CLI)
    assert outcome.persisted
    finding = Finding.objects.get(pk=finding.pk)
    assert finding.state == FindingState.OPEN and finding.closed_on is None
    assert not Finding.objects.filter(rule__startswith="screening.", state=FindingState.RESOLVED).exists()
