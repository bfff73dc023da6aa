"""`mediagov policy validate|load|show|list`: policy packs from the command line.

`mediagov policy validate FILE` exits 0 when the pack is valid and 1 when it is not (every problem printed to
stderr as `PATH: message`), without touching the database. Outside checks rely on this contract.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediagov.core.errors import DomainError
from mediagov.org.models import Institution
from mediagov.policy.pack import PolicyPack
from mediagov.policy.services import (
    PackInvalidError,
    policy_apply,
    policy_apply_shipped,
    policy_describe,
    shipped_pack_codes,
    shipped_pack_text,
)
from mediagov.policy.validate import pack_parse


def read_pack_file(path: str) -> str:
    """The text of the pack file `path`; a CommandError naming the file when it cannot be read."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"文件不存在：{path}") from None
    except IsADirectoryError:
        raise CommandError(f"无法读取文件 {path}：这是一个目录") from None
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"无法读取文件 {path}：不是 UTF-8 编码的文本") from None


class Command(BaseCommand):
    help = "政策包：validate 校验、load 加载、show 查看、list 列出"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{validate,load,show,list}")

        validate = sub.add_parser("validate", help="校验政策包文件（不访问数据库）；有效退出码 0，无效 1")
        validate.add_argument("file", nargs="?", help="政策包 YAML 文件")
        validate.add_argument("--shipped", metavar="CODE", help="校验内置政策包（如 dut、yufe）")

        load = sub.add_parser("load", help="校验并加载政策包：创建或更新学校及其归口监管部门")
        load.add_argument("file", nargs="?", help="政策包 YAML 文件")
        load.add_argument("--shipped", metavar="CODE", help="加载内置政策包（如 dut、yufe）")
        load.add_argument("--user", metavar="USERNAME", help="记入操作记录的用户名")

        show = sub.add_parser("show", help="查看已加载的政策包（审批链、时限、规则）")
        show.add_argument("code", nargs="?", help="学校代码（已加载）")
        show.add_argument("--file", help="改为查看政策包文件（不访问数据库）")

        sub.add_parser("list", help="列出内置政策包和已加载的学校")

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['action']}")(**options)

    # ------------------------------------------------------------ helpers
    def _source(self, options) -> tuple[str, str]:
        """(text, source) of the pack the options name: a FILE or --shipped CODE, exactly one."""
        file, shipped = options.get("file"), options.get("shipped")
        if bool(file) == bool(shipped):
            raise CommandError("请给出政策包文件，或用 --shipped CODE 指定内置政策包（二者选一）")
        if shipped:
            try:
                return shipped_pack_text(shipped), f"shipped:{shipped}"
            except DomainError as exc:
                raise CommandError(exc.message) from None
        return read_pack_file(file), str(file)

    def _print_errors(self, errors) -> None:
        for error in errors:
            self.stderr.write(str(error))

    # ------------------------------------------------------------ subcommands
    def handle_validate(self, **options):
        text, source = self._source(options)
        data, errors = pack_parse(text)
        if errors:
            self._print_errors(errors)
            raise CommandError(f"{source}：校验未通过，共 {len(errors)} 处错误")
        pack = PolicyPack(data)
        name = data["institution"]["name"]
        self.stdout.write(f"校验通过：{name}（{pack.code}）《{pack.title}》")

    def handle_load(self, **options):
        user = None
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户不存在：{options['user']}")
        try:
            if options.get("shipped") and not options.get("file"):
                result = policy_apply_shipped(options["shipped"], user=user)
            else:
                text, source = self._source(options)
                result = policy_apply(text=text, source=source, user=user)
        except PackInvalidError as exc:
            self._print_errors(exc.errors)
            raise CommandError(f"校验未通过，共 {len(exc.errors)} 处错误，未写入任何数据") from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        inst = result.institution
        verb = "已创建" if result.created else "已更新"
        same = "" if result.pack_changed else "（政策包内容与上次加载相同）"
        self.stdout.write(f"{verb}学校：{inst.name}（{inst.code}），《{inst.regulation_title}》{same}")
        self.stdout.write(f"  政策包 sha256：{inst.pack_sha256[:12]}…")
        for label, codes in (
            ("新建单位", result.units_created),
            ("更新单位", result.units_updated),
            ("未变单位", result.units_unchanged),
        ):
            if codes:
                self.stdout.write(f"  {label} {len(codes)} 个：{'、'.join(codes)}")

    def handle_show(self, **options):
        if options.get("file"):
            data, errors = pack_parse(read_pack_file(options["file"]))
            if errors:
                self._print_errors(errors)
                raise CommandError(f"{options['file']}：校验未通过，共 {len(errors)} 处错误")
            pack = PolicyPack(data)
        else:
            code = options.get("code")
            if not code:
                raise CommandError("请给出学校代码，或用 --file 指定政策包文件")
            inst = Institution.objects.filter(code=code).first()
            if inst is None or not inst.pack:
                raise CommandError(
                    f"学校“{code}”不存在或尚未加载政策包（可运行 mediagov policy load --shipped {code}）"
                )
            pack = inst.policy
            loaded = (
                f"{timezone.localtime(inst.pack_loaded_at):%Y-%m-%d %H:%M}" if inst.pack_loaded_at else "未知"
            )
            self.stdout.write(f"{inst.name}：政策包加载于 {loaded}，sha256 {inst.pack_sha256[:12]}…")
        for line in policy_describe(pack=pack):
            self.stdout.write(line)

    def handle_list(self, **options):
        self.stdout.write("内置政策包：")
        for code in shipped_pack_codes():
            data, errors = pack_parse(shipped_pack_text(code))
            title = PolicyPack(data).title if data else ""
            state = "" if not errors else f"（{len(errors)} 处错误）"
            self.stdout.write(f"  {code}：《{title}》{state}")
        self.stdout.write("已加载的学校：")
        institutions = list(Institution.objects.order_by("code"))
        if not institutions:
            self.stdout.write("  （无）")
        for inst in institutions:
            loaded = (
                f"{timezone.localtime(inst.pack_loaded_at):%Y-%m-%d %H:%M}"
                if inst.pack_loaded_at
                else "未加载"
            )
            self.stdout.write(f"  {inst.code}：{inst.name}《{inst.regulation_title}》，{loaded}")
