"""The filing form (备案审批表) as .docx: the YUFE annex-1 layout, the DUT layout, and `mediagov export`."""

import sys
import types
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from mediagov.org.models import Institution, Person, Unit, UnitKind
from mediagov.policy.pack import shipped_pack_path
from mediagov.registry.documents import filing_form_docx, filing_form_filename, filing_number
from mediagov.registry.models import (
    AccountManager,
    AccountStatus,
    AppCategory,
    ApprovalStep,
    Filing,
    FilingKind,
    FilingState,
    ManagerRole,
    MediaAccount,
    StepDecision,
    WechatType,
)
from mediagov.registry.platforms import Platform

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

YUFE_LABELS = [
    "云南财经大学新媒体帐号备案审批表",
    "帐号名称",
    "单位主要负责人",
    "创建主体",
    "职务",
    "责任单位",
    "联系电话",
    "媒体类型",
    "创建时间",
    "是否认证",
    "微信公众号原始ID",
    "媒体定位",
    "管理队伍",
    "负责人",
    "联系电话/邮箱",
    "管理员",
    "单位意见",
    "已知我单位开设此新媒体帐号，并明确对此帐号及发布内容负有管理责任。",
    "单位负责人签字：",
    "（加盖单位公章）",
    "党委宣传部意见",
    "负责人签字：",
    "注：",
    "1.此纸质备案表一式两份，党委宣传部、申办单位各留备案。",
    "2.帐号名、管理队伍人员或维护方式发生变更，应以书面形式及时报党委宣传部备案。",
    "3.媒体定位主要指媒体的功能定位、内容定位和受众定位。",
]


# ---------------------------------------------------------------- fixtures
def make_institution(code: str, name: str) -> Institution:
    data = yaml.safe_load(shipped_pack_path(code).read_text())
    data["regulation"]["published"] = str(data["regulation"]["published"])
    return Institution.objects.create(code=code, name=name, pack=data)


def make_user(username: str, full_name: str = ""):
    return get_user_model().objects.create_user(username=username, first_name=full_name)


def make_filing(account, *, kind=FilingKind.NEW, state=FilingState.SUBMITTED, round=1, **fields) -> Filing:
    return Filing.objects.create(
        institution=account.institution, account=account, kind=kind, state=state, round=round, **fields
    )


def add_step(
    filing,
    order,
    role,
    label,
    article,
    *,
    round=1,
    decision=StepDecision.PENDING,
    opinion="",
    by=None,
    at=None,
):
    return ApprovalStep.objects.create(
        filing=filing,
        round=round,
        order=order,
        role=role,
        label=label,
        article=article,
        decision=decision,
        opinion=opinion,
        signed_by=by,
        signed_at=at,
    )


@pytest.fixture
def yufe():
    return make_institution("yufe", "云南财经大学")


@pytest.fixture
def dut():
    return make_institution("dut", "大连理工大学")


@pytest.fixture
def yufe_account(yufe):
    head = Person.objects.create(
        institution=yufe, staff_no="Y0001", name="王明远", title="院长", phone="0871-65023456"
    )
    unit = Unit.objects.create(institution=yufe, code="kjxy", name="会计学院", first_responsible=head)
    account = MediaAccount.objects.create(
        institution=yufe,
        name="云财会计学院",
        owner="会计学院",
        responsible_unit=unit,
        platform=Platform.WECHAT,
        wechat_type=WechatType.SUBSCRIPTION,
        platform_id="gh_3f2a9c81d4e7",
        created_on=date(2026, 11, 10),
        verified=True,
        positioning_function="学院新闻发布与服务",
        positioning_content="学院动态、通知公告",
        positioning_audience="本院师生及校友",
    )
    AccountManager.objects.create(
        account=account,
        role=ManagerRole.LEADER,
        name="赵丽华",
        phone="13800000001",
        email="zhao@ynufe.edu.cn",
    )
    for i, name in enumerate(["钱一鸣", "孙二娜", "李三强", "周四海"], start=2):
        AccountManager.objects.create(
            account=account, role=ManagerRole.ADMIN, name=name, phone=f"1380000000{i}"
        )
    return account


