"""The snapshot the rules read: post statistics counted up to a rule's threshold, and read on a second
connection while the other tables are read (PostgreSQL, outside a transaction)."""

from datetime import date, timedelta

import pytest
from django.db import connection

from mediagov.compliance.snapshot import pack_windows, snapshot_build, snapshots_build

from .builders import live_account, post, posts

AS_OF = date(2026, 11, 22)


def _year_window(inst):
    [window] = [
        w for w in pack_windows(inst.policy, AS_OF) if w[2] == 20
    ]  # DUT 第十二条: fewer than 20 a year
    return window


@pytest.mark.django_db
def test_counts_are_exact_below_the_threshold_and_stop_at_it(world):
    few = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    many = live_account(
        world, "机械学院官微", created_on=date(2024, 1, 1), unit=world.mech, user=world.mech_op
    )
    posts(few, [AS_OF - timedelta(days=7 * i) for i in range(7)])
    posts(many, [AS_OF - timedelta(days=3 * i) for i in range(45)])
    post(many, AS_OF + timedelta(days=1))  # after the scan date: not counted, not the last post
    window = _year_window(world.dut)
    snap = snapshot_build(world.dut, AS_OF)
    assert snap.post_count(few.pk, window) == 7
    assert snap.post_count(many.pk, window) == 20  # "at least 20": enough to decide, no more read
    assert snap.posts_of(many.pk).last == AS_OF
    assert snap.posts_of(few.pk).last == AS_OF


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the concurrent read is used on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_post_statistics_match_the_inline_ones(world):
    """Committed data (transaction=True): the second connection sees what the first one sees."""
    accounts = [
        live_account(world, f"化工学院官微{i}", created_on=date(2024, 1, 1), platform_id=f"gh_c{i}")
        for i in range(3)
    ]
    for i, account in enumerate(accounts):
        posts(account, [AS_OF - timedelta(days=15 * k + i) for k in range(4 + 9 * i)])
    institutions = [world.dut, world.yufe]
    assert not connection.in_atomic_block
    inline = snapshots_build(institutions, AS_OF, concurrent=False)
    concurrent = snapshots_build(institutions, AS_OF, concurrent=True)
    default = snapshots_build(institutions, AS_OF)  # PostgreSQL, no transaction: concurrent
    for inst in institutions:
        assert concurrent[inst.pk].posts == inline[inst.pk].posts == default[inst.pk].posts
        assert [a.id for a in concurrent[inst.pk].accounts] == [a.id for a in inline[inst.pk].accounts]
    window = _year_window(world.dut)
    assert [concurrent[world.dut.pk].post_count(a.pk, window) for a in accounts] == [4, 13, 20]


@pytest.mark.django_db
def test_a_snapshot_reads_only_what_the_packs_rules_read(world):
    """DUT's rules never look at administrators or monthly reports; YUFE's read both (第八条 verified
    administrators on staff, 第十五条 monthly reports)."""
    dut, yufe = snapshot_build(world.dut, AS_OF), snapshot_build(world.yufe, AS_OF)
    assert dut.managers is None and dut.reports is None
    assert yufe.reports == {} and yufe.managers == {}
    assert snapshot_build(world.dut, AS_OF, reads={"managers"}).managers == {}
