"""`mediagov namewatch FILE --institution CODE [--json] [--notices DIR]`: name watch (DUT 第九条).

Reads a .csv or .xlsx of discovered accounts with the headers 平台, 名称, 帐号ID, 链接, 简介 (粉丝数 optional).
With --json it prints a JSON array, one element per row; each element has `verdict` (registered,
unregistered_use, impersonation, unrelated), `keyword` (the protected keyword, or null) and `account` (the
registry id of the matched account, or null), plus evidence fields. Outside checks rely on this contract.
--notices DIR writes a 责令更名/注销通知 (.docx) for each unregistered_use or impersonation row.
--save stores the results as the results page does (名称监测结果, audited) and records each impersonation as a
compliance finding of the account it copies (rule namewatch.impersonation; importing the same account again
adds none); with --json each element then also has `finding` (the finding's id, or null).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mediagov.core.errors import ImportFileError
from mediagov.org.models import Institution
from mediagov.screening.namewatch import namewatch_check, namewatch_record, read_discovered, verdict_of
from mediagov.screening.notices import namewatch_notice_docx, namewatch_notice_filename


class Command(BaseCommand):
    help = "名称监测（第九条）：读取发现的帐号清单（平台、名称、帐号ID、链接、简介），判断是否已备案、未经审批使用学校名称或仿冒"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=".csv 或 .xlsx 文件")
        parser.add_argument("--institution", required=True, metavar="CODE", help="学校代码，如 dut、yufe")
        parser.add_argument("--json", action="store_true", help="输出 JSON 数组，每行一个元素")
        parser.add_argument(
            "--notices", metavar="DIR", help="为需整改的帐号生成责令更名/注销通知（.docx）到此目录"
        )
        parser.add_argument(
            "--save", action="store_true", help="保存检查结果（名称监测结果页可见），仿冒帐号记为合规问题"
        )

    def handle(self, *args, **options):
        try:
            institution = Institution.objects.get(code=options["institution"])
        except Institution.DoesNotExist:
            raise CommandError(
                f"学校“{options['institution']}”不存在（先用 mediagov policy load 加载政策包）"
            ) from None
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror or exc}") from None
        try:
            rows = read_discovered(data, path.name)
        except ImportFileError as exc:
            raise CommandError("\n".join(exc.lines(path.name))) from None
        findings: list[int | None] = []
        if options.get("save"):
            saved = namewatch_record(institution, rows, filename=path.name)
            results = [verdict_of(obj) for obj in saved]
            findings = [obj.finding.pk if obj.finding else None for obj in saved]
        else:
            results = namewatch_check(institution, rows)
        if options.get("notices"):
            folder = Path(options["notices"])
            folder.mkdir(parents=True, exist_ok=True)
            for r in results:
                if r.flagged:
                    (folder / namewatch_notice_filename(r)).write_bytes(namewatch_notice_docx(institution, r))
        if options["json"]:
            items = [r.as_dict() for r in results]
            for item, finding in zip(items, findings, strict=False):
                item["finding"] = finding
            self.stdout.write(json.dumps(items, ensure_ascii=False))
            return
        self.stdout.write("行号\t名称\t结论\t受保护名称\t匹配帐号\t依据\t证据")
        for r in results:
            self.stdout.write(
                f"{r.row or ''}\t{r.name}\t{r.verdict_label}\t{r.keyword or ''}\t{r.account_name}\t"
                f"{r.article}\t{'；'.join(r.evidence)}"
            )
        flagged = sum(r.flagged for r in results)
        self.stdout.write(f"共{len(results)}个帐号，需责令更名或注销{flagged}个")
        if options.get("save"):
            self.stdout.write(
                f"已保存；仿冒和未经审批使用学校名称的帐号对应合规问题{sum(1 for f in findings if f)}个"
            )