@pytest.fixture
def yufe_filing(yufe_account):
    """Round 2 of a new filing: the unit head has signed, the propaganda dept has not decided yet."""
    filing = make_filing(yufe_account, round=2)
    head = make_user("wangmy", "王明远")
    add_step(
        filing,
        1,
        "unit_head",
        "单位意见（单位主要负责人签字并加盖公章）",
        "第七条",
        round=1,
        decision=StepDecision.RETURNED,
        opinion="第一轮退回的旧意见",
        by=head,
        at=datetime(2026, 11, 12, 9, 0, tzinfo=SHANGHAI),
    )
    add_step(
        filing,
        1,
        "unit_head",
        "单位意见（单位主要负责人签字并加盖公章）",
        "第七条",
        round=2,
        decision=StepDecision.APPROVED,
        opinion="同意开设，由学院办公室专人负责运营。",
        by=head,
        at=datetime(2026, 11, 20, 10, 30, tzinfo=SHANGHAI),
    )
    add_step(filing, 2, "propaganda", "党委宣传部意见", "第六条", round=2)
    return filing


@pytest.fixture
def dut_unit(dut):
    secretary = Person.objects.create(
        institution=dut, staff_no="D1001", name="陈志刚", title="党委书记", phone="0411-84708888"
    )
    return Unit.objects.create(
        institution=dut, code="jsj", name="计算机科学与技术学院", first_responsible=secretary
    )


@pytest.fixture
def dut_account(dut, dut_unit):
    direct = Person.objects.create(
        institution=dut, staff_no="D2002", name="刘晓燕", title="宣传干事", phone="13900000002"
    )
    account = MediaAccount.objects.create(
        institution=dut,
        name="大工计算机",
        owner="计算机科学与技术学院",
        owner_kind=UnitKind.COLLEGE,
        responsible_unit=dut_unit,
        platform=Platform.APP,
        platform_id="cn.dlut.cs",
        planned_open_on=date(2026, 12, 1),
        app_category=AppCategory.SERVICE,
        data_integration=True,
        data_integration_approval="网信审〔2026〕7号",
        positioning_function="学院服务大厅",
        positioning_content="办事指南",
        positioning_audience="本院学生",
        direct_responsible=direct,
    )
    AccountManager.objects.create(account=account, role=ManagerRole.ADMIN, name="韩冰", phone="13900000003")
    return account


# ---------------------------------------------------------------- reading the docx back
def open_docx(content: bytes):
    return Document(BytesIO(content))


def all_tables(doc):
    return list(doc.tables)


def row_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def full_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def row_starting(table, label: str):
    """The first row whose first cell reads `label`."""
    return next(row for row in table.rows if row.cells[0].text == label)


def all_runs(doc):
    for p in doc.paragraphs:
        yield from p.runs
    for table in doc.tables:
        seen = set()
        for row in table.rows:
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                for p in cell.paragraphs:
                    yield from p.runs
    for section in doc.sections:
        for p in section.footer.paragraphs:
            yield from p.runs


def footer_text(doc) -> str:
    return "\n".join(p.text for p in doc.sections[0].footer.paragraphs)


# ---------------------------------------------------------------- YUFE annex 1
def test_yufe_form_has_every_annex_label(yufe_filing):
    text = full_text(open_docx(filing_form_docx(yufe_filing)))
    missing = [label for label in YUFE_LABELS if label not in text]
    assert missing == []


