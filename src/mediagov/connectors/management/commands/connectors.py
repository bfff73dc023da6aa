"""`mediagov connectors run [--source ID | --institution CODE] [--all]` and `mediagov connectors list`.

`run` runs sources now, in this process (no worker needed): by default the ones that are due, with `--all`
every enabled one, with `--source` that one whether due or not. The beat does the same through Celery
(`connectors.run_due`), spread over time.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediagov.connectors import services
from mediagov.connectors.models import Source
from mediagov.org.models import Institution


class Command(BaseCommand):
    help = "数据来源：立即获取 RSS/Atom 订阅和平台接口的发布记录（run），列出数据来源及其状态（list）"

    def add_arguments(self, parser):
        subs = parser.add_subparsers(dest="sub", required=True, title="子命令", metavar="{run,list}")
        run = subs.add_parser("run", help="获取到期的数据来源（重复运行不会重复添加发布记录）")
        which = run.add_mutually_exclusive_group()
        which.add_argument("--source", type=int, help="只获取这个数据来源（编号），不论是否到期")
        which.add_argument("--institution", help="只获取这所学校（代码，如 dut）的数据来源")
        run.add_argument("--all", action="store_true", help="获取所有启用的数据来源，不论是否到期")
        lst = subs.add_parser("list", help="列出数据来源及其状态")
        lst.add_argument("--institution", help="只列出这所学校（代码）的数据来源")

    def handle(self, *args, **options):
        qs = Source.objects.select_related("account", "institution").order_by("institution__code", "pk")
        if options.get("institution"):
            institution = Institution.objects.filter(code=options["institution"]).first()
            if institution is None:
                raise CommandError(f"没有代码为“{options['institution']}”的学校")
            qs = qs.filter(institution=institution)
        if options["sub"] == "list":
            for s in qs:
                self.stdout.write(
                    f"{s.pk}\t{s.institution.code}\t{s.account.name}\t{s.get_kind_display()}\t{s.status_label}"
                    f"\t{s.last_error if s.failures else ''}"
                )
            return
        now = timezone.now()
        if options["source"]:
            qs = qs.filter(pk=options["source"])
            if not qs.exists():
                raise CommandError(f"没有编号为 {options['source']} 的数据来源")
        elif not options["all"]:
            qs = qs.filter(pk__in=Source.objects.due(now).values("pk"))
        totals = {"ok": 0, "error": 0, "skipped": 0, "added": 0}
        for source in qs:
            result = services.source_run(source=source)
            totals[result.outcome] += 1
            totals["added"] += result.added
            line = f"{source.pk} {source}：读取{result.received}条，新增{result.added}条"
            if result.outcome == "error":
                self.stderr.write(f"{line}；出错：{result.message}")
            elif result.outcome == "skipped":
                self.stdout.write(f"{source.pk} {source}：跳过（{result.message}）")
            else:
                self.stdout.write(line)
        self.stdout.write(
            f"共获取{totals['ok'] + totals['error']}个数据来源：成功{totals['ok']}个，出错{totals['error']}个，"
            f"跳过{totals['skipped']}个，新增发布记录{totals['added']}条"
        )
