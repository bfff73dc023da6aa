"""`mediagov demo load|users`: demo data for development and for newcomers (`make run` runs both).

`demo load` loads both shipped policy packs and, once, a demo world for each institution (units, staff,
accounts, filings in every state, one login per role); running it again only reloads the packs.
`demo users` prints every demo login with its password, institution, role and unit.
"""

from django.core.management.base import BaseCommand

from mediagov.dashboard.demo import demo_load, demo_users_table


class Command(BaseCommand):
    help = "演示数据：load 加载演示数据（可重复运行），users 列出演示登录帐号"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{load,users}")
        sub.add_parser("load", help="加载内置政策包和演示数据；已加载时只重新加载政策包")
        sub.add_parser("users", help="列出演示登录帐号（用户名、密码、学校、角色、单位）")

    def handle(self, *args, **options):
        if options["action"] == "load":
            result = demo_load()
            for line in result.lines:
                self.stdout.write(line)
        else:
            self.stdout.write(demo_users_table())
