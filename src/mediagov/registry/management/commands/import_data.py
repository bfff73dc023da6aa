"""`mediagov import accounts FILE --institution CODE [--dry-run]`, `mediagov import people FILE --institution
CODE [--mark-missing]` and `mediagov import posts FILE --institution CODE [--account PLATFORM:ID] [--dry-run]
[--no-progress]`: the account ledger, the staff roster and the accounts' posts from .xlsx/.csv files
(docs/imports.md). The posts import streams the file and prints its progress to stderr.

On a bad file every problem is printed to stderr, one per line, and the command exits with status 1.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mediagov.core.errors import ImportFileError
from mediagov.org.models import Institution
from mediagov.org.roster import roster_import
from mediagov.registry.ledger import ledger_import


class Command(BaseCommand):
    help = "导入新媒体帐号台账（accounts）、教职工名册（people）或发布记录（posts），支持.xlsx和.csv文件。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="{accounts,people,posts}")
        accounts = sub.add_parser("accounts", help="导入新媒体帐号台账")
        accounts.add_argument("file", help=".xlsx或.csv文件")
        accounts.add_argument("--institution", required=True, help="学校代码，如dut")
        accounts.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")
        people = sub.add_parser("people", help="导入教职工名册")
        people.add_argument("file", help=".xlsx或.csv文件")
        people.add_argument("--institution", required=True, help="学校代码，如dut")
        people.add_argument(
            "--mark-missing", action="store_true", help="将名册文件中没有的本校人员标记为“不在名册中”"
        )
        posts = sub.add_parser(
            "posts", help="导入已登记帐号的发布记录（通用格式，或微信公众号、微博、抖音后台导出的文件）"
        )
        posts.add_argument("file", help=".xlsx或.csv文件")
        posts.add_argument("--institution", required=True, help="学校代码，如dut")
        posts.add_argument(
            "--account",
            metavar="平台:帐号ID",
            help="平台后台导出的文件所属的帐号，如 wechat:gh_0123456789ab 或 微博:1234567890",
        )
        posts.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")
        posts.add_argument("--no-progress", action="store_true", help="不在stderr显示进度")

    def handle(self, *args, what: str, file: str, institution: str, **options):
        try:
            inst = Institution.objects.get(code=institution)
        except Institution.DoesNotExist:
            raise CommandError(f"未找到代码为“{institution}”的学校") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if what == "posts":  # streamed from the file, whatever its size
            self._posts(inst, path, options)
            return
        data = path.read_bytes()
        try:
            if what == "accounts":
                dry_run = options.get("dry_run", False)
                result = ledger_import(institution=inst, data=data, filename=path.name, dry_run=dry_run)
                self._ignored(result.ignored_headers)
                if dry_run:
                    self.stdout.write("试运行：检查通过，未写入数据库")
                self.stdout.write(self.style.SUCCESS(f"新增 {result.created} 条，更新 {result.updated} 条"))
                if result.unchanged:
                    self.stdout.write(f"未变化 {result.unchanged} 条")
            else:
                result = roster_import(
                    institution=inst,
                    data=data,
                    filename=path.name,
                    mark_missing_off_roster=options.get("mark_missing", False),
                )
                self._ignored(result.ignored_headers)
                self.stdout.write(self.style.SUCCESS(f"新增 {result.created} 条，更新 {result.updated} 条"))
                if result.unchanged:
                    self.stdout.write(f"未变化 {result.unchanged} 条")
                if result.marked_off_roster:
                    self.stdout.write(f"标记为不在名册中 {result.marked_off_roster} 人")
        except ImportFileError as exc:
            for line in exc.lines(path.name):
                self.stderr.write(line)
            sys.exit(1)

    def _posts(self, institution: Institution, path: Path, options: dict) -> None:
        # activity depends on registry (docs/architecture.md): imported here, not at the top of the module
        from mediagov.activity.imports import find_account, post_import

        dry_run = options.get("dry_run", False)
        after = "核对已有记录" if dry_run else "写入数据库"  # what the last stretch, after reading, does
        progress = None if options.get("no_progress") else _Progress(self.stderr, after=after)
        try:
            account = find_account(institution, options["account"]) if options.get("account") else None
            result = post_import(
                institution=institution,
                path=path,
                filename=path.name,
                account=account,
                dry_run=dry_run,
                progress=progress,
            )
        except ImportFileError as exc:
            if progress:
                progress.end()
            for line in exc.lines(path.name):
                self.stderr.write(line)
            sys.exit(1)
        if progress:
            progress.end()
        self._ignored(result.ignored_headers)
        if result.layout != "generic":
            self.stdout.write(f"文件格式：{result.layout_label}（帐号：{account.name}）")
        if dry_run:
            self.stdout.write("试运行：检查通过，未写入数据库")
        self.stdout.write(
            self.style.SUCCESS(f"新增 {result.created} 条，已存在 {result.skipped_existing} 条")
        )
        if result.duplicates:
            self.stdout.write(f"文件内重复 {result.duplicates} 行（只计一次）")

    def _ignored(self, headers: list[str]) -> None:
        if headers:
            self.stdout.write(self.style.WARNING(f"已忽略未识别的列：{'、'.join(headers)}"))


class _Progress:
    """Progress on stderr: one line redrawn in place on a terminal, else a line at every 10%. Files read in
    one go (fewer rows than one chunk of the import) show none, so a small file's errors stand alone. At 100%
    the line says what the database is doing after the reading (`after`): a large import spends about 40% of
    its time there."""

    def __init__(self, stream, *, after: str = ""):
        self.stream = stream
        self.after = after
        self.tty = stream.isatty()
        self.shown = -1
        self.started = time.monotonic()

    def __call__(self, rows: int, fraction: float | None) -> None:
        from mediagov.activity import imports

        if rows < imports.STAGE_CHUNK and self.shown < 0:
            return
        percent = int((fraction or 0.0) * 100)
        step = percent if self.tty else percent // 10 * 10
        if step == self.shown:
            return
        self.shown = step
        line = f"导入进度：{step:3d}%（已读取 {rows:,} 行，{time.monotonic() - self.started:.0f} 秒）"
        if step == 100 and self.after:
            line += f"，正在{self.after}…"
        if self.tty:
            self.stream.write("\r" + line, ending="")
            self.stream.flush()
        else:
            self.stream.write(line)

    def end(self) -> None:
        if self.tty and self.shown >= 0:
            self.stream.write("")
