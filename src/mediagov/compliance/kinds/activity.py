"""Inactivity in three shapes: N empty calendar months, too few posts a year, no post for N days.

Each kind also says which accounts are *at risk* (`at_risk(spec, snap)`): still within the rule today but about
to break it, so the activity dashboards (docs/dashboards.md) can warn a unit before the scan finds it. An
at-risk draft is a `FindingDraft` that is never stored: its `since` is the day the rule would start to hold.
"""

import math
from datetime import date, timedelta

from .base import Rule, register


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _baseline_said(base: date, basis: str) -> str:
    """The baseline in a finding's message: the last post, or the opening of an account that never posted."""
    return f"最后一次发布于{base:%Y-%m-%d}" if basis == "last_post" else f"自{base:%Y-%m-%d}开通以来从未发布"


def _baseline_evidence(account, base: date, basis: str) -> dict:
    return {
        "last_post": base.isoformat() if basis == "last_post" else None,
        "opened_on": account.opened_on.isoformat() if account.opened_on else None,
    }


def _month_first(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month_last(index: int) -> date:
    return _month_first(index + 1) - timedelta(days=1)


# At risk (`at_risk`): how close to a threshold counts as "about to break" it.
RISK_MARGIN_SHARE = 0.25  # inactivity_annual: fewer than the minimum plus a quarter of it (at least 1 post)
RISK_LOOKAHEAD_DAYS = 30  # inactivity_annual: the posts that leave the rolling year within this many days
RISK_DAYS = 7  # inactivity_days: this many days before the threshold (at most half of it)


def _last_complete_month(as_of: date) -> int:
    """The last calendar month that had ended by `as_of` (the month of `as_of` itself on its last day)."""
    index = _month_index(as_of)
    return index if as_of == _month_last(index) else index - 1


def _annual_margin(minimum: int) -> int:
    return max(1, math.ceil(minimum * RISK_MARGIN_SHARE))


def _days_margin(days: int) -> int:
    return max(1, min(RISK_DAYS, days // 2))


def _baseline(account, stats) -> tuple[date | None, str]:
    """The last day the account showed life: its last post, else the day it opened."""
    if stats.last:
        return stats.last, "last_post"
    return account.opened_on, "opened"


@register
class InactivityMonths(Rule):
    kind = "inactivity_months"
    label = "连续N个自然月未更新"
    label_template = "连续{months}个自然月未更新"
    default_action = "恢复更新或关停并注销备案"

    def evaluate(self, spec, snap):
        months = int(spec.params["months"])
        last_complete = _last_complete_month(snap.as_of)  # the last month that had ended by the scan date
        out = []
        for account in snap.accounts:
            if not account.alive:
                continue
            stats = snap.posts_of(account.id)
            base, basis = _baseline(account, stats)
            if base is None:
                continue
            # Full calendar months after the baseline's month.
            first_empty = _month_index(base) + 1
            empty = last_complete - first_empty + 1
            if empty < months:
                continue
            since = _month_last(first_empty + months - 1)
            empty_months = [f"{i // 12}-{i % 12 + 1:02d}" for i in range(first_empty, last_complete + 1)]
            what = _baseline_said(base, basis)
            out.append(
                self.draft(
                    spec,
                    account,
                    title=f"连续{empty}个月未更新",
                    message=f"{account.name}{what}，此后连续{empty}个自然月（{empty_months[0]}至{empty_months[-1]}）"
                    f"没有发布内容，达到“连续{months}个月不更新”的标准",
                    evidence={
                        **_baseline_evidence(account, base, basis),
                        "empty_months": empty_months,
                        "threshold_months": months,
                    },
                    since=since,
                )
            )
        return out

    def at_risk(self, spec, snap):
        """Accounts with exactly one empty month left: N-1 whole months without a post since the last one and
        nothing yet in the month now running. If that month ends without a post, the rule holds."""
        months = int(spec.params["months"])
        last_complete = _last_complete_month(snap.as_of)
        out = []
        for account in snap.accounts:
            if not account.alive:
                continue
            base, basis = _baseline(account, snap.posts_of(account.id))
            if base is None:
                continue
            first_empty = _month_index(base) + 1
            empty = last_complete - first_empty + 1
            if empty != months - 1:
                continue
            last_month = first_empty + months - 1  # the month that would complete the run
            breaks_on = _month_last(last_month)
            empty_months = [f"{i // 12}-{i % 12 + 1:02d}" for i in range(first_empty, last_complete + 1)]
            what = _baseline_said(base, basis)
            run = f"，已连续{empty}个自然月未更新" if empty else ""
            out.append(
                self.draft(
                    spec,
                    account,
                    title=f"{breaks_on:%Y年%m月}内须有更新",
                    message=f"{account.name}{what}{run}；若{breaks_on:%Y年%m月}底前仍无发布，"
                    f"将达到“连续{months}个月不更新”的标准",
                    evidence={
                        **_baseline_evidence(account, base, basis),
                        "empty_months": empty_months,
                        "threshold_months": months,
                        "breaks_on": breaks_on.isoformat(),
                    },
                    since=breaks_on,
                )
            )
        return out


@register
class InactivityAnnual(Rule):
    kind = "inactivity_annual"
    label = "一年发布少于N条"
    label_template = "一年发布少于{min_posts}条"
    default_action = "加强更新或关停并注销备案"

    def _window(self, spec, as_of: date) -> tuple[date, date, str]:
        if spec.params.get("window", "rolling") == "calendar_year":
            year = as_of.year - 1
            return date(year, 1, 1), date(year + 1, 1, 1), str(year)
        return as_of - timedelta(days=364), as_of + timedelta(days=1), ""

    def windows(self, spec, as_of):
        start, end, _ = self._window(spec, as_of)
        return [(start, end, int(spec.params["min_posts"]))]  # below the minimum the count is exact

    def evaluate(self, spec, snap):
        minimum = int(spec.params["min_posts"])
        start, end, key = self._window(spec, snap.as_of)
        out = []
        for account in snap.accounts:
            if not account.alive or account.opened_on is None or account.opened_on > start:
                continue  # not open for the whole year
            count = snap.post_count(account.id, (start, end, minimum))
            if count >= minimum:
                continue
            period = f"{key}年" if key else f"{start:%Y-%m-%d}至{end - timedelta(days=1):%Y-%m-%d}"
            out.append(
                self.draft(
                    spec,
                    account,
                    key=key,
                    title=f"一年仅发布{count}条",
                    message=f"{account.name}在{period}共发布{count}条，少于{minimum}条",
                    evidence={
                        "window_start": start.isoformat(),
                        "window_end": (end - timedelta(days=1)).isoformat(),
                        "posts": count,
                        "min_posts": minimum,
                    },
                    since=end - timedelta(days=1) if key else snap.as_of,
                )
            )
        return out

    def risk_windows(self, spec, as_of: date) -> list[tuple[date, date, int | None]]:
        """The post-count windows `at_risk` reads (the snapshot must be built with them)."""
        minimum = int(spec.params["min_posts"])
        if spec.params.get("window", "rolling") == "calendar_year":
            return [(date(as_of.year, 1, 1), as_of + timedelta(days=1), minimum)]
        start, end, _ = self._window(spec, as_of)
        return [
            (start, end, minimum + _annual_margin(minimum)),
            (start + timedelta(days=RISK_LOOKAHEAD_DAYS), end, minimum),
        ]

    def at_risk(self, spec, snap):
        """Rolling year: accounts with fewer than the minimum plus a margin, or whose posts still in the window
        in RISK_LOOKAHEAD_DAYS days fall below the minimum (they break by then without new posts). Calendar
        year: accounts whose posts this year, at their pace so far, would not reach the minimum plus a margin
        (judged after the year's first month)."""
        minimum = int(spec.params["min_posts"])
        margin = _annual_margin(minimum)
        if spec.params.get("window", "rolling") == "calendar_year":
            return self._at_risk_calendar_year(spec, snap, minimum, margin)
        start, end, _ = self._window(spec, snap.as_of)
        lookahead = start + timedelta(days=RISK_LOOKAHEAD_DAYS)
        horizon = snap.as_of + timedelta(days=RISK_LOOKAHEAD_DAYS)
        out = []
        for account in snap.accounts:
            if not account.alive or account.opened_on is None or account.opened_on > lookahead:
                continue  # not subject to the rule within the look-ahead
            count = snap.post_count(account.id, (start, end, minimum + margin))
            subject_now = account.opened_on <= start
            if subject_now and count < minimum:
                continue  # breaks it already: the rule itself finds it
            staying = snap.post_count(account.id, (lookahead, end, minimum))
            if count >= minimum + margin and staying >= minimum:
                continue
            counted = f"至少{count}" if count >= minimum + margin else str(count)  # counted up to the cap
            if staying < minimum:
                title = f"{RISK_LOOKAHEAD_DAYS}天内近一年发布将少于{minimum}条"
                message = (
                    f"{account.name}近一年（{start:%Y-%m-%d}起）发布{counted}条，其中{staying}条在"
                    f"{horizon:%Y-%m-%d}仍计入统计；若此前不再发布，将少于{minimum}条"
                )
                breaks_on = horizon
            else:
                title = f"近一年仅发布{count}条，接近{minimum}条下限"
                message = f"{account.name}近一年（{start:%Y-%m-%d}起）发布{count}条，仅比{minimum}条的下限多{count - minimum}条"
                breaks_on = None
            out.append(
                self.draft(
                    spec,
                    account,
                    title=title,
                    message=message,
                    evidence={
                        "window_start": start.isoformat(),
                        "window_end": (end - timedelta(days=1)).isoformat(),
                        "posts": count,
                        "posts_staying": staying,
                        "min_posts": minimum,
                        "margin": margin,
                    },
                    since=breaks_on,
                )
            )
        return out

    def _at_risk_calendar_year(self, spec, snap, minimum: int, margin: int):
        year_start = date(snap.as_of.year, 1, 1)
        year_days = (date(snap.as_of.year + 1, 1, 1) - year_start).days
        elapsed = (snap.as_of - year_start).days + 1
        if elapsed < RISK_LOOKAHEAD_DAYS:
            return []  # too early in the year to judge a pace
        window = (year_start, snap.as_of + timedelta(days=1), minimum)
        out = []
        for account in snap.accounts:
            if not account.alive or account.opened_on is None or account.opened_on > year_start:
                continue
            count = snap.post_count(account.id, window)
            projected = count * year_days // elapsed
            if count >= minimum or projected >= minimum + margin:
                continue
            out.append(
                self.draft(
                    spec,
                    account,
                    key=str(snap.as_of.year),
                    title=f"{snap.as_of.year}年至今仅发布{count}条",
                    message=f"{account.name}{snap.as_of.year}年至今发布{count}条，按此进度全年约{projected}条，"
                    f"难以达到{minimum}条",
                    evidence={
                        "window_start": year_start.isoformat(),
                        "window_end": snap.as_of.isoformat(),
                        "posts": count,
                        "projected": projected,
                        "min_posts": minimum,
                    },
                    since=date(snap.as_of.year, 12, 31),
                )
            )
        return out


@register
class InactivityDays(Rule):
    kind = "inactivity_days"
    label = "最近N天未更新"
    label_template = "最近{days}天未更新"
    default_action = "及时更新内容"

    def evaluate(self, spec, snap):
        days = int(spec.params["days"])
        out = []
        for account in snap.accounts:
            if not account.alive:
                continue
            stats = snap.posts_of(account.id)
            base, basis = _baseline(account, stats)
            if base is None or (snap.as_of - base).days < days:
                continue
            gap = (snap.as_of - base).days
            what = _baseline_said(base, basis)
            out.append(
                self.draft(
                    spec,
                    account,
                    title=f"{gap}天未更新",
                    message=f"{account.name}{what}，已{gap}天没有更新（标准：{days}天内须有更新）",
                    evidence={
                        **_baseline_evidence(account, base, basis),
                        "days_without_post": gap,
                        "threshold_days": days,
                    },
                    since=base + timedelta(days=days),
                )
            )
        return out

    def at_risk(self, spec, snap):
        """Accounts within a few days (RISK_DAYS, at most half the threshold) of going N days without a post."""
        days = int(spec.params["days"])
        margin = _days_margin(days)
        out = []
        for account in snap.accounts:
            if not account.alive:
                continue
            base, basis = _baseline(account, snap.posts_of(account.id))
            if base is None:
                continue
            gap = (snap.as_of - base).days
            if not days - margin <= gap < days:
                continue
            breaks_on = base + timedelta(days=days)
            what = _baseline_said(base, basis)
            out.append(
                self.draft(
                    spec,
                    account,
                    title=f"{gap}天未更新，还剩{days - gap}天",
                    message=f"{account.name}{what}，已{gap}天没有更新；若{breaks_on:%Y-%m-%d}前仍无发布，"
                    f"将超过{days}天的标准",
                    evidence={
                        **_baseline_evidence(account, base, basis),
                        "days_without_post": gap,
                        "threshold_days": days,
                        "breaks_on": breaks_on.isoformat(),
                    },
                    since=breaks_on,
                )
            )
        return out
