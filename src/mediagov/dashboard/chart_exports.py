"""Each chart's data as a workbook: rows are yielded here, the one xlsx renderer (`compliance.exports.xlsx`)
writes them. Callers pass data already read within the user's scope (`dashboard.charts`)."""

from collections.abc import Iterator

from mediagov.compliance.exports import Sheet, xlsx

from .charts import PlatformSeries, ReportPunctuality, RiskRow, Timeline


def platform_rows(data: PlatformSeries) -> Iterator[list]:
    yield ["月份", *[label for label, _ in data.series], "合计"]
    for i, month in enumerate(data.months):
        yield [f"{month:%Y-%m}", *[values[i] for _, values in data.series], data.totals[i]]


def risk_rows(rows: list[RiskRow]) -> Iterator[list]:
    header = ["状态", "单位", "帐号", "平台", "规则", "依据", "情况", "说明", "最近一次发布", "预计违反日期"]
    yield header
    for r in rows:
        yield [
            r.state_label,
            r.unit,
            r.account,
            r.platform,
            r.rule,
            r.citation,
            r.title,
            r.message,
            r.last_post,
            r.breaks_on,
        ]


def report_rows(data: ReportPunctuality) -> Iterator[list]:
    yield ["所属月份", "报送期限", "应报帐号", "按时报送", "逾期报送", "未报送", "按时率（%）", "依据"]
    for m in data.months:
        yield [
            f"{m.period:%Y-%m}",
            f"{m.window_start:%Y-%m-%d}至{m.window_end:%Y-%m-%d}",
            m.owed,
            m.on_time,
            m.late,
            m.missing,
            m.rate,
            data.citation,
        ]


def timeline_rows(timeline: Timeline) -> Iterator[list]:
    yield ["月份", "发布条数"]
    for month, count in zip(timeline.months, timeline.counts, strict=True):
        yield [f"{month:%Y-%m}", count]


def timeline_summary_rows(timeline: Timeline) -> Iterator[list]:
    yield ["项目", "内容"]
    yield ["帐号", timeline.account.name]
    yield ["统计日期", timeline.today]
    last = timeline.last_post
    yield ["最近一次发布", last.published_at if last else "暂无发布记录"]
    yield ["最近一次发布标题", last.title if last else ""]
    gap = timeline.gap
    if gap is None:
        yield ["最长间隔", "暂无发布记录"]
    else:
        yield ["最长间隔（天）", gap.days]
        yield ["间隔开始", gap.start]
        yield ["间隔结束", gap.end if not gap.ongoing else f"{gap.end:%Y-%m-%d}（至今）"]


def platform_workbook(data: PlatformSeries) -> bytes:
    return xlsx([Sheet("各平台每月发布", platform_rows(data), [10] + [12] * (len(data.series) + 1))])


def risk_workbook(rows: list[RiskRow]) -> bytes:
    return xlsx([Sheet("未更新与临近违反", risk_rows(rows), [10, 18, 24, 12, 22, 30, 28, 60, 12, 12])])


def report_workbook(data: ReportPunctuality) -> bytes:
    return xlsx([Sheet("月报表按时报送", report_rows(data), [10, 24, 10, 10, 10, 10, 12, 36])])


def timeline_workbook(timeline: Timeline) -> bytes:
    return xlsx(
        [
            Sheet("每月发布", timeline_rows(timeline), [10, 10]),
            Sheet("最近发布与最长间隔", timeline_summary_rows(timeline), [18, 40]),
        ]
    )