def test_yufe_form_fills_in_the_account(yufe_filing):
    doc = open_docx(filing_form_docx(yufe_filing))
    (table,) = doc.tables
    assert row_starting(table, "帐号名称").cells[1].text == "云财会计学院"
    assert [c.text for c in row_starting(table, "帐号名称").cells[3:]] == [
        "单位主要负责人",
        "王明远",
        "王明远",
    ]
    assert row_starting(table, "创建主体").cells[4].text == "院长"
    assert row_starting(table, "责任单位").cells[4].text == "0871-65023456"
    created = [c.text for c in row_starting(table, "创建时间").cells]
    assert created == ["创建时间", "2026年11月10日", "是否认证", "是", "微信公众号原始ID", "gh_3f2a9c81d4e7"]
    positioning = row_starting(table, "媒体定位").cells[1].text
    assert "功能定位：学院新闻发布与服务" in positioning and "受众定位：本院师生及校友" in positioning


def test_yufe_media_type_ticks_the_right_boxes(yufe_filing):
    (table,) = open_docx(filing_form_docx(yufe_filing)).tables
    row = row_starting(table, "媒体类型")
    assert row.cells[1]._tc is row.cells[5]._tc  # one cell across the form, as on paper
    boxes = row.cells[1].text
    for ticked in ["☑微信", "☑订阅号"]:
        assert ticked in boxes
    for blank in ["□微博", "□服务号", "□企业号", "□APP", "□其他类型"]:
        assert blank in boxes
    assert boxes.count("☑") == 2


def test_yufe_media_type_other_platform(yufe_account, yufe_filing):
    MediaAccount.objects.filter(pk=yufe_account.pk).update(platform=Platform.DOUYIN, wechat_type="")
    yufe_filing.account.refresh_from_db()
    (table,) = open_docx(filing_form_docx(yufe_filing)).tables
    boxes = row_starting(table, "媒体类型").cells[1].text
    assert "☑其他类型（抖音）" in boxes and "□微信" in boxes and boxes.count("☑") == 1
    assert row_starting(table, "创建时间").cells[5].text == "帐号ID：gh_3f2a9c81d4e7"


def test_yufe_management_team_lists_every_administrator(yufe_filing):
    (table,) = open_docx(filing_form_docx(yufe_filing)).tables
    rows = row_texts(table)
    leader = next(r for r in rows if r[1] == "负责人")
    assert leader[0] == "管理队伍"
    assert leader[2] == "赵丽华" and leader[4] == "13800000001 / zhao@ynufe.edu.cn"
    admins = [r for r in rows if r[1] == "管理员"]
    assert [(r[2], r[3]) for r in admins] == [
        ("钱一鸣", "13800000002"),
        ("孙二娜", "13800000003"),
        ("李三强", "13800000004"),
        ("周四海", "13800000005"),
    ]
    assert all(r[0] == "管理队伍" for r in admins)  # the label cell spans the whole team


def test_yufe_management_team_keeps_three_administrator_rows(yufe_account, yufe_filing):
    yufe_account.managers.filter(role=ManagerRole.ADMIN).exclude(name="钱一鸣").delete()
    (table,) = open_docx(filing_form_docx(yufe_filing)).tables
    admins = [r for r in row_texts(table) if r[1] == "管理员"]
    assert [r[2] for r in admins] == ["钱一鸣", "", ""]


def test_yufe_unit_opinion_is_the_current_rounds_signed_opinion(yufe_filing):
    (table,) = open_docx(filing_form_docx(yufe_filing)).tables
    unit = row_starting(table, "单位意见").cells[1].text
    lines = unit.split("\n")
    assert lines[0] == "已知我单位开设此新媒体帐号，并明确对此帐号及发布内容负有管理责任。"
    assert "审批结论：同意" in lines
    assert "同意开设，由学院办公室专人负责运营。" in lines
    assert "单位负责人签字：王明远" in lines
    assert "（加盖单位公章）" in lines
    assert lines[-1] == "2026年11月20日"
    assert "第一轮退回的旧意见" not in full_text(open_docx(filing_form_docx(yufe_filing)))


