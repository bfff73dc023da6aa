"""`mediagov calendar due|import|show`: deadlines in working days, and the holiday data behind them.

`mediagov calendar due DATE (--working-days N | --calendar-days N | --weeks N) [--json]` prints the due
date as YYYY-MM-DD (or {"due": "YYYY-MM-DD"}); outside checks rely on this output. A year without holiday
data exits 1 with the Chinese message naming the year.
"""

import argparse
import json
import re
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from mediagov.core.errors import DomainError, ImportFileError
from mediagov.workdays.services import (
    calendar_import,
    calendar_summary_text,
    calendar_text_decode,
    calendar_year_describe,
    due_date,
)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是整数") from None


def _parse_date(value: str) -> date:
    try:
        if not _DATE_RE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”无效，应写成 YYYY-MM-DD，如 2025-09-30") from None


class Command(BaseCommand):
    help = "工作日历：计算期限（due）、导入国务院办公厅节假日通知（import）、查看某年的节假日安排（show）"

    def add_arguments(self, parser):
        subs = parser.add_subparsers(dest="sub", required=True, title="子命令", metavar="{due,import,show}")

        due = subs.add_parser("due", help="计算期限：起算日之后第 N 个工作日、N 个自然日或 N 周")
        due.add_argument("date", help="起算日期 YYYY-MM-DD（当天不计入）")
        amount = due.add_mutually_exclusive_group(required=True)
        amount.add_argument("--working-days", type=_integer, metavar="N", help="第 N 个工作日")
        amount.add_argument("--calendar-days", type=_integer, metavar="N", help="N 个自然日")
        amount.add_argument("--weeks", type=_integer, metavar="N", help="N 周")
        due.add_argument("--before", action="store_true", help="向前倒推（起算日之前）")
        due.add_argument("--json", action="store_true", help='输出 {"due": "YYYY-MM-DD"}')

        imp = subs.add_parser("import", help="导入节假日安排文件（格式见 docs/workdays.md）")
        imp.add_argument("file", help="文本文件，UTF-8 或 GBK 编码")
        imp.add_argument("--source", default="", help="来源说明，默认为文件名")

        show = subs.add_parser("show", help="列出某年的放假日和调休上班日")
        show.add_argument("year", type=_integer, help="年份，如 2026")

    def handle(self, *args, **options):
        handler = {"due": self.handle_due, "import": self.handle_import, "show": self.handle_show}[
            options["sub"]
        ]
        try:
            handler(options)
        except ImportFileError as exc:
            raise CommandError("\n".join(exc.lines(options.get("file") or ""))) from None
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(
                f"无法读取工作日历数据，请确认数据库可用并已运行 mediagov migrate（{exc}）"
            ) from None

    def handle_due(self, options) -> None:
        start = _parse_date(options["date"])
        for unit in ("working_days", "calendar_days", "weeks"):
            if options[unit] is not None:
                amount = options[unit]
                break
        direction = "before" if options["before"] else "after"
        try:
            result = due_date(start, amount, unit, direction)
        except OverflowError:
            raise CommandError("结果超出可表示的日期范围") from None
        if options["json"]:
            self.stdout.write(json.dumps({"due": result.isoformat()}))
        else:
            self.stdout.write(result.isoformat())

    def handle_import(self, options) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror or exc}") from None
        text = calendar_text_decode(data)
        summary = calendar_import(text, source=options["source"] or path.name)
        self.stdout.write(calendar_summary_text(summary))

    def handle_show(self, options) -> None:
        view = calendar_year_describe(year=options["year"])
        self.stdout.write(f"{view.year}年：{view.coverage_label}")
        if view.imported is not None:
            self.stdout.write(f"导入来源：{view.imported.source}")
        for day in view.days:
            origin = f"［{day.origin_label}］" if day.override else ""
            self.stdout.write(
                f"{day.date.isoformat()} {day.weekday_label} {day.kind_label} {day.name}{origin}".rstrip()
            )
        if view.missing_message:
            raise CommandError(view.missing_message)
        self.stdout.write(f"全年工作日：{view.workday_count}天")
