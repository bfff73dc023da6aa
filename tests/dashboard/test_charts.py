"""dashboard.charts: posts per month (one account, per platform), the longest gap, monthly reports on time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mediagov.activity.models import Post, post_fingerprint
from mediagov.compliance.kinds import RULES
from mediagov.dashboard.charts import (
    ChartScope,
    Gap,
    account_timeline,
    activity_snapshot,
    last_months,
    longest_gap,
    monthly_report_rule,
    platform_option,
    posts_by_platform,
    report_punctuality,
)
from mediagov.registry.platforms import Platform

from ..compliance.builders import live_account, post, posts, report

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)


def post_at(account, moment: datetime, title: str):
    return Post.objects.create(
        account=account,
        published_at=moment,
        title=title,
        fingerprint=post_fingerprint(account.pk, moment, title, ""),
    )


# ---------------------------------------------------------------- months and gaps (no database)
def test_last_months_end_with_the_current_month():
    months = last_months(TODAY)
    assert len(months) == 24
    assert months[0] == date(2024, 4, 1) and months[-1] == date(2026, 3, 1)
    assert last_months(date(2026, 1, 31), 3) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]


def test_longest_gap_between_posts():
    days = [date(2026, 1, 1), date(2026, 1, 5), date(2026, 2, 20), date(2026, 3, 1)]
    assert longest_gap(days, TODAY) == Gap(date(2026, 1, 5), date(2026, 2, 20))
    assert longest_gap(days, TODAY).days == 46


def test_longest_gap_running_until_today():
    gap = longest_gap([date(2025, 10, 1), date(2025, 10, 3)], TODAY)
    assert (gap.start, gap.end, gap.ongoing, gap.days) == (date(2025, 10, 3), TODAY, True, 158)


def test_longest_gap_without_posts_or_with_one_post_today():
    assert longest_gap([], TODAY) is None
    assert longest_gap([TODAY], TODAY).days == 0


# ---------------------------------------------------------------- one account
@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=TZ), tick=False)
def test_timeline_counts_months_in_local_time_with_zero_months(world):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    # 23:30 on 31 January in Beijing is 15:30 UTC: January. 00:30 on 1 February is still 31 January in UTC.
    post_at(account, datetime(2026, 1, 31, 23, 30, tzinfo=TZ), "一月最后一篇")
    post_at(account, datetime(2026, 2, 1, 0, 30, tzinfo=TZ), "二月第一篇")
    posts(account, [date(2025, 6, 3), date(2025, 6, 9), date(2025, 6, 30), date(2026, 3, 2)])
    post(account, date(2024, 3, 31))  # before the 24 months: not charted
    post_at(account, datetime(2026, 3, 11, 9, tzinfo=TZ), "明天才发布")  # after today: neither

    timeline = account_timeline(account, TODAY)

    counts = dict(timeline.rows)
    assert len(timeline.counts) == 24 and timeline.months[0] == date(2024, 4, 1)
    assert counts[date(2026, 1, 1)] == 1 and counts[date(2026, 2, 1)] == 1
    assert counts[date(2025, 6, 1)] == 3 and counts[date(2026, 3, 1)] == 2  # the month's posts so far
    assert counts[date(2025, 7, 1)] == 0 and counts[date(2024, 4, 1)] == 0
    assert timeline.empty_months == 20
    assert timeline.last_post.title.endswith("2026-03-02 动态")
    assert timeline.days_since_last == 8
    # The longest gap is in the whole history, not only the charted months (2025-06-30 → 2026-01-31 is shorter).
    assert timeline.gap == Gap(date(2024, 3, 31), date(2025, 6, 3))


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=TZ), tick=False)
def test_timeline_of_an_account_without_posts(world):
    account = live_account(world, "化工学院新号", created_on=date(2026, 1, 1))
    timeline = account_timeline(account, TODAY)
    assert timeline.counts == [0] * 24 and timeline.last_post is None and timeline.gap is None


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=TZ), tick=False)
def test_account_page_shows_the_timeline(client, world):
    account = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    posts(account, [date(2025, 12, 1), date(2026, 3, 2)])
    client.force_login(world.chem_op)
    html = client.get(f"/registry/accounts/{account.pk}/").content.decode()
    assert 'id="account-activity"' in html and 'id="chart-timeline-data"' in html
    assert "最近一次发布：<strong>2026-03-02 09:00</strong>（8天前）" in html
    assert "最长间隔：<strong>91</strong> 天（2025-12-01 至 2026-03-02）" in html
    assert f'href="/dashboard/activity/accounts/{account.pk}/timeline.xlsx"' in html
    assert "<td>2026-01</td><td>0</td>" in html  # a month without posts is shown as 0
    assert "echarts.min.js" in html


# ---------------------------------------------------------------- per platform, in scope
@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=TZ), tick=False)
def test_posts_by_platform_stacks_the_platforms_of_the_scope(world):
    chem_wx = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    chem_wb = live_account(world, "化工学院微博", created_on=date(2024, 1, 1), platform=Platform.WEIBO)
    mech = live_account(
        world, "机械学院官微", created_on=date(2024, 1, 1), unit=world.mech, direct_responsible=world.p_mech
    )
    posts(chem_wx, [date(2026, 1, 5), date(2026, 1, 6), date(2026, 3, 1)])
    posts(chem_wb, [date(2026, 1, 7), date(2025, 4, 1)])
    posts(mech, [date(2026, 1, 8), date(2026, 2, 8)])

    department = posts_by_platform(ChartScope(world.xuan, world.dut, whole_institution=True), TODAY)
    assert [label for label, _ in department.series] == ["微信公众号", "微博"]
    wechat, weibo = (dict(zip(department.months, values, strict=True)) for _, values in department.series)
    assert wechat[date(2026, 1, 1)] == 3 and wechat[date(2026, 2, 1)] == 1 and wechat[date(2026, 3, 1)] == 1
    assert weibo[date(2026, 1, 1)] == 1 and weibo[date(2025, 4, 1)] == 1 and weibo[date(2026, 2, 1)] == 0
    assert department.totals[-3:] == [4, 1, 1] and department.total == 7

    chem = posts_by_platform(ChartScope(world.chem_op, world.dut), TODAY)  # the mech account is not theirs
    assert chem.totals[-3:] == [3, 0, 1] and chem.total == 5
    unit = posts_by_platform(ChartScope(world.xuan, world.dut, unit=world.mech), TODAY)
    assert [label for label, _ in unit.series] == ["微信公众号"] and unit.total == 2
    nothing = posts_by_platform(ChartScope(world.tw_sup, world.dut), TODAY)
    assert nothing.series == [] and nothing.totals == [0] * 24

    option = platform_option(department, "大连理工大学")
    assert option["xAxis"]["data"][-1] == "2026-03"
    assert [s["stack"] for s in option["series"][:-1]] == ["posts", "posts"]
    assert option["series"][-1] == {
        "name": "合计",
        "type": "line",
        "data": department.totals,
        "symbolSize": 4,
    }


# ---------------------------------------------------------------- monthly reports on time (YUFE 第十五条)
@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=TZ), tick=False)
def test_report_punctuality_follows_the_report_window_rule(world):
    yufe = world.yufe
    acc = dict(inst=yufe, unit=world.acc, user=world.acc_op)
    a = live_account(world, "会计学院官微", created_on=date(2024, 1, 1), **acc)
    b = live_account(world, "会计学院微博", created_on=date(2024, 1, 1), platform=Platform.WEIBO, **acc)
    c = live_account(world, "会计学院新号", created_on=date(2026, 1, 20), platform=Platform.DOUYIN, **acc)
    report(a, date(2026, 1, 1), date(2026, 2, 5))  # on the last day of the window
    report(b, date(2026, 1, 1), date(2026, 2, 6))  # a day late
    report(a, date(2026, 2, 1), date(2026, 3, 2))
    report(c, date(2026, 2, 1), date(2026, 3, 5))
    snap = activity_snapshot(yufe, TODAY)
    data = report_punctuality(ChartScope(world.yufe_xuan, yufe, whole_institution=True), snap)

    assert data.citation == "《云南财经大学新媒体建设与管理办法（修订）》第十五条"
    months = {m.period: m for m in data.months}
    assert len(data.months) == 12 and data.months[-1].period == date(2026, 2, 1)
    jan, feb = months[date(2026, 1, 1)], months[date(2026, 2, 1)]
    assert (jan.window_start, jan.window_end) == (date(2026, 2, 1), date(2026, 2, 5))
    # January: c opened on the 20th, so it owed January's report too.
    assert (jan.owed, jan.on_time, jan.late, jan.missing, jan.rate) == (3, 1, 1, 1, 33.3)
    assert (feb.owed, feb.on_time, feb.late, feb.missing, feb.rate) == (3, 2, 0, 1, 66.7)
    dec = months[date(2025, 12, 1)]
    assert (dec.owed, dec.on_time, dec.rate) == (2, 0, 0.0)

    # What is not on time is exactly what the rule finds.
    spec = monthly_report_rule(yufe.policy)
    findings = RULES["report_window"].evaluate(spec, snap)
    by_period = {}
    for f in findings:
        by_period[f.evidence["period"]] = by_period.get(f.evidence["period"], 0) + 1
    assert by_period["2026-01-01"] == jan.owed - jan.on_time
    assert by_period["2026-02-01"] == feb.owed - feb.on_time


@pytest.mark.django_db
def test_no_report_chart_without_a_monthly_report_rule(world):
    snap = activity_snapshot(world.dut, TODAY)
    assert monthly_report_rule(world.dut.policy) is None
    assert report_punctuality(ChartScope(world.xuan, world.dut), snap) is None