def test_yufe_undecided_box_stays_blank_for_a_wet_signature(yufe_filing):
    (table,) = open_docx(filing_form_docx(yufe_filing)).tables
    lines = [line.strip() for line in row_starting(table, "党委宣传部意见").cells[1].text.split("\n")]
    assert "负责人签字：" in lines
    assert lines[-1] == "年     月     日"
    assert not any("审批结论" in line or "王明远" in line for line in lines)


def test_yufe_draft_prints_the_blank_chain_from_the_pack(yufe_account):
    filing = make_filing(yufe_account, state=FilingState.DRAFT, round=0)
    (table,) = open_docx(filing_form_docx(filing)).tables
    assert row_starting(table, "单位意见").cells[1].text.split("\n")[-1] == "年     月     日"
    assert row_starting(table, "党委宣传部意见")


def test_yufe_footer_cites_number_and_articles(yufe_filing):
    doc = open_docx(filing_form_docx(yufe_filing))
    year = yufe_filing.created.astimezone(SHANGHAI).year
    text = footer_text(doc)
    assert f"备案编号：YUFE-{year}-{yufe_filing.pk:05d}" in text
    assert "依据：《云南财经大学新媒体建设与管理办法（修订）》第六条、第七条" in text


def test_page_table_and_fonts(yufe_filing):
    doc = open_docx(filing_form_docx(yufe_filing))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert section.left_margin >= Mm(20)
    assert doc.tables[0].style.name == "Table Grid"
    title = doc.paragraphs[0]
    assert title.text == "云南财经大学新媒体帐号备案审批表"
    assert title.alignment == 1  # centred
    assert title.runs[0].bold
    runs = list(all_runs(doc))
    assert len(runs) > 50
    without = [
        r.text for r in runs if r._element.rPr is None or not r._element.rPr.rFonts.get(qn("w:eastAsia"))
    ]
    assert without == []
    assert {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs} <= {"宋体", "黑体"}


# ---------------------------------------------------------------- DUT
@pytest.fixture
def dut_filing(dut_account):
    """An app's new filing: 二级党组织 approved, 网络与信息化中心 approved, 宣传部 pending."""
    filing = make_filing(dut_account, submitted_at=datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI))
    chain = dut_account.institution.policy.chain_for(dut_account)
    assert [s.role for s in chain] == ["unit_party", "it_center", "propaganda"]
    party, it = make_user("party", "陈志刚"), make_user("itc")
    decided = [
        ("同意该学院开发服务型客户端。", party, datetime(2026, 11, 18, 15, 0, tzinfo=SHANGHAI)),
        ("已纳入“i大工”校级平台整合，数据对接已审批。", it, datetime(2026, 11, 19, 11, 0, tzinfo=SHANGHAI)),
    ]
    for order, spec in enumerate(chain, start=1):
        opinion, by, at = decided[order - 1] if order <= len(decided) else ("", None, None)
        add_step(
            filing,
            order,
            spec.role,
            spec.label,
            spec.article,
            opinion=opinion,
            by=by,
            at=at,
            decision=StepDecision.APPROVED if by else StepDecision.PENDING,
        )
    return filing


def test_dut_form_shows_one_box_per_chain_step(dut_filing):
    doc = open_docx(filing_form_docx(dut_filing))
    (table,) = doc.tables
    party = row_starting(table, "所在二级党组织意见").cells[1].text.split("\n")
    assert (
        "同意该学院开发服务型客户端。" in party
        and "负责人签字：陈志刚" in party
        and party[-1] == "2026年11月18日"
    )
    it = row_starting(table, "网络与信息化中心意见（移动应用校级平台整合）").cells[1].text.split("\n")
    assert "已纳入“i大工”校级平台整合，数据对接已审批。" in it
    assert "负责人签字：itc" in it  # no full name: the username
    propaganda = row_starting(table, "党委宣传部、新闻中心意见").cells[1].text.split("\n")
    assert propaganda[-1] == "年     月     日" and "审批结论" not in "".join(propaganda)
    boxes = [row.cells[0].text for row in table.rows if row.cells[1].text.endswith("日")]
    assert boxes == [step.label for step in dut_filing.current_steps()]


