"""Reports: due in a window (the monthly report, YUFE 第十五条, 1st–5th; the annual review, 年检), a declared
post count that differs from the posts observed, and a monthly report declared 涉密 (YUFE 第十一条)."""

import calendar
from datetime import date, timedelta

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
                row = snap.reports.get((account.id, cadence, period))
                submitted = row.submitted_on if row is not None else None
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


def _recent_months(as_of: date) -> list[date]:
    """The first days of the LOOKBACK["monthly"] months before `as_of`'s month, newest first."""
    out, month = [], as_of.replace(day=1)
    for _ in range(LOOKBACK["monthly"]):
        month = (month - timedelta(days=1)).replace(day=1)
        out.append(month)
    return out


@register
class ReportCountMismatch(Rule):
    """The 发布信息数量 a submitted monthly report declares differs from the posts mediagov observed in that month
    (counted at scan time, so a later import is reflected). `tolerance`: the difference allowed (default 0)."""

    kind = "report_count_mismatch"
    reads = ("reports",)
    label = "月报表申报的发布信息数量与实际发布数量不符"
    default_action = "核实发布信息数量并更正月报表，或补充导入发布记录"
    default_severity = "low"

    def windows(self, spec, as_of):
        return [(period, _next_month(period), None) for period in _recent_months(as_of)]

    def evaluate(self, spec, snap):
        tolerance = int(spec.params.get("tolerance", 0) or 0)
        out = []
        for account in snap.accounts:
            if not account.alive:
                continue
            for period in _recent_months(snap.as_of):
                row = snap.reports.get((account.id, "monthly", period))
                if row is None or row.declared is None:
                    continue
                observed = snap.post_count(account.id, (period, _next_month(period), None))
                if abs(row.declared - observed) <= tolerance:
                    continue
                out.append(
                    self.draft(
                        spec,
                        account,
                        key=period.isoformat()[:7],
                        title=f"{period:%Y年%m月}月报表发布数量与实际不符",
                        message=f"{account.name}的{period:%Y年%m月}月报表申报发布信息{row.declared}条，"
                        f"系统统计当月实际发布{observed}条",
                        evidence={
                            "period": period.isoformat(),
                            "declared": row.declared,
                            "observed": observed,
                            "tolerance": tolerance,
                            "submitted_on": row.submitted_on.isoformat(),
                        },
                        since=row.submitted_on,
                    )
                )
        return out


@register
class ReportClassified(Rule):
    """A submitted monthly report answers 是否涉密 with 是: classified information was published (YUFE 第十一条
    forbids it). Submitting such a report also notifies the propaganda department at once."""

    kind = "report_classified"
    reads = ("reports",)
    label = "月报表申报发布内容涉密"
    default_action = "立即核查并删除涉密信息，按规定报告党委宣传部"
    default_severity = "urgent"

    def evaluate(self, spec, snap):
        out = []
        for account in snap.accounts:
            if not account.alive:
                continue
            for period in _recent_months(snap.as_of):
                row = snap.reports.get((account.id, "monthly", period))
                if row is None or not row.classified:
                    continue
                out.append(
                    self.draft(
                        spec,
                        account,
                        key=period.isoformat()[:7],
                        title=f"{period:%Y年%m月}月报表申报发布内容涉密",
                        message=f"{account.name}的{period:%Y年%m月}月报表“是否涉密”填报为“是”，"
                        "禁止在新媒体平台发布涉密信息",
                        evidence={"period": period.isoformat(), "submitted_on": row.submitted_on.isoformat()},
                        since=row.submitted_on,
                    )
                )
        return out


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)
