import csv
import io
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from mediagov.core.errors import ImportFileError
from mediagov.core.models import ActionLog
from mediagov.org.models import Institution, Person, Unit, UnitKind
from mediagov.registry.ledger import (
    HEADERS,
    REQUIRED_HEADERS,
    ledger_export_xlsx,
    ledger_import,
    ledger_rows,
)
from mediagov.registry.models import AccountManager, AccountStatus, ManagerRole, MediaAccount

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "ledger-sample.csv"

BASIC = [
    "帐号名称",
    "平台",
    "帐号ID",
    "主页链接",
    "责任单位",
    "创建时间",
    "是否认证",
    "直接责任人工号",
    "状态",
]
WEIBO = [
    "大连理工大学",
    "微博",
    "",
    "https://weibo.com/u/1234567890",
    "党委宣传部",
    "2010-09-01",
    "是",
    "T001",
    "运营中",
]
BILI = ["大工计算机", "B站", "", "https://space.bilibili.com/12345", "cs", "2020/3/1", "否", "T002", "申请中"]
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def dut(db):
    inst = Institution.objects.create(code="dut", name="大连理工大学")
    xcb = Unit.objects.create(institution=inst, code="xcb", name="党委宣传部")
    cs = Unit.objects.create(institution=inst, code="cs", name="计算机科学与技术学院")
    Unit.objects.create(institution=inst, code="tw", name="校团委", kind=UnitKind.YOUTH)
    Unit.objects.create(institution=inst, parent=xcb, code="xcb-office", name="办公室")
    Unit.objects.create(institution=inst, parent=cs, code="cs-office", name="办公室")
    Person.objects.create(institution=inst, staff_no="T001", name="张三", unit=xcb, phone="0411-1")
    Person.objects.create(institution=inst, staff_no="T002", name="李四", unit=cs, email="lisi@dlut.edu.cn")
    Person.objects.create(institution=inst, staff_no="T003", name="王五", unit=cs)
    Person.objects.create(institution=inst, staff_no="T009", name="赵六", unit=cs, on_roster=False)
    return inst