def test_dut_form_holds_the_dut_facts(dut_filing):
    doc = open_docx(filing_form_docx(dut_filing))
    text = full_text(doc)
    assert doc.paragraphs[0].text == "大连理工大学新媒体平台建设备案及审批表"
    kind_line = doc.paragraphs[1].text
    assert "☑新建备案" in kind_line and "□补交备案" in kind_line and "□变更备案" in kind_line
    assert "□注销备案" in kind_line and "填表日期：2026年11月16日" in kind_line
    for label in [
        "创建主体",
        "主体类别",
        "责任单位",
        "平台/媒体类型",
        "帐号名称",
        "帐号ID",
        "创建时间",
        "拟开通日期",
        "是否认证",
        "主体账户",
        "移动客户端类型",
        "在线支付",
        "数据对接审批",
        "涉外信息",
        "媒体定位",
        "功能定位",
        "内容定位",
        "受众定位",
        "第一责任人",
        "直接责任人",
        "工号",
        "管理队伍",
    ]:
        assert label in text, label
    (table,) = doc.tables
    assert row_starting(table, "帐号ID").cells[1].text == "cn.dlut.cs"
    assert row_starting(table, "创建主体").cells[4].text == "学院/职能部门"
    assert row_starting(table, "平台/媒体类型").cells[4].text == "大工计算机"
    assert row_starting(table, "创建时间").cells[4].text == "2026年12月1日"
    assert "☑服务型" in row_starting(table, "移动客户端类型").cells[1].text
    assert "□教育型" in row_starting(table, "移动客户端类型").cells[1].text
    payment = [c.text for c in row_starting(table, "在线支付").cells]
    assert payment[1] == "□是 ☑否" and payment[3] == "数据对接审批"
    assert payment[4] == "☑是 □否（网络与信息化中心审批：网信审〔2026〕7号）"
    direct = [c.text for c in row_starting(table, "直接责任人").cells]
    assert direct == ["直接责任人", "刘晓燕", "工号", "D2002", "联系电话", "13900000002"]
    first = [c.text for c in row_starting(table, "第一责任人").cells]
    assert first[1] == "陈志刚" and first[3] == "党委书记"
    assert any(r[2] == "韩冰" and r[4] == "13900000003" for r in row_texts(table))
    assert "原内容" not in text  # not a change filing


def test_dut_footer_cites_article_eight(dut_unit):
    account = MediaAccount.objects.create(
        institution=dut_unit.institution,
        name="计算机学院",
        owner="计算机学院",
        responsible_unit=dut_unit,
        platform=Platform.WEIBO,
    )
    filing = make_filing(account, state=FilingState.DRAFT, round=0)
    doc = open_docx(filing_form_docx(filing))
    year = filing.created.astimezone(SHANGHAI).year
    assert f"备案编号：DUT-{year}-{filing.pk:05d}" in footer_text(doc)
    assert footer_text(doc).endswith("依据：《大连理工大学新媒体管理办法》第八条")
    # A draft has no steps yet: the pack's chain gives the blank boxes.
    labels = [row.cells[0].text for row in doc.tables[0].rows]
    assert "所在二级党组织意见" in labels and "党委宣传部、新闻中心意见" in labels


def test_dut_app_footer_orders_articles(dut_filing):
    assert footer_text(open_docx(filing_form_docx(dut_filing))).endswith(
        "依据：《大连理工大学新媒体管理办法》第四条（二）、第八条"
    )


