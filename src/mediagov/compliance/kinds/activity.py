"""Inactivity in three shapes: N empty calendar months, too few posts a year, no post for N days."""

from datetime import date, timedelta

from .base import Rule, register


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_first(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month_last(index: int) -> date:
    return _month_first(index + 1) - timedelta(days=1)


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
        # The last calendar month that had ended by the scan date.
        last_complete = (
            _month_index(snap.as_of)
            if snap.as_of == _month_last(_month_index(snap.as_of))
            else (_month_index(snap.as_of) - 1)
        )
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
            what = (
                f"最后一次发布于{base:%Y-%m-%d}"
                if basis == "last_post"
                else f"自{base:%Y-%m-%d}开通以来从未发布"
            )
            out.append(
                self.draft(
                    spec,
                    account,
                    title=f"连续{empty}个月未更新",
                    message=f"{account.name}{what}，此后连续{empty}个自然月（{empty_months[0]}至{empty_months[-1]}）"
                    f"没有发布内容，达到“连续{months}个月不更新”的标准",
                    evidence={
                        "last_post": base.isoformat() if basis == "last_post" else None,
                        "opened_on": account.opened_on.isoformat() if account.opened_on else None,
                        "empty_months": empty_months,
                        "threshold_months": months,
                    },
                    since=since,
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
            what = (
                f"最后一次发布于{base:%Y-%m-%d}"
                if basis == "last_post"
                else f"自{base:%Y-%m-%d}开通以来从未发布"
            )
            out.append(
                self.draft(
                    spec,
                    account,
                    title=f"{gap}天未更新",
                    message=f"{account.name}{what}，已{gap}天没有更新（标准：{days}天内须有更新）",
                    evidence={
                        "last_post": base.isoformat() if basis == "last_post" else None,
                        "opened_on": account.opened_on.isoformat() if account.opened_on else None,
                        "days_without_post": gap,
                        "threshold_days": days,
                    },
                    since=base + timedelta(days=days),
                )
            )
        return out