def csv_bytes(rows, headers=BASIC, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(inst, data, filename="台账.csv", **kwargs):
    return ledger_import(institution=inst, data=data, filename=filename, **kwargs)


def errors_of(inst, data, filename="台账.csv") -> ImportFileError:
    with pytest.raises(ImportFileError) as exc:
        run(inst, data, filename)
    return exc.value


def check_fixture_accounts(inst):
    assert MediaAccount.objects.filter(institution=inst).count() == 3
    wechat = MediaAccount.objects.get(platform="wechat")
    assert wechat.name == "大连理工大学"
    assert wechat.handle == "gh_1a2b3c4d5e6f"
    assert wechat.platform_id.lower() == "gh_1a2b3c4d5e6f"  # stored as typed
    assert wechat.wechat_type == "subscription"
    assert wechat.verified is True
    assert wechat.created_on == date(2013, 5, 20)
    assert wechat.status == AccountStatus.ACTIVE
    assert wechat.alliance_member is True and wechat.alliance_joined_on is not None
    assert wechat.responsible_unit.code == "xcb"
    assert wechat.owner == "党委宣传部" and wechat.owner_kind == UnitKind.COLLEGE
    assert wechat.direct_responsible.staff_no == "T001"
    leader = wechat.managers.get(role=ManagerRole.LEADER)
    assert (leader.name, leader.phone, leader.person) == ("张三", "0411-84708888", None)
    admins = list(wechat.managers.filter(role=ManagerRole.ADMIN))
    assert [(a.name, a.person.staff_no) for a in admins] == [("李四", "T002"), ("王五", "T003")]
    assert admins[0].email == "lisi@dlut.edu.cn"
    weibo = MediaAccount.objects.get(platform="weibo")
    assert weibo.handle == "1234567890"
    assert weibo.url == "https://weibo.com/u/1234567890?refer=index"
    assert weibo.created_on == date(2010, 9, 1)
    assert weibo.verified is True
    bili = MediaAccount.objects.get(platform="bilibili")
    assert bili.handle == "12345"
    assert bili.created_on == date(2020, 3, 1)
    assert bili.status == AccountStatus.PENDING and bili.alliance_member is False
    assert [(m.name, m.person_id) for m in bili.managers.all()] == [("王五", None)]


def test_import_fixture_utf8(dut):
    result = run(dut, (FIXTURES / "ledger-utf8.csv").read_bytes(), "ledger-utf8.csv")
    assert (result.created, result.updated, result.unchanged, result.rows) == (3, 0, 0, 3)
    check_fixture_accounts(dut)


def test_import_fixture_gbk_file(dut):
    data = (FIXTURES / "ledger-gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert run(dut, data, "ledger-gbk.csv").created == 3
    check_fixture_accounts(dut)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_csv_encodings(dut, encoding):
    text = (FIXTURES / "ledger-utf8.csv").read_text(encoding="utf-8")
    assert run(dut, text.encode(encoding)).created == 3
    check_fixture_accounts(dut)


def test_import_xlsx(dut):
    wb = Workbook()
    ws = wb.active
    ws.append(BASIC + ["微信类型", "负责人", "负责人电话", "管理员", "管理员工号"])
    ws.append(
        ["大连理工大学", "微信", "gh_1A2B3C4D5E6F", None, "党委宣传部", datetime(2013, 5, 20), True, "T001",
         "运营中", "订阅号", "张三", "0411-84708888", "李四;王五", "T002;T003"]
    )  # fmt: skip
    ws.append(
        ["大连理工大学", "新浪微博", None, "weibo.com/u/1234567890?refer=index", "xcb", "2010/9/1", "已认证",
         "T001", "运营中", None, None, None, None, None]
    )  # fmt: skip
    ws.append(
        ["大工计算机", "哔哩哔哩", None, "https://space.bilibili.com/12345", "计算机科学与技术学院",
         "2020年3月1日", "否", "T002", "申请中", None, None, None, "王五", None]
    )  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    result = run(dut, out.getvalue(), "台账.xlsx")
    assert result.created == 3
    check_fixture_accounts(dut)


def test_empty_file(dut):
    assert errors_of(dut, b"").lines("台账.csv") == ["台账.csv：文件为空"]


def test_headers_only(dut):
    err = errors_of(dut, csv_bytes([]))
    assert "没有数据行" in err.message
    assert MediaAccount.objects.count() == 0


def test_missing_required_headers(dut):
    headers = [h for h in BASIC if h not in ("平台", "状态")]
    err = errors_of(dut, csv_bytes([["a", "", "", "xcb", "", "", ""]], headers=headers))
    assert err.message == "缺少必需的列：平台、状态"
    assert err.lines("x.csv") == ["x.csv：第1行“平台”：缺少必需的列", "x.csv：第1行“状态”：缺少必需的列"]


def test_bad_rows_reported_all_at_once_and_nothing_written(dut):
    rows = [
        WEIBO,
        ["学院号", "微信号码", "gh_x", "", "党委宣传部", "2020-01-01", "是", "T001", "运营中"],
        ["团委号", "抖音", "dlut_tw", "", "不存在的单位", "2020-01-01", "是", "T001", "运营中"],
        ["计算机", "B站", "99", "", "cs", "2020-01-01", "否", "X404", "运营中"],
        ["宣传号", "快手", "3xk", "", "xcb", "2020-02-30", "否", "T001", "运营中"],
        ["无名", "知乎", "dlut", "", "xcb", "昨天", "也许", "", "运营"],
    ]
    err = errors_of(dut, csv_bytes(rows))
    assert err.errors == [
        (3, "平台", "无法识别的平台“微信号码”"),
        (4, "责任单位", "未找到单位“不存在的单位”"),
        (5, "直接责任人工号", "工号“X404”不在教职工名册中"),
        (6, "创建时间", "日期“2020-02-30”不存在"),
        (7, "创建时间", "无法识别的日期“昨天”，请使用2024-03-01、2024/3/1或2024年3月1日格式"),
        (7, "是否认证", "无法识别的取值“也许”，请填写“是”或“否”"),
        (7, "状态", "无法识别的状态“运营”，应为：申请中、运营中、整改中、关停整改、已注销"),
    ]
    assert "台账.csv：第3行“平台”：无法识别的平台“微信号码”" in err.lines("台账.csv")
    assert "5行" in err.message
    assert MediaAccount.objects.count() == 0
    assert ActionLog.objects.count() == 0


def test_required_values_and_roster_checks(dut):
    rows = [
        ["", "微博", "", "weibo.com/dlut", "", "", "", "T009", ""],
        ["宣传号", "微博", "", "weibo.com/xcb", "办公室", "", "", "", "运营中"],
    ]
    err = errors_of(dut, csv_bytes(rows))
    assert err.errors == [
        (2, "帐号名称", "不能为空"),
        (2, "责任单位", "不能为空"),
        (2, "直接责任人工号", "工号“T009”（赵六）已不在教职工名册中"),
        (2, "状态", "不能为空"),
        (3, "责任单位", "单位名称“办公室”不唯一，请改填单位代码（xcb-office、cs-office）"),
    ]


def test_same_account_twice_in_file_is_an_error(dut):
    twin = ["大工官微", "微博", "", "https://m.weibo.cn/profile/1234567890", "xcb", "", "", "", "运营中"]
    by_id = ["大工官微2", "微博", "1234567890", "", "xcb", "", "", "", "运营中"]
    err = errors_of(dut, csv_bytes([WEIBO, twin, by_id]))
    assert err.errors == [
        (3, "帐号ID", "与第2行是同一帐号（帐号ID/主页链接重复）"),
        (4, "帐号ID", "与第2行是同一帐号（帐号ID/主页链接重复）"),
    ]


def test_url_of_another_platform(dut):
    row = ["大工官微", "微博", "", "https://space.bilibili.com/12345", "xcb", "", "", "", "运营中"]
    err = errors_of(dut, csv_bytes([row]))
    assert err.errors == [(2, "主页链接", "链接属于“B站”，与平台“微博”不符")]


def test_homepage_that_is_not_a_url(dut):
    row = ["大工官微", "微博", "", "大连理工 主页", "xcb", "", "", "", "运营中"]
    err = errors_of(dut, csv_bytes([row]))
    assert err.errors == [(2, "主页链接", "链接格式不正确：“大连理工 主页”")]


def test_article_link_tolerated_beside_an_id(dut):
    row = ["大工", "公众号", "gh_abc", "https://mp.weixin.qq.com/s/AbCd", "xcb", "", "", "", "运营中"]
    run(dut, csv_bytes([row]))
    assert MediaAccount.objects.get().handle == "gh_abc"
    row[2] = ""
    row[0] = "另一个"
    err = errors_of(dut, csv_bytes([row]))
    assert err.errors[0][:2] == (2, "主页链接")


def test_wrong_platform_only_fields(dut):
    row = WEIBO + ["订阅号", "服务型"]
    err = errors_of(dut, csv_bytes([row], headers=BASIC + ["微信类型", "移动客户端类型"]))
    assert err.errors == [
        (2, "微信类型", "仅“微信公众号”可填写微信类型"),
        (2, "移动客户端类型", "仅“移动客户端（APP）”可填写移动客户端类型"),
    ]


def test_admin_checks(dut):
    headers = BASIC + ["管理员", "管理员工号"]
    rows = [
        WEIBO + ["李四、王五", "T002"],
        BILI + ["张三", "T002"],
    ]
    err = errors_of(dut, csv_bytes(rows, headers=headers))
    assert err.errors == [
        (2, "管理员工号", "管理员有2人，但工号有1个，请一一对应"),
        (3, "管理员", "管理员“张三”与工号“T002”（李四）不符"),
    ]


def test_existing_account_is_updated_not_duplicated(dut):
    run(dut, csv_bytes([WEIBO, BILI]))
    account = MediaAccount.objects.get(platform="weibo")
    changed = list(WEIBO)
    changed[3] = "https://m.weibo.cn/u/1234567890"  # another URL form of the same account
    changed[8] = "整改中"
    result = run(dut, csv_bytes([changed, BILI]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert MediaAccount.objects.count() == 2
    account.refresh_from_db()
    assert account.status == AccountStatus.RECTIFYING
    assert account.url == "https://m.weibo.cn/u/1234567890"


def test_match_by_platform_id_when_the_url_is_new(dut):
    run(dut, csv_bytes([["大工官微", "微信", "gh_abc", "", "xcb", "", "", "", "运营中"]]))
    biz = "https://mp.weixin.qq.com/s?__biz=MzA3NjA2NzQ2Mw==&mid=1"
    result = run(dut, csv_bytes([["大工官微", "微信", "gh_ABC", biz, "xcb", "", "", "", "运营中"]]))
    assert (result.created, result.updated) == (0, 1)
    assert MediaAccount.objects.get().handle == "gh_abc"


def test_account_without_handle_matches_by_name(dut):
    row = ["大工APP", "APP", "", "", "xcb", "", "", "", "申请中"]
    run(dut, csv_bytes([row]))
    result = run(dut, csv_bytes([row[:2] + ["cn.edu.dlut.app"] + row[3:]]))
    assert (result.created, result.updated) == (0, 1)
    assert MediaAccount.objects.get().handle == "cn.edu.dlut.app"


def test_optional_columns_and_header_variants(dut):
    headers = [
        "序号",
        "账号名称",
        "平台",
        "账号id",
        "主页链接",
        "责任单位",
        "创建时间",
        "是否认证",
        "直接责任人工号",
    ]
    headers += ["状态", "创建主体", "主体类别", "主体账户", "移动客户端类型", "在线支付", "在线支付批准部门"]
    headers += ["数据对接", "数据对接审批", "涉外", "维护方式", "第一责任人工号", "功能定位", "备注"]
    row = [
        "1",
        "大工",
        "移动客户端",
        "cn.edu.dlut",
        "",
        "tw",
        "",
        "",
        "",
        "运营中",
        "",
        "",
        "否",
        "服务型",
        "是",
    ]
    row += ["财务处", "是", "同意", "Y", "外包", "T002", "校园服务", "无"]
    result = run(dut, csv_bytes([row], headers=headers))
    assert result.ignored_headers == ["序号", "备注"]
    app = MediaAccount.objects.get()
    assert (app.name, app.platform, app.platform_id, app.handle) == (
        "大工",
        "app",
        "cn.edu.dlut",
        "cn.edu.dlut",
    )
    assert (app.owner, app.owner_kind) == ("校团委", UnitKind.YOUTH)
    assert app.is_main is False and app.app_category == "service"
    assert app.online_payment and app.payment_approved_by == "财务处"
    assert app.data_integration and app.data_integration_approval == "同意"
    assert app.foreign_related and app.maintenance == "外包"
    assert app.first_responsible.staff_no == "T002" and app.direct_responsible is None
    assert app.positioning_function == "校园服务"


def test_formula_is_stored_as_text_and_exported_neutralised(dut):
    row = [FORMULA, "微博", "", "weibo.com/u/42", "xcb", "", "", "", "运营中"]
    run(dut, csv_bytes([row]))
    assert MediaAccount.objects.get().name == FORMULA
    data = ledger_export_xlsx(MediaAccount.objects.all())
    ws = load_workbook(io.BytesIO(data)).active
    cell = ws.cell(row=2, column=1)
    assert cell.value == "'" + FORMULA
    assert cell.data_type == "s"
    # and the export re-imports to the very same name
    result = run(dut, data, "export.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert MediaAccount.objects.get().name == FORMULA


def test_formula_cell_in_xlsx_is_imported_as_text(dut):
    wb = Workbook()
    ws = wb.active
    ws.append(BASIC)
    ws.append([FORMULA, "微博", "", "weibo.com/u/42", "xcb", "", "", "", "运营中"])
    out = io.BytesIO()
    wb.save(out)
    run(dut, out.getvalue(), "a.xlsx")
    assert MediaAccount.objects.get().name == FORMULA


def test_export_round_trip_is_idempotent(dut):
    run(dut, (FIXTURES / "ledger-utf8.csv").read_bytes())
    office = Unit.objects.get(code="cs-office")
    run(dut, csv_bytes([["学院办公室", "抖音", "dlut_cs", "", "cs-office", "", "", "", "整改中"]]))
    before = {a.pk: (a.name, a.handle, a.status, a.url, a.created_on) for a in MediaAccount.objects.all()}
    managers_before = AccountManager.objects.count()
    data = ledger_export_xlsx(MediaAccount.objects.all())

    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 28
    assert ws[1][0].font.bold
    exported = {row[0].value + row[1].value: row for row in ws.iter_rows(min_row=2)}
    assert exported["学院办公室抖音"][4].value == office.code  # "办公室" is ambiguous: exported as code

    result = run(dut, data, "export.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert {
        a.pk: (a.name, a.handle, a.status, a.url, a.created_on) for a in MediaAccount.objects.all()
    } == before
    assert AccountManager.objects.count() == managers_before


def test_ledger_rows(dut):
    run(dut, csv_bytes([WEIBO]))
    rows = list(ledger_rows(MediaAccount.objects.all()))
    assert rows[0] == HEADERS
    values = dict(zip(HEADERS, rows[1], strict=True))
    assert values["平台"] == "微博"
    assert values["责任单位"] == "党委宣传部"
    assert values["创建时间"] == date(2010, 9, 1)
    assert values["是否认证"] == "是"
    assert values["状态"] == "运营中"
    assert values["主体类别"] == "学院/职能部门"


def test_header_contract():
    assert REQUIRED_HEADERS == BASIC
    assert HEADERS[len(BASIC) :] == [
        "创建主体", "主体类别", "微信类型", "功能定位", "内容定位", "受众定位", "第一责任人工号", "主体账户",
        "移动客户端类型", "在线支付", "在线支付批准部门", "数据对接", "数据对接审批", "涉外", "维护方式",
        "负责人", "负责人电话", "负责人邮箱", "管理员", "管理员工号",
    ]  # fmt: skip


def test_dry_run_writes_nothing(dut):
    result = run(dut, csv_bytes([WEIBO, BILI]), dry_run=True)
    assert (result.created, result.updated, result.dry_run) == (2, 0, True)
    assert MediaAccount.objects.count() == 0
    assert ActionLog.objects.count() == 0


def test_audit_log(dut, django_user_model):
    user = django_user_model.objects.create_user("xcb")
    run(dut, csv_bytes([WEIBO, BILI]), "a.csv", user=user)
    summary = ActionLog.objects.for_object(dut).get()
    assert summary.action == "account.imported"
    assert summary.user == user and summary.institution == dut
    assert summary.data == {"file": "a.csv", "created": 2, "updated": 0}
    for account in MediaAccount.objects.all():
        log = ActionLog.objects.for_object(account).get()
        assert log.action == "account.imported" and log.data["file"] == "a.csv" and log.data["created"]


def test_too_large_file_rejected(dut, settings):
    settings.MEDIAGOV_MAX_UPLOAD_BYTES = 100
    err = errors_of(dut, csv_bytes([WEIBO, BILI]))
    assert err.message.startswith("文件过大")
    assert MediaAccount.objects.count() == 0


def test_sample_ledger_in_docs_imports(dut):
    Person.objects.create(institution=dut, staff_no="T004", name="钱七")
    result = run(dut, SAMPLE.read_bytes(), SAMPLE.name)
    assert result.created >= 3 and result.updated == 0


# --- the command ----------------------------------------------------------------------------------------


def test_command_import_accounts(dut, tmp_path, capsys):
    path = tmp_path / "台账.csv"
    path.write_bytes((FIXTURES / "ledger-gbk.csv").read_bytes())
    call_command("import_data", "accounts", str(path), "--institution", "dut")
    assert "新增 3 条，更新 0 条" in capsys.readouterr().out
    call_command("import_data", "accounts", str(path), "--institution", "dut")
    out = capsys.readouterr().out
    assert "新增 0 条，更新 0 条" in out and "未变化 3 条" in out
    assert MediaAccount.objects.count() == 3


def test_command_dry_run(dut, tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([WEIBO]))
    call_command("import_data", "accounts", str(path), "--institution", "dut", "--dry-run")
    assert "新增 1 条" in capsys.readouterr().out
    assert MediaAccount.objects.count() == 0


def test_command_reports_every_error_and_exits_1(dut, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    bad = ["学院号", "微信号码", "gh_x", "", "不存在", "2020-01-01", "是", "T001", "运营中"]
    path.write_bytes(csv_bytes([WEIBO, bad]))
    with pytest.raises(SystemExit) as exc:
        call_command("import_data", "accounts", str(path), "--institution", "dut")
    assert exc.value.code == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "bad.csv：第3行“平台”：无法识别的平台“微信号码”",
        "bad.csv：第3行“责任单位”：未找到单位“不存在”",
    ]
    assert MediaAccount.objects.count() == 0


def test_command_unknown_institution(dut, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([WEIBO]))
    with pytest.raises(CommandError, match="未找到代码为“nope”的学校"):
        call_command("import_data", "accounts", str(path), "--institution", "nope")


SETUP = """
from mediagov.org.models import Institution, Person, Unit
inst = Institution.objects.create(code="dut", name="大连理工大学")
xcb = Unit.objects.create(institution=inst, code="xcb", name="党委宣传部")
cs = Unit.objects.create(institution=inst, code="cs", name="计算机科学与技术学院")
for no, name in [("T001", "张三"), ("T002", "李四"), ("T003", "王五")]:
    Person.objects.create(institution=inst, staff_no=no, name=name, unit=xcb)
"""


def test_console_script_import_accounts(tmp_path):
    mediagov = Path(sys.executable).with_name("mediagov")
    if not mediagov.exists():
        pytest.skip("the mediagov console script is not installed")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        MEDIAGOV_VAR_DIR=str(tmp_path / "var"),
        PYTHONIOENCODING="utf-8",
    )

    def mediagov_run(*args):
        return subprocess.run(
            [str(mediagov), *args], env=env, capture_output=True, text=True, encoding="utf-8", timeout=300
        )

    for args in (["migrate", "--noinput"], ["shell", "-c", SETUP]):
        step = mediagov_run(*args)
        assert step.returncode == 0, step.stderr
    ledger = FIXTURES / "ledger-gbk.csv"
    done = mediagov_run("import", "accounts", str(ledger), "--institution", "dut")
    assert done.returncode == 0, done.stderr
    assert "新增 3 条，更新 0 条" in done.stdout
    again = mediagov_run("import", "accounts", str(ledger), "--institution", "dut")
    assert "新增 0 条，更新 0 条" in again.stdout

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["学院号", "微信号码", "gh_x", "", "xcb", "", "", "", "运营中"]]))
    failed = mediagov_run("import", "accounts", str(bad), "--institution", "dut")
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == ["bad.csv：第2行“平台”：无法识别的平台“微信号码”"]
