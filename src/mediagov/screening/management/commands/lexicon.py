"""`mediagov lexicon import|export`: screening lexicons from and to files.

mediagov lexicon import FILE --institution CODE [--lexicon NAME] [--category CODE] [--append]
    FILE is .csv or .xlsx with the headers 词条 and 类别 (category codes), optionally 变体, 例外, 严重程度,
    阻止发布, 更正; or .txt with one term per line and --category. All or nothing; each import is a new
    version of the lexicon.
mediagov lexicon export --institution CODE [--lexicon NAME] [-o FILE] [--format csv|xlsx|txt]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mediagov.core.errors import DomainError, ImportFileError
from mediagov.org.models import Institution
from mediagov.screening.models import Category, Lexicon
from mediagov.screening.services import DEFAULT_LEXICON, lexicon_export, lexicon_import


class Command(BaseCommand):
    help = "筛查词库：import 导入（.csv/.xlsx/.txt）、export 导出"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        imp = sub.add_parser("import", help="导入词库文件（全部成功或全部不导入），生成词库的新版本")
        imp.add_argument("file", help="词库文件：.csv、.xlsx（表头 词条、类别，可选 变体、例外）或 .txt")
        imp.add_argument("--institution", required=True, metavar="CODE", help="学校代码，如 dut、yufe")
        imp.add_argument("--lexicon", default=DEFAULT_LEXICON, help=f"词库名称（默认“{DEFAULT_LEXICON}”）")
        imp.add_argument("--category", choices=Category.values, help=".txt 文件的词条类别")
        imp.add_argument("--append", action="store_true", help="追加到词库（默认以文件内容替换词库）")

        exp = sub.add_parser("export", help="导出词库")
        exp.add_argument("--institution", required=True, metavar="CODE")
        exp.add_argument("--lexicon", help="只导出该词库（默认全部）")
        exp.add_argument("-o", "--output", help="输出文件（扩展名决定格式）；默认输出 CSV 到标准输出")
        exp.add_argument("--format", choices=["csv", "xlsx", "txt"], help="格式（默认按输出文件扩展名）")

    def handle(self, *args, **options):
        try:
            institution = Institution.objects.get(code=options["institution"])
        except Institution.DoesNotExist:
            raise CommandError(f"学校“{options['institution']}”不存在") from None
        if options["action"] == "import":
            self.do_import(institution, options)
        else:
            self.do_export(institution, options)

    def do_import(self, institution, options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{path}") from None
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
        try:
            version = lexicon_import(
                institution=institution,
                data=data,
                filename=path.name,
                name=options["lexicon"],
                category=options["category"],
                replace=not options["append"],
            )
        except ImportFileError as exc:
            for line in exc.lines(path.name):
                self.stderr.write(line)
            raise CommandError(f"{path.name}：未导入（{exc.message}）") from None
        except DomainError as exc:
            raise CommandError(f"{path.name}：{exc}") from None
        self.stdout.write(
            f"已导入 {path.name}：词库“{version.lexicon.name}”第{version.number}版，共{version.term_count}个词条"
        )

    def do_export(self, institution, options):
        lexicons = Lexicon.objects.of(institution)
        if options["lexicon"]:
            lexicons = lexicons.filter(name=options["lexicon"])
            if not lexicons.exists():
                raise CommandError(f"词库“{options['lexicon']}”不存在")
        output = options["output"]
        fmt = options["format"] or (Path(output).suffix.lstrip(".").lower() if output else "csv")
        if fmt == "xlsx" and not output:
            raise CommandError("xlsx 须用 -o 指定输出文件")
        try:
            data = lexicon_export(lexicons, fmt)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(output)
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
