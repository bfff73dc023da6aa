"""`mediagov screen --institution CODE [--json]`: screen the text on stdin against the institution's lexicons.

With --json it prints `{"hits": [...]}`; each hit has at least `term`, `category`, `article`, `start` and
`end` (character offsets into the text as read). Outside checks rely on this contract.

`mediagov screen posts --institution CODE --days N` screens again the posts published in the last N days
(after a lexicon changed) and records new hits as findings; running it again adds nothing.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from mediagov.org.models import Institution
from mediagov.screening.services import screen_text


class Command(BaseCommand):
    help = "内容筛查：从标准输入读取文本，按学校词库和政策包检查，列出命中的词条、类别和依据条款"
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "what", nargs="?", choices=["posts"], help="posts：重新筛查最近N天的发布记录，命中的记为问题"
        )
        parser.add_argument("--institution", required=True, metavar="CODE", help="学校代码，如 dut、yufe")
        parser.add_argument("--json", action="store_true", help='输出 JSON：{"hits": [...]}')
        parser.add_argument("--days", type=int, default=30, metavar="N", help="posts：最近N天（默认30）")

    def handle(self, *args, **options):
        try:
            institution = Institution.objects.get(code=options["institution"])
        except Institution.DoesNotExist:
            raise CommandError(
                f"学校“{options['institution']}”不存在（先用 mediagov policy load 加载政策包）"
            ) from None
        if options["what"] == "posts":
            self._posts(institution, options)
            return
        text = (options.get("stdin") or sys.stdin).read()
        hits = screen_text(institution, text)
        if options["json"]:
            self.stdout.write(json.dumps({"hits": [h.as_dict() for h in hits]}, ensure_ascii=False))
            return
        if not hits:
            self.stdout.write("未发现问题")
            return
        self.stdout.write(f"共{len(hits)}处命中：")
        for hit in hits:
            extra = f"，应为“{hit.correction}”" if hit.correction else ""
            block = "，阻止发布" if hit.blocks else ""
            self.stdout.write(
                f"第{hit.start + 1}–{hit.end}字 “{hit.text}”：{hit.category_label}（{hit.term}{extra}）"
                f"，依据{hit.article}{block}"
            )

    def _posts(self, institution, options):
        from mediagov.screening.posts import posts_rescreen

        days = options["days"]
        if days < 1:
            raise CommandError(f"--days 须为正整数，收到 {days}")
        result = posts_rescreen(institution, days=days)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"筛查了最近{days}天的{result.posts}条发布记录：命中{result.hits}处，新增问题{result.opened}个"
        )
