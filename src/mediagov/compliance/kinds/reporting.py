"""Reports due in a window: the monthly report (YUFE 第十五条, 1st–5th) and the annual review (年检)."""

import calendar
from datetime import date

from .base import Rule, register

LOOKBACK = {"monthly": 12, "annual": 2}  # how many past periods a scan re-examines


def _clamp(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@register
class ReportWindow(Rule):
    kind = "report_window"
    reads = ("reports",)
    label = "报表未在规定时间内报送"
    default_action = "补报报表"

    def periods(self, spec, as_of: date) -> list[tuple[date, date, date]]:
        """(period, window start, window end) of the periods whose window has closed by `as_of`, newest first."""
        out = []
        if "windows" in spec.params:  # the window each year's notice announces
            for window in spec.params["windows"] or []:
                start, end = _as_date(window["first"]), _as_date(window["last"])
                if end < as_of:
                    out.append((date(int(window["year"]), 1, 1), start, end))
            return sorted(out, reverse=True)
        first, last = int(spec.params["first_day"]), int(spec.params["last_day"])
        if spec.params["cadence"] == "monthly":
            year, month = as_of.year, as_of.month
            while len(out) < LOOKBACK["monthly"]:
                start, end = _clamp(year, month, first), _clamp(year, month, last)
                py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
                if end < as_of:
                    out.append((date(py, pm, 1), start, end))
                year, month = py, pm
        else:
            month = int(spec.params["month"])
            year = as_of.year
            while len(out) < LOOKBACK["annual"]:
                start, end = _clamp(year, month, first), _clamp(year, month, last)
                if end < as_of:
                    out.append((date(year, 1, 1), start, end))
                year -= 1
        return out

    def evaluate(self, spec, snap):
        cadence = spec.params["cadence"]
        out = []
        for account in snap.accounts:
            if not account.alive or account.opened_on is None:
                continue
            for period, start, end in self.periods(spec, snap.as_of):
                if cadence == "monthly" and account.opened_on >= _next_month(period):
                    continue  # opened after the month the report covers
                if cadence == "annual" and account.opened_on > end:
                    continue
                submitted = snap.reports.get((account.id, cadence, period))
                if submitted is not None and submitted <= end:
                    continue
                label = f"{period:%Y年%m月}月报表" if cadence == "monthly" else f"{period:%Y}年度审核材料"
                late = f"，已于{submitted:%Y-%m-%d}逾期补报" if submitted else ""
                out.append(
                    self.draft(
                        spec,
                        account,
                        key=period.isoformat()[:7] if cadence == "monthly" else str(period.year),
                        title=f"{label}未按时报送" if not submitted else f"{label}逾期报送",
                        message=f"{account.name}的{label}应于{start:%m月%d日}至{end:%m月%d日}报送{late or '，至今未报送'}",
                        evidence={
                            "cadence": cadence,
                            "period": period.isoformat(),
                            "window_start": start.isoformat(),
                            "window_end": end.isoformat(),
                            "submitted_on": submitted.isoformat() if submitted else None,
                        },
                        since=end,
                    )
                )
        return out


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)
