"""`mediagov import accounts FILE --institution CODE [--dry-run]`, `mediagov import people FILE --institution
CODE [--mark-missing]` and `mediagov import posts FILE --institution CODE [--dry-run]`: the account ledger, the
staff roster and the accounts' posts from .xlsx/.csv files (docs/imports.md).

On a bad file every problem is printed to stderr, one per line, and the command exits with status 1.
"""

import sys
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
        posts = sub.add_parser("posts", help="导入已登记帐号的发布记录")
        posts.add_argument("file", help=".xlsx或.csv文件")
        posts.add_argument("--institution", required=True, help="学校代码，如dut")
        posts.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")

    def handle(self, *args, what: str, file: str, institution: str, **options):
        try:
            inst = Institution.objects.get(code=institution)
        except Institution.DoesNotExist:
            raise CommandError(f"未找到代码为“{institution}”的学校") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
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
            elif what == "posts":
                self._posts(inst, data, path.name, dry_run=options.get("dry_run", False))
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

    def _posts(self, institution: Institution, data: bytes, filename: str, *, dry_run: bool) -> None:
        # activity depends on registry (docs/architecture.md): imported here, not at the top of the module
        from mediagov.activity.imports import post_import

        result = post_import(institution=institution, data=data, filename=filename, dry_run=dry_run)
        self._ignored(result.ignored_headers)
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
