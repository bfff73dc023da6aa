"""Inactive and at-risk accounts, derived from the pack's inactivity rules (each rule kind's `at_risk`).

As of 2026-03-10. DUT 第十二条: no post for 2 calendar months, or fewer than 20 posts in a (rolling) year.
`inactivity_days` and a calendar-year `inactivity_annual` are in no shipped pack: the tests add them to DUT's.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mediagov.dashboard.charts import ChartScope, activity_risks, activity_snapshot

from ..compliance.builders import live_account, posts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


TODAY = date(2026, 3, 10)
DUT_12 = "《大连理工大学新媒体管理办法》第十二条"


def risks(world, user=None, inst=None, unit=None):
    inst = inst or world.dut
    scope = ChartScope(user or world.xuan, inst, unit=unit)
    return activity_risks(scope, activity_snapshot(inst, TODAY))


def by_account(rows):
    out = {}
    for r in rows:
        out.setdefault(r.account, []).append(r)
    return out


def monthly(account, first: date, months: int, per_month: int = 2):
    """`per_month` posts in each of `months` months from `first` (on the 3rd, 13th, ...)."""
    days = []
    for i in range(months):
        index = first.year * 12 + first.month - 1 + i
        days += [date(index // 12, index % 12 + 1, 3 + 10 * j) for j in range(per_month)]
    posts(account, days)


def add_rule(inst, rule: dict):
    pack = dict(inst.pack)
    pack["rules"] = [*pack.get("rules", []), rule]
    inst.pack = pack
    inst.save()


# ---------------------------------------------------------------- inactivity_months (N = 2)
def test_months_rule_one_empty_month_left_is_at_risk(world):
    old = date(2024, 1, 1)
    at_risk = live_account(world, "一月后未更新", created_on=old)  # Feb empty; March so far empty
    broken = live_account(world, "去年底后未更新", created_on=old)  # Jan and Feb empty
    fine = live_account(world, "二月有更新", created_on=old)  # Feb posted: March and April left
    for account, last in (
        (at_risk, date(2026, 1, 15)),
        (broken, date(2025, 12, 20)),
        (fine, date(2026, 2, 10)),
    ):
        monthly(account, date(2025, 3, 1), 10)  # enough posts a year for the annual rule
        posts(account, [last])

    rows = by_account(risks(world))
    [risk] = [r for r in rows["一月后未更新"] if r.rule == "连续2个自然月未更新"]
    assert risk.state == "at_risk" and risk.state_label == "临近违反"
    assert risk.citation == DUT_12
    assert risk.breaks_on == date(2026, 3, 31)
    assert risk.last_post == date(2026, 1, 15)
    assert "若2026年03月底前仍无发布" in risk.message

    [broken_row] = [r for r in rows["去年底后未更新"] if r.rule == "连续2个自然月未更新"]
    assert broken_row.state == "inactive" and broken_row.citation == DUT_12 and broken_row.breaks_on is None
    assert not [r for r in rows.get("二月有更新", []) if r.rule == "连续2个自然月未更新"]


def test_never_posted_account_counts_from_its_opening(world):
    live_account(world, "一月开通", created_on=date(2026, 1, 20))  # no posts: Feb empty, March running
    [row] = risks(world)
    assert (row.state, row.rule, row.last_post, row.breaks_on) == (
        "at_risk",
        "连续2个自然月未更新",
        None,
        date(2026, 3, 31),
    )
    assert "自2026-01-20开通以来从未发布" in row.message


# ---------------------------------------------------------------- inactivity_annual (rolling, min 20)
def test_annual_rule_below_minimum_plus_margin_or_about_to_drop(world):
    old = date(2024, 1, 1)
    close = live_account(world, "一年22条", created_on=old)
    monthly(close, date(2025, 4, 1), 11, per_month=2)  # Apr 2025 – Feb 2026: 22 posts
    posts(close, [date(2026, 3, 2)])  # 23 < 20 + 5
    plenty = live_account(world, "一年36条", created_on=old)
    monthly(plenty, date(2025, 4, 1), 12, per_month=3)
    dropping = live_account(world, "老帖将过期", created_on=old)
    posts(dropping, [date(2025, 3, 12) + timedelta(days=i) for i in range(15)])  # leave the year by 04-09
    monthly(dropping, date(2025, 5, 1), 10, per_month=1)  # May 2025 – Feb 2026
    posts(dropping, [date(2026, 3, 1)])  # 26 in the year, 11 of them still counted on 2026-04-09
    broken = live_account(world, "一年10条", created_on=old)
    monthly(broken, date(2025, 6, 1), 10, per_month=1)

    rows = by_account([r for r in risks(world) if r.rule == "一年发布少于20条"])
    [row] = rows["一年22条"]
    assert row.state == "at_risk" and row.citation == DUT_12
    assert row.title == "近一年仅发布23条，接近20条下限" and row.breaks_on is None
    assert "一年36条" not in rows
    [row] = rows["老帖将过期"]
    assert row.state == "at_risk" and row.breaks_on == date(2026, 4, 9)
    assert row.title == "30天内近一年发布将少于20条"
    assert "发布至少25条，其中11条在2026-04-09仍计入统计" in row.message  # counted up to 20 + 5
    [row] = rows["一年10条"]
    assert row.state == "inactive"


def test_annual_rule_applies_to_an_account_that_turns_one_within_the_look_ahead(world):
    young = live_account(world, "快满一年", created_on=date(2025, 3, 25))
    monthly(young, date(2025, 4, 1), 12, per_month=1)  # 12 posts incl. March 2026
    [row] = [r for r in risks(world) if r.rule == "一年发布少于20条"]
    assert (row.account, row.state) == ("快满一年", "at_risk")
    too_young = live_account(world, "半年新号", created_on=date(2025, 9, 1))
    monthly(too_young, date(2025, 9, 1), 7, per_month=1)
    assert "半年新号" not in {r.account for r in risks(world) if r.rule == "一年发布少于20条"}


def test_annual_rule_over_the_calendar_year(world):
    add_rule(
        world.dut,
        {
            "id": "t-calendar",
            "kind": "inactivity_annual",
            "min_posts": 12,
            "window": "calendar_year",
            "article": "第九条",
        },
    )
    old = date(2024, 1, 1)
    slow = live_account(world, "今年1条", created_on=old)
    monthly(slow, date(2025, 1, 1), 12, per_month=1)  # 2025 reached 12
    posts(slow, [date(2026, 2, 14)])  # 1 post in 68 days: about 5 this year
    steady = live_account(world, "今年4条", created_on=old)
    monthly(steady, date(2025, 1, 1), 12, per_month=1)
    posts(steady, [date(2026, 1, 5), date(2026, 1, 20), date(2026, 2, 5), date(2026, 3, 5)])  # about 21
    rows = [r for r in risks(world) if r.rule == "一年发布少于12条"]
    assert [(r.account, r.state, r.breaks_on) for r in rows] == [("今年1条", "at_risk", date(2026, 12, 31))]
    assert rows[0].citation == "《大连理工大学新媒体管理办法》第九条"
    assert "按此进度全年约5条" in rows[0].message


# ---------------------------------------------------------------- inactivity_days
def test_days_rule_within_a_few_days_of_the_threshold(world):
    add_rule(world.dut, {"id": "t-days", "kind": "inactivity_days", "days": 30, "article": "第十一条"})
    old = date(2024, 1, 1)
    for name, last in (("25天", 25), ("20天", 20), ("30天", 30), ("23天", 23), ("22天", 22)):
        account = live_account(world, name, created_on=old)
        monthly(account, date(2025, 3, 1), 11)
        posts(account, [TODAY - timedelta(days=last)])
    rows = {r.account: r for r in risks(world) if r.rule == "最近30天未更新"}
    assert set(rows) == {"25天", "23天", "30天"}  # 7 days before the threshold: from 23 days on
    assert rows["25天"].state == "at_risk" and rows["25天"].breaks_on == date(2026, 3, 15)
    assert rows["25天"].title == "25天未更新，还剩5天"
    assert rows["25天"].citation == "《大连理工大学新媒体管理办法》第十一条"
    assert rows["30天"].state == "inactive"


# ---------------------------------------------------------------- scope
def test_rows_stay_within_the_users_scope(world):
    live_account(world, "化工学院新号", created_on=date(2026, 1, 20))
    live_account(
        world, "机械学院新号", created_on=date(2026, 1, 20), unit=world.mech, direct_responsible=world.p_mech
    )
    assert {r.account for r in risks(world)} == {"化工学院新号", "机械学院新号"}
    assert {r.account for r in risks(world, world.chem_op)} == {"化工学院新号"}
    assert {r.account for r in risks(world, world.xuan, unit=world.mech)} == {"机械学院新号"}
    assert risks(world, world.tw_sup) == []