def test_dut_change_filing_shows_the_diff_table(dut_account):
    filing = make_filing(
        dut_account,
        kind=FilingKind.CHANGE,
        state=FilingState.DRAFT,
        round=0,
        reason="学院更名，帐号随之更名。",
        proposed={"name": "大工计算机与AI"},
        diff=[
            {"field": "name", "label": "帐号名称", "old": "大工计算机", "new": "大工计算机与AI"},
            {
                "field": "managers",
                "label": "管理队伍",
                "old": "管理员韩冰 13900000003",
                "new": "管理员王五 139",
            },
        ],
    )
    doc = open_docx(filing_form_docx(filing))
    assert "☑变更备案" in doc.paragraphs[1].text and "□新建备案" in doc.paragraphs[1].text
    rows = row_texts(doc.tables[0])
    header = next(r for r in rows if r[0] == "变更事项")
    assert header == ["变更事项", "变更事项", "原内容", "原内容", "变更后", "变更后"]
    changed = rows[rows.index(header) + 1 : rows.index(header) + 3]
    assert [(r[0], r[2], r[4]) for r in changed] == [
        ("帐号名称", "大工计算机", "大工计算机与AI"),
        ("管理队伍", "管理员韩冰 13900000003", "管理员王五 139"),
    ]
    assert row_starting(doc.tables[0], "变更原因").cells[1].text == "学院更名，帐号随之更名。"
    # The form shows the account as the change would leave it.
    assert row_starting(doc.tables[0], "平台/媒体类型").cells[4].text == "大工计算机与AI"
    assert footer_text(doc).endswith("第八条、第十一条")


def test_yufe_change_filing_shows_the_diff_table(yufe_account):
    filing = make_filing(
        yufe_account,
        kind=FilingKind.CHANGE,
        diff=[{"field": "platform_id", "label": "原始ID/帐号ID", "old": "gh_old", "new": "gh_new"}],
    )
    doc = open_docx(filing_form_docx(filing))
    assert "（变更备案）" in [p.text for p in doc.paragraphs]
    assert len(doc.tables) == 2
    assert row_texts(doc.tables[1]) == [
        ["变更事项", "原内容", "变更后"],
        ["原始ID/帐号ID", "gh_old", "gh_new"],
    ]


def test_unknown_layout_is_refused(yufe_filing):
    from mediagov.core.errors import DomainError

    pack = dict(yufe_filing.institution.pack, forms={"filing": "nope"})
    Institution.objects.filter(pk=yufe_filing.institution_id).update(pack=pack)
    filing = Filing.objects.select_related("institution").get(pk=yufe_filing.pk)
    with pytest.raises(DomainError, match="未知的备案审批表版式"):
        filing_form_docx(filing)


# ---------------------------------------------------------------- file names
def test_filename_is_sanitised(yufe_account, yufe_filing):
    MediaAccount.objects.filter(pk=yufe_account.pk).update(name='会计/学院:新 媒体*"?')
    yufe_filing.account.refresh_from_db()
    name = filing_form_filename(yufe_filing)
    assert name == f"备案审批表-会计_学院_新_媒体-{filing_number(yufe_filing)}.docx"
    assert not set('/\\:*?"<>| ') & set(name)


# ---------------------------------------------------------------- mediagov export filing-form
def test_command_writes_the_form(yufe_filing, tmp_path, capsys):
    out = tmp_path / "form.docx"
    call_command("export_data", "filing-form", str(yufe_filing.pk), "-o", str(out))
    assert capsys.readouterr().out.strip() == str(out.resolve())
    assert "云财会计学院" in full_text(Document(str(out)))


