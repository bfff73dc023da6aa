"""`mediagov reminders run [--date YYYY-MM-DD] [--institution CODE]` and `mediagov reminders send`.

The same services the Celery beat runs daily (reminders) and every minute (deliveries); use them after
downtime, or where no worker runs. Both are idempotent.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediagov.notifications import services
from mediagov.notifications.tasks import CHINA
from mediagov.org.models import Institution


class Command(BaseCommand):
    help = "提醒与通知：发送今日的到期提醒和逾期督办（run），发送待发的邮件和群机器人消息（send）"

    def add_arguments(self, parser):
        subs = parser.add_subparsers(dest="sub", required=True, title="子命令", metavar="{run,send}")
        run = subs.add_parser("run", help="计算并发送到期提醒和逾期督办（重复运行不会重复发送）")
        run.add_argument("--date", help="按哪一天计算，YYYY-MM-DD，默认今天（北京时间）")
        run.add_argument("--institution", help="只处理这所学校（代码，如 dut）")
        subs.add_parser("send", help="发送到期的外部推送（邮件、企业微信、钉钉），失败的按退避时间重试")

    def handle(self, *args, **options):
        if options["sub"] == "send":
            result = services.delivery_send_due()
            self.stdout.write(
                f"已发送{result.sent}条，待重试{result.retrying}条，发送失败{result.failed}条，"
                f"跳过{result.skipped}条"
            )
            return
        try:
            today = (
                date.fromisoformat(options["date"]) if options["date"] else timezone.localdate(timezone=CHINA)
            )
        except ValueError:
            raise CommandError(f"日期“{options['date']}”无效，应写成 YYYY-MM-DD") from None
        institutions = Institution.objects.order_by("code")
        if options["institution"]:
            institutions = institutions.filter(code=options["institution"])
            if not institutions.exists():
                raise CommandError(f"没有代码为“{options['institution']}”的学校")
        for institution in institutions:
            result = services.reminders_run(institution=institution, today=today)
            self.stdout.write(
                f"{institution.name}（{today.isoformat()}）：检查{result.objects}项，"
                f"新通知{result.notifications}条，外部推送{result.deliveries}条"
            )
            for line in result.skipped:
                self.stderr.write(f"  未计算：{line}")
