"""`mediagov export …`: the filing form (备案审批表, .docx) and the ledger (台账, .xlsx) as files.

mediagov export filing-form ID [-o FILE]
mediagov export ledger --institution CODE [-o FILE] [--unit CODE] [--status STATUS] [--platform CODE]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediagov.core.errors import DomainError
from mediagov.org.models import Institution, Unit
from mediagov.registry.documents import filing_form_docx, filing_form_filename
from mediagov.registry.models import AccountStatus, Filing, MediaAccount
from mediagov.registry.platforms import Platform


class Command(BaseCommand):
    help = "导出数据：备案审批表（.docx）或新媒体台账（.xlsx）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="what", required=True, title="导出内容", metavar="{filing-form,ledger}"
        )

        form = sub.add_parser("filing-form", help="导出一件备案的备案审批表（.docx），版式由学校政策包决定")
        form.add_argument("filing_id", metavar="ID", help="备案编号（数据库 ID）")
        form.add_argument(
            "-o", "--output", help="输出文件或目录；默认在当前目录按“备案审批表-帐号名称-编号.docx”命名"
        )

        ledger = sub.add_parser("ledger", help="导出一所学校的新媒体台账（.xlsx）")
        ledger.add_argument("--institution", required=True, metavar="CODE", help="学校代码，如 dut、yufe")
        ledger.add_argument(
            "-o", "--output", help="输出文件或目录；默认在当前目录按“台账-学校-日期.xlsx”命名"
        )
        ledger.add_argument("--unit", metavar="CODE", help="只导出该责任单位（含下属单位）的帐号")
        ledger.add_argument("--status", help=f"只导出该状态的帐号：{'、'.join(AccountStatus.values)}")
        ledger.add_argument(
            "--platform", metavar="CODE", help=f"只导出该平台的帐号：{'、'.join(Platform.values)}"
        )

    def handle(self, *args, **options):
        export = {"filing-form": self.export_filing_form, "ledger": self.export_ledger}[options["what"]]
        path = export(options)
        self.stdout.write(str(path))

    # ------------------------------------------------------------ filing form
    def export_filing_form(self, options) -> Path:
        raw = options["filing_id"]
        filing = None
        if str(raw).isdigit():
            filing = (
                Filing.objects.select_related("institution", "account__responsible_unit")
                .filter(pk=int(raw))
                .first()
            )
        if filing is None:
            raise CommandError(f"备案 {raw} 不存在，请核对备案 ID。")
        try:
            content = filing_form_docx(filing)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        return _write(options["output"], filing_form_filename(filing), content)

    # ------------------------------------------------------------ ledger
    def export_ledger(self, options) -> Path:
        code = options["institution"]
        institution = Institution.objects.filter(code=code).first()
        if institution is None:
            raise CommandError(f"学校代码 {code} 不存在。")
        accounts = MediaAccount.objects.filter(institution=institution)
        name = f"台账-{institution.code.upper()}"
        if options["unit"]:
            unit = institution.units.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"{institution.name}没有代码为 {options['unit']} 的单位。")
            accounts = accounts.filter(responsible_unit__in=Unit.objects.subtree_of(unit))
            name += f"-{unit.code}"
        if options["status"]:
            if options["status"] not in AccountStatus.values:
                raise CommandError(
                    f"未知的帐号状态 {options['status']}，可选：{'、'.join(AccountStatus.values)}。"
                )
            accounts = accounts.filter(status=options["status"])
        if options["platform"]:
            if options["platform"] not in Platform.values:
                raise CommandError(f"未知的平台 {options['platform']}，可选：{'、'.join(Platform.values)}。")
            accounts = accounts.filter(platform=options["platform"])

        # Imported here so this command loads even where the ledger exporter is absent or broken.
        from mediagov.registry.ledger import ledger_export_xlsx

        content = ledger_export_xlsx(accounts)
        return _write(options["output"], f"{name}-{timezone.localdate():%Y%m%d}.xlsx", content)


def _write(output: str | None, default_name: str, content: bytes) -> Path:
    """Write to `output` (a file, or a directory to put `default_name` in), else `default_name` here."""
    path = Path(output) if output else Path(default_name)
    if path.is_dir():
        path = path / default_name
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    return path.resolve()