def test_command_default_name_in_current_directory(yufe_filing, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_data", "filing-form", str(yufe_filing.pk))
    written = tmp_path / filing_form_filename(yufe_filing)
    assert written.exists()
    assert Document(str(written)).paragraphs[0].text == "云南财经大学新媒体帐号备案审批表"


def test_cli_maps_export_to_the_command(dut_filing, tmp_path, capsys):
    from mediagov.cli import main

    main(["mediagov", "export", "filing-form", str(dut_filing.pk), "-o", str(tmp_path)])
    written = tmp_path / filing_form_filename(dut_filing)
    assert capsys.readouterr().out.strip() == str(written.resolve())
    assert Document(str(written)).paragraphs[0].text == "大连理工大学新媒体平台建设备案及审批表"


@pytest.mark.parametrize("bad_id", ["999999", "abc"])
def test_command_unknown_filing(yufe_filing, bad_id):
    with pytest.raises(CommandError, match=f"备案 {bad_id} 不存在"):
        call_command("export_data", "filing-form", bad_id)


# ---------------------------------------------------------------- mediagov export ledger
@pytest.fixture
def fake_ledger(monkeypatch):
    """Stands in for `ledger.ledger_export_xlsx`, recording the accounts the command passes it."""
    seen = {}

    def ledger_export_xlsx(queryset):
        seen["names"] = sorted(queryset.values_list("name", flat=True))
        return b"PK-fake-xlsx"

    module = types.ModuleType("mediagov.registry.ledger")
    module.ledger_export_xlsx = ledger_export_xlsx
    monkeypatch.setitem(sys.modules, "mediagov.registry.ledger", module)
    return seen


def test_ledger_filters_and_writes(yufe_account, dut_account, fake_ledger, tmp_path, capsys):
    unit = yufe_account.responsible_unit
    sub = Unit.objects.create(institution=unit.institution, parent=unit, code="kjxy-tw", name="会计学院团委")
    MediaAccount.objects.create(
        institution=unit.institution,
        name="会计团委微博",
        owner="会计学院团委",
        responsible_unit=sub,
        platform=Platform.WEIBO,
        status=AccountStatus.ACTIVE,
    )
    other = Unit.objects.create(institution=unit.institution, code="jrxy", name="金融学院")
    MediaAccount.objects.create(
        institution=unit.institution,
        name="金融学院",
        owner="金融学院",
        responsible_unit=other,
        platform=Platform.WEIBO,
        status=AccountStatus.ACTIVE,
    )

    out = tmp_path / "ledger.xlsx"
    call_command("export_data", "ledger", "--institution", "yufe", "-o", str(out))
    assert fake_ledger["names"] == ["云财会计学院", "会计团委微博", "金融学院"]
    assert out.read_bytes() == b"PK-fake-xlsx"
    assert capsys.readouterr().out.strip() == str(out.resolve())

    call_command("export_data", "ledger", "--institution", "yufe", "--unit", "kjxy", "-o", str(out))
    assert fake_ledger["names"] == ["云财会计学院", "会计团委微博"]
    call_command("export_data", "ledger", "--institution", "yufe", "--status", "active", "-o", str(out))
    assert fake_ledger["names"] == ["会计团委微博", "金融学院"]
    call_command("export_data", "ledger", "--institution", "yufe", "--platform", "wechat", "-o", str(out))
    assert fake_ledger["names"] == ["云财会计学院"]


def test_ledger_default_name(yufe_account, fake_ledger, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_data", "ledger", "--institution", "yufe")
    (written,) = tmp_path.glob("台账-YUFE-*.xlsx")
    assert written.read_bytes() == b"PK-fake-xlsx"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--institution", "nowhere"], "学校代码 nowhere 不存在"),
        (["--institution", "yufe", "--unit", "nope"], "没有代码为 nope 的单位"),
        (["--institution", "yufe", "--status", "alive"], "未知的帐号状态 alive"),
        (["--institution", "yufe", "--platform", "myspace"], "未知的平台 myspace"),
    ],
)
def test_ledger_bad_arguments(yufe_account, fake_ledger, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_data", "ledger", *args)


def test_ledger_with_the_real_exporter(yufe_account, tmp_path):
    pytest.importorskip("mediagov.registry.ledger")
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "ledger.xlsx"
    call_command("export_data", "ledger", "--institution", "yufe", "-o", str(out))
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row]
    assert "云财会计学院" in cells
