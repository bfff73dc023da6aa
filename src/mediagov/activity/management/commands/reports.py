"""`mediagov reports prefill [--institution CODE] [--period YYYY-MM]`: prefill the monthly reports (月报表).

Without --institution, every institution whose pack has monthly reports; without --period, the month before
today. Idempotent: reports that exist are kept (a report not yet submitted gets its observed count refreshed).
Exits 1 on an unknown institution, a bad month, or an institution whose pack has no monthly reports.
"""

from django.core.management.base import BaseCommand, CommandError

from mediagov.activity.reports import ReportError, parse_period, reports_enabled, reports_prefill
from mediagov.org.models import Institution


class Command(BaseCommand):
    help = "月报表：生成（预填）各帐号上月的《新媒体管理月报表》。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        prefill = sub.add_parser("prefill", help="生成上月（或 --period 指定月份）的月报表，可重复运行")
        prefill.add_argument("--institution", help="学校代码，如 yufe；默认所有启用月报表的学校")
        prefill.add_argument("--period", help="所属月份 YYYY-MM，默认上个月")

    def handle(
        self, *args, action: str, institution: str | None = None, period: str | None = None, **options
    ):
        try:
            month = parse_period(period) if period else None
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        if institution:
            try:
                institutions = [Institution.objects.get(code=institution)]
            except Institution.DoesNotExist:
                raise CommandError(f"未找到代码为“{institution}”的学校") from None
            if not reports_enabled(institutions[0]):
                raise CommandError(
                    f"{institutions[0].name}的政策包未启用月报表（没有按月报送的 report_window 规则）"
                )
        else:
            institutions = [
                i for i in Institution.objects.exclude(pack={}).order_by("code") if reports_enabled(i)
            ]
        for inst in institutions:
            result = reports_prefill(institution=inst, period=month)
            if result.skipped:
                raise CommandError(f"{inst.name}：{result.skipped}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"{inst.name}：{result.period:%Y年%m月}月报表新生成 {result.created} 份，"
                    f"更新统计数 {result.refreshed} 份，共 {len(result.reports)} 份"
                )
            )
