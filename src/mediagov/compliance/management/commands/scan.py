"""`mediagov scan --institution CODE [--as-of YYYY-MM-DD] [--json] [--dry-run]`: run the compliance scan.

Prints the findings that hold as of the date, one per line (or, with --json, a JSON array: the contract in
docs/compliance.md). The result is recorded (findings opened, refreshed, closed) unless --dry-run is given or
the date is earlier than the institution's latest recorded scan. Exits 1 on a bad institution or date.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediagov.compliance.models import ScanTrigger
from mediagov.compliance.services import finding_json, scan_compute, scan_run
from mediagov.org.models import Institution


class Command(BaseCommand):
    help = "按政策包检查全部帐号，列出存在的问题（合规扫描）。"

    def add_arguments(self, parser):
        parser.add_argument("--institution", required=True, help="学校代码，如dut；all 表示全部学校")
        parser.add_argument("--as-of", dest="as_of", help="检查日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--json", action="store_true", help="以JSON数组输出")
        parser.add_argument("--dry-run", action="store_true", help="只计算，不写入问题记录")

    def handle(self, *args, institution: str, as_of: str | None, json: bool, dry_run: bool, **options):
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"日期“{as_of}”无效，应为 YYYY-MM-DD") from None
        else:
            day = timezone.localdate()
        if institution == "all":
            institutions = list(Institution.objects.exclude(pack={}).order_by("code"))
        else:
            try:
                institutions = [Institution.objects.get(code=institution)]
            except Institution.DoesNotExist:
                raise CommandError(f"未找到代码为“{institution}”的学校") from None
        results = []
        for inst in institutions:
            if not inst.pack:
                raise CommandError(f"{inst.name}尚未加载政策包，请先运行 mediagov policy load")
            if dry_run:
                outcome = scan_compute(inst, as_of=day)
            else:
                outcome = scan_run(inst, as_of=day, trigger=ScanTrigger.CLI)
            results.append(outcome)
        if json:
            self._json(results)
        else:
            for outcome in results:
                self._text(outcome, dry_run)

    def _json(self, results) -> None:
        import json as jsonlib

        rows = [finding_json(o, d) for o in results for d in o.drafts]
        self.stdout.write(jsonlib.dumps(rows, ensure_ascii=False, indent=2))
        for o in results:
            for line in o.errors:
                self.stderr.write(line)

    def _text(self, outcome, dry_run: bool) -> None:
        pack = outcome.institution.policy
        for d in outcome.drafts:
            account = outcome.accounts[d.account_id]
            due = finding_json(outcome, d)["due"] or "—"
            self.stdout.write(
                f"[{d.severity}] {account.name}（{account.platform} {account.platform_id or account.id}）"
                f"{d.title} — {pack.cite(d.article)}；整改要求：{d.action}；期限：{due}"
            )
        for line in outcome.errors:
            self.stderr.write(f"未能检查：{line}")
        how = (
            "仅计算，未写入"
            if dry_run or not outcome.persisted
            else (f"新发现 {outcome.opened} 个，自动关闭 {outcome.closed} 个")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{outcome.institution.name}：截至{outcome.as_of}，检查帐号 {len(outcome.accounts)} 个，"
                f"存在问题 {len(outcome.drafts)} 个（{how}）"
            )
        )
