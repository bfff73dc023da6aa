"""Demo data: both shipped institutions with units, staff, accounts and filings in every state.

`demo_load` builds the world through the same services the pages call (account_register, filing_create,
filing_submit, filing_decide, filing_withdraw …) so that every state, approval step and audit entry is real.
Dates are relative to `timezone.localdate()`, so the dashboard always has filings due within the next few
working days and filings already overdue. It is idempotent: once the marker user exists it only reloads the
shipped policy packs.

`demo_user_rows` lists the demo logins (what `mediagov demo users` prints for newcomers).
"""

import base64
import random
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from pypinyin import lazy_pinyin

from mediagov.activity import reports as report_flow
from mediagov.activity.models import Post, PostSource, post_fingerprint
from mediagov.compliance.models import Finding, Sanction, SanctionLevel, ScanTrigger
from mediagov.compliance.services import sanction_issue, scan_run
from mediagov.connectors.demo import demo_sources
from mediagov.core.errors import DomainError
from mediagov.org.models import INSTITUTION_WIDE_ROLES, Institution, Membership, Person, Role, Unit, UnitKind
from mediagov.policy.services import policy_load_shipped
from mediagov.registry import services
from mediagov.registry.models import (
    AccountStatus,
    AppCategory,
    Filing,
    FilingKind,
    FilingState,
    ManagerRole,
    MediaAccount,
    StepDecision,
    WechatType,
)
from mediagov.registry.platforms import Platform
from mediagov.screening.services import lexicon_demo_load
from mediagov.workdays.services import add_working_days

DEMO_PASSWORD = "demo12345"
ADMIN_USERNAME = "admin"
# The demo is loaded when this user exists.
MARKER_USERNAME = "dut-xuan"
ALREADY_LOADED = "演示数据已存在"
ROSTER_SIZE = 60

W, P = Platform, WechatType
K = UnitKind


# ---------------------------------------------------------------- specifications
@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str = UnitKind.COLLEGE
    parent: str | None = None
    head_title: str = "负责人"  # title of the generated first responsible, when no demo user heads the unit
    academic: bool = False  # a college: padding staff are 辅导员 / 教学秘书 rather than 科员


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    home: str  # unit code of the user's Person on the roster
    title: str
    units: tuple[str, ...] = ()  # unit codes of the memberships (none for institution-wide roles)


@dataclass(frozen=True)
class AccountSpec:
    """One account and what happens to it.

    flow: draft | blocked (submission refused by a check) | step1 (submitted) | awaiting (every step but the
    propaganda department's approved) | returned | rejected | withdrawn | revised (returned, fixed,
    resubmitted, approved) | approved.
    since: creation date (legacy accounts) or days before today (accounts already running).
    due_in: for open filings, the due date in working days from today (negative: overdue).
    then: follow-ups once approved: ("change", flow, due_in), ("cancel", flow), ("status", status).
    """

    unit: str
    name: str
    platform: str
    flow: str
    kind: str = FilingKind.NEW
    wechat_type: str = ""
    owner_kind: str = ""
    verified: bool | None = None
    since: date | int | None = None
    due_in: int | None = None
    app_category: str = ""
    online_payment: bool = False
    data_integration: bool = False
    data_integration_approval: str = ""
    foreign_related: bool = False
    flaw: str = ""  # direct_off_roster | admin_not_on_staff: a rule the submission check will catch
    rename: str = ""  # the new name a change filing proposes
    then: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class InstitutionSpec:
    code: str
    slug: str  # used in bundle ids and 抖音号
    email_domain: str
    units: tuple[UnitSpec, ...]
    users: tuple[UserSpec, ...]
    accounts: tuple[AccountSpec, ...]
    non_staff: tuple[tuple[str, str], ...]  # (unit, title) of people on the roster but not on staff
    off_roster: tuple[str, str]  # (unit, title) of the one person who left
    rectify_note: str
    suspend_note: str
    cancel_reason: str
    staff_no_style: str = "digits"  # digits | year


A = AccountSpec

DUT = InstitutionSpec(
    code="dut",
    slug="dlut",
    email_domain="dlut.example.edu.cn",
    units=(
        UnitSpec("xcb", "党委宣传部、新闻中心", head_title="部长"),
        UnitSpec("wxzx", "网络与信息化中心", head_title="主任"),
        UnitSpec("gjc", "国际合作与交流处", head_title="处长"),
        UnitSpec("zsjyc", "招生就业处", head_title="处长"),
        UnitSpec("tw", "校团委", head_title="书记"),
        UnitSpec("xygzc", "校友工作处", head_title="处长"),
        UnitSpec("tzb", "党委统战部", head_title="部长"),
        UnitSpec("gh", "校工会", head_title="常务副主席"),
        UnitSpec("jgdw", "机关党委", head_title="书记"),
        UnitSpec("cwc", "财务处", head_title="处长"),
        UnitSpec("chem", "化学学院", head_title="院长", academic=True),
        UnitSpec("chem-tw", "化学学院团委", K.YOUTH, "chem", head_title="团委书记"),
        UnitSpec("mech", "机械工程学院", head_title="院长", academic=True),
        UnitSpec("ee", "电子信息与电气工程学部", head_title="部长", academic=True),
        UnitSpec("ee-cs", "计算机科学与技术学院", parent="ee", head_title="院长", academic=True),
        UnitSpec("ee-ctrl", "控制科学与工程学院", parent="ee", head_title="院长", academic=True),
        UnitSpec("ce", "建设工程学部", head_title="部长", academic=True),
        UnitSpec("mgmt", "管理与经济学部", head_title="部长", academic=True),
        UnitSpec("marx", "马克思主义学院", head_title="院长", academic=True),
        UnitSpec("lib", "图书馆", head_title="馆长"),
        UnitSpec("grad", "研究生院", head_title="常务副院长"),
        UnitSpec("zsxc", "招生宣传办公室", K.ADMISSIONS, "zsjyc", head_title="主任"),
        UnitSpec("xsh", "校学生会", K.YOUTH, "tw", head_title="指导教师"),
        UnitSpec("ysjt", "大学生艺术团", K.YOUTH, "tw", head_title="指导教师"),
        UnitSpec("bjxyh", "大连理工大学北京校友会", K.ALUMNI, "xygzc", head_title="秘书长"),
        UnitSpec("shxyh", "大连理工大学上海校友会", K.ALUMNI, "xygzc", head_title="秘书长"),
        UnitSpec("mm", "民盟大连理工大学委员会", K.DEMOCRATIC_PARTY, "tzb", head_title="主任委员"),
        UnitSpec("js", "九三学社大连理工大学委员会", K.DEMOCRATIC_PARTY, "tzb", head_title="主任委员"),
        UnitSpec("sy", "教职工摄影协会", K.STAFF_CLUB, "gh", head_title="会长"),
        UnitSpec("hwxr", "海外学人联谊会", K.ACADEMIC_CLUB, "gjc", head_title="会长"),
    ),
    users=(
        UserSpec("dut-xuan", Role.PROPAGANDA, "xcb", "新媒体中心主任"),
        UserSpec("dut-it", Role.IT_CENTER, "wxzx", "网络安全与运维科科长"),
        UserSpec("dut-intl", Role.INTL_OFFICE, "gjc", "综合办公室主任"),
        UserSpec("dut-party-chem", Role.UNIT_PARTY, "chem", "党委书记", ("chem",)),
        UserSpec("dut-party-mech", Role.UNIT_PARTY, "mech", "党委书记", ("mech",)),
        UserSpec("dut-party-ee", Role.UNIT_PARTY, "ee", "党委书记", ("ee",)),
        UserSpec("dut-party-ce", Role.UNIT_PARTY, "ce", "党委书记", ("ce",)),
        UserSpec("dut-party-mgmt", Role.UNIT_PARTY, "mgmt", "党委书记", ("mgmt",)),
        UserSpec("dut-party-marx", Role.UNIT_PARTY, "marx", "党委书记", ("marx",)),
        # 机关党委: the party organisation of the administrative departments and their bodies.
        UserSpec(
            "dut-party-jg",
            Role.UNIT_PARTY,
            "jgdw",
            "书记",
            ("jgdw", "xcb", "wxzx", "gjc", "zsjyc", "tw", "xygzc", "tzb", "gh", "cwc", "lib", "grad"),
        ),
        UserSpec("dut-sup-tw", Role.SUPERVISOR, "tw", "副书记", ("tw",)),
        UserSpec("dut-sup-zs", Role.SUPERVISOR, "zsjyc", "副处长", ("zsjyc",)),
        UserSpec("dut-sup-xy", Role.SUPERVISOR, "xygzc", "副处长", ("xygzc",)),
        UserSpec("dut-sup-tzb", Role.SUPERVISOR, "tzb", "副部长", ("tzb",)),
        UserSpec("dut-sup-gh", Role.SUPERVISOR, "gh", "副主席", ("gh",)),
        UserSpec("dut-head-chem", Role.UNIT_HEAD, "chem", "院长", ("chem",)),
        UserSpec("dut-resp-chem", Role.RESPONSIBLE, "chem", "党委宣传委员", ("chem",)),
        UserSpec("dut-op-chem", Role.OPERATOR, "chem", "宣传干事", ("chem",)),
        UserSpec("dut-op-mech", Role.OPERATOR, "mech", "宣传干事", ("mech",)),
        UserSpec("dut-op-ee", Role.OPERATOR, "ee", "新闻秘书", ("ee",)),
        UserSpec("dut-op-ce", Role.OPERATOR, "ce", "宣传干事", ("ce",)),
        UserSpec("dut-op-mgmt", Role.OPERATOR, "mgmt", "新闻秘书", ("mgmt",)),
        UserSpec("dut-op-marx", Role.OPERATOR, "marx", "宣传干事", ("marx",)),
        UserSpec("dut-op-lib", Role.OPERATOR, "lib", "馆员", ("lib",)),
        UserSpec("dut-op-grad", Role.OPERATOR, "grad", "综合办公室科员", ("grad",)),
        UserSpec("dut-op-xcb", Role.OPERATOR, "xcb", "新媒体编辑", ("xcb",)),
        UserSpec("dut-resp-xcb", Role.RESPONSIBLE, "xcb", "新媒体中心责任编辑", ("xcb",)),  # 先审后发 初审
        UserSpec("dut-op-wxzx", Role.OPERATOR, "wxzx", "软件工程师", ("wxzx",)),
        UserSpec("dut-op-gjc", Role.OPERATOR, "gjc", "外事秘书", ("gjc",)),
        UserSpec("dut-op-zs", Role.OPERATOR, "zsxc", "招生宣传主管", ("zsjyc",)),
        UserSpec("dut-op-tw", Role.OPERATOR, "tw", "宣传干事", ("tw",)),
        UserSpec("dut-op-xy", Role.OPERATOR, "xygzc", "校友联络科科员", ("xygzc",)),
        UserSpec("dut-op-tzb", Role.OPERATOR, "tzb", "科员", ("tzb",)),
        UserSpec("dut-op-gh", Role.OPERATOR, "gh", "文体部科员", ("gh",)),
    ),
    accounts=(
        # 党委宣传部、新闻中心: the official accounts, two of them older than the regulation (第十条).
        A(
            "xcb",
            "大连理工大学",
            W.WECHAT,
            "approved",
            FilingKind.LEGACY,
            P.SUBSCRIPTION,
            since=date(2013, 4, 18),
        ),
        A("xcb", "大连理工大学", W.WEIBO, "approved", FilingKind.LEGACY, since=date(2010, 11, 2)),
        A("xcb", "大连理工大学", W.DOUYIN, "approved", since=1650),
        A("xcb", "大连理工大学", W.BILIBILI, "approved", since=1420, then=(("change", "approved"),)),
        A("xcb", "大连理工大学", W.CHANNELS, "approved", since=1100),
        A("xcb", "大连理工大学", W.TOUTIAO, "approved", since=1900),
        A("xcb", "大连理工大学", W.ZHIHU, "approved", since=1250),
        A("xcb", "大连理工大学", W.XIAOHONGSHU, "awaiting", due_in=2),
        A(
            "wxzx",
            "i大工",
            W.APP,
            "approved",
            since=2100,
            app_category=AppCategory.SERVICE,
            online_payment=True,
            data_integration=True,
            data_integration_approval="网络与信息化中心审批（统一身份认证、校园卡数据接口）",
        ),
        A(
            "gjc",
            "DUT International",
            W.WECHAT,
            "approved",
            wechat_type=P.SUBSCRIPTION,
            since=1500,
            foreign_related=True,
        ),
        A("hwxr", "大连理工大学海外学人联谊会", W.WECHAT, "approved", since=820, foreign_related=True),
        A("zsxc", "大连理工大学本科招生", W.WECHAT, "approved", wechat_type=P.SERVICE, since=1800),
        A("zsxc", "大工招生", W.DOUYIN, "step1", due_in=3),
        A("xsh", "大连理工大学学生会", W.WECHAT, "approved", wechat_type=P.SUBSCRIPTION, since=1300),
        A(
            "tw",
            "大工青年",
            W.WEIBO,
            "approved",
            owner_kind=K.YOUTH,
            since=1700,
            then=(("change", "draft", -4),),
        ),
        A("tw", "大工青年", W.BILIBILI, "returned", owner_kind=K.YOUTH, due_in=12),
        A("ysjt", "大连理工大学大学生艺术团", W.DOUYIN, "rejected", due_in=8),
        A("bjxyh", "大连理工大学北京校友会", W.WECHAT, "approved", since=900),
        A("shxyh", "大连理工大学上海校友会", W.WECHAT, "awaiting", FilingKind.LEGACY, since=date(2016, 5, 4)),
        A("mm", "民盟大连理工大学委员会", W.WECHAT, "approved", since=1000),
        A("js", "九三学社大连理工大学委员会", W.WECHAT, "draft", due_in=15),
        A("sy", "大工教职工摄影协会", W.XIAOHONGSHU, "approved", since=700, then=(("status", "suspended"),)),
        A(
            "chem",
            "大连理工大学化学学院",
            W.WECHAT,
            "approved",
            FilingKind.LEGACY,
            P.SUBSCRIPTION,
            since=date(2015, 9, 10),
        ),
        A("chem", "大工化学", W.BILIBILI, "step1", due_in=1),
        A("chem", "大连理工大学化学学院", W.WEIBO, "approved", since=2000, then=(("cancel", "approved"),)),
        A("chem-tw", "大工化院青年", W.WECHAT, "approved", since=1200),
        A(
            "mech",
            "大连理工大学机械工程学院",
            W.WECHAT,
            "approved",
            since=1600,
            rename="大工机械",
            then=(("change", "step1", 2),),
        ),
        A("mech", "大工机械", W.DOUYIN, "withdrawn", due_in=10),
        A("ee", "大连理工大学电信学部", W.WECHAT, "approved", since=1750),
        A("ee-cs", "大工计算机", W.WECHAT, "approved", since=1450, then=(("status", "rectifying"),)),
        A("ee-ctrl", "大工控制", W.BILIBILI, "revised", since=400),
        A("ce", "大连理工大学建设工程学部", W.WECHAT, "step1", FilingKind.LEGACY, since=date(2016, 3, 1)),
        A("mgmt", "大工管经", W.WECHAT, "approved", since=1550),
        A("mgmt", "大工管经", W.TOUTIAO, "draft", due_in=-3),
        A("marx", "大连理工大学马克思主义学院", W.WECHAT, "approved", since=1350),
        A(
            "lib",
            "大连理工大学图书馆",
            W.WECHAT,
            "approved",
            FilingKind.LEGACY,
            P.SERVICE,
            since=date(2014, 5, 20),
        ),
        A("lib", "大连理工大学图书馆", W.WEIBO, "blocked", due_in=5, flaw="direct_off_roster"),
        A(
            "grad",
            "大工研究生",
            W.APP,
            "awaiting",
            due_in=1,
            app_category=AppCategory.WORK,
            data_integration=True,
        ),
        A("grad", "大连理工大学研究生院", W.WECHAT, "approved", wechat_type=P.SERVICE, since=1500),
    ),
    non_staff=(
        ("xcb", "新媒体运营专员（劳务派遣）"),
        ("tw", "学生工作助理（合同制）"),
        ("mech", "项目聘用实验员"),
    ),
    off_roster=("lib", "宣传干事（已调离）"),
    rectify_note="连续2个月未更新内容，责令整改（第十二条、第十九条）",
    suspend_note="发布与学校无关的商业广告宣传信息，关停整改（第十四条、第十九条）",
    cancel_reason="学院官方微博长期未更新，内容并入学院微信公众号，按第十二条关停并注销备案。",
)

YUFE = InstitutionSpec(
    code="yufe",
    slug="ynufe",
    email_domain="ynufe.example.edu.cn",
    units=(
        UnitSpec("xcb", "党委宣传部", head_title="部长"),
        UnitSpec("xxzx", "信息管理中心", head_title="主任"),
        UnitSpec("gjc", "国际合作与交流处", head_title="处长"),
        UnitSpec("zsjyc", "招生就业处", head_title="处长"),
        UnitSpec("cwc", "财务处", head_title="处长"),
        UnitSpec("tw", "校团委", head_title="书记"),
        UnitSpec("xsh", "校学生会", K.YOUTH, "tw", head_title="指导教师"),
        UnitSpec("gh", "校工会", head_title="常务副主席"),
        UnitSpec("shxh", "教职工书画协会", K.STAFF_CLUB, "gh", head_title="会长"),
        UnitSpec("tzb", "党委统战部", head_title="部长"),
        UnitSpec("mm", "民盟云南财经大学委员会", K.DEMOCRATIC_PARTY, "tzb", head_title="主任委员"),
        UnitSpec("xyb", "校友工作办公室", head_title="主任"),
        UnitSpec("bjxyh", "云南财经大学北京校友会", K.ALUMNI, "xyb", head_title="秘书长"),
        UnitSpec("acc", "会计学院", head_title="院长", academic=True),
        UnitSpec("acc-tw", "会计学院团委", K.YOUTH, "acc", head_title="团委书记"),
        UnitSpec("fin", "金融学院", head_title="院长", academic=True),
        UnitSpec("econ", "经济学院", head_title="院长", academic=True),
        UnitSpec("cz", "财政与经济学院", head_title="院长", academic=True),
        UnitSpec("stat", "统计与数学学院", head_title="院长", academic=True),
        UnitSpec("info", "信息学院", head_title="院长", academic=True),
        UnitSpec("ibs", "国际工商学院", head_title="院长", academic=True),
        UnitSpec("law", "法学院", head_title="院长", academic=True),
        UnitSpec("marx", "马克思主义学院", head_title="院长", academic=True),
        UnitSpec("lib", "图书馆", head_title="馆长"),
        UnitSpec("grad", "研究生院", head_title="院长"),
    ),
    users=(
        UserSpec("yufe-xuan", Role.PROPAGANDA, "xcb", "网络宣传科科长"),
        UserSpec("yufe-it", Role.IT_CENTER, "xxzx", "网络安全科科长"),
        UserSpec("yufe-intl", Role.INTL_OFFICE, "gjc", "外事秘书"),
        UserSpec("yufe-party-acc", Role.UNIT_PARTY, "acc", "党委书记", ("acc",)),
        UserSpec("yufe-sup-tw", Role.SUPERVISOR, "tw", "副书记", ("tw",)),
        UserSpec("yufe-head-xcb", Role.UNIT_HEAD, "xcb", "部长", ("xcb",)),
        UserSpec("yufe-head-xxzx", Role.UNIT_HEAD, "xxzx", "主任", ("xxzx",)),
        UserSpec("yufe-head-acc", Role.UNIT_HEAD, "acc", "院长", ("acc",)),
        UserSpec("yufe-head-fin", Role.UNIT_HEAD, "fin", "院长", ("fin",)),
        UserSpec("yufe-head-econ", Role.UNIT_HEAD, "econ", "院长", ("econ",)),
        UserSpec("yufe-head-info", Role.UNIT_HEAD, "info", "院长", ("info",)),
        UserSpec("yufe-head-ibs", Role.UNIT_HEAD, "ibs", "院长", ("ibs",)),
        UserSpec("yufe-head-tw", Role.UNIT_HEAD, "tw", "书记", ("tw",)),
        UserSpec("yufe-head-zs", Role.UNIT_HEAD, "zsjyc", "处长", ("zsjyc",)),
        UserSpec("yufe-head-lib", Role.UNIT_HEAD, "lib", "馆长", ("lib",)),
        UserSpec("yufe-head-gh", Role.UNIT_HEAD, "gh", "常务副主席", ("gh",)),
        UserSpec("yufe-head-xy", Role.UNIT_HEAD, "xyb", "主任", ("xyb",)),
        UserSpec("yufe-resp-acc", Role.RESPONSIBLE, "acc", "新闻秘书", ("acc",)),
        UserSpec("yufe-op-xcb", Role.OPERATOR, "xcb", "新媒体编辑", ("xcb",)),
        UserSpec("yufe-resp-xcb", Role.RESPONSIBLE, "xcb", "网络宣传科责任编辑", ("xcb",)),  # 先审后发 初审
        UserSpec("yufe-op-xxzx", Role.OPERATOR, "xxzx", "软件工程师", ("xxzx",)),
        UserSpec("yufe-op-acc", Role.OPERATOR, "acc", "宣传干事", ("acc",)),
        UserSpec("yufe-op-fin", Role.OPERATOR, "fin", "宣传干事", ("fin",)),
        UserSpec("yufe-op-econ", Role.OPERATOR, "econ", "宣传干事", ("econ",)),
        UserSpec("yufe-op-info", Role.OPERATOR, "info", "宣传干事", ("info",)),
        UserSpec("yufe-op-ibs", Role.OPERATOR, "ibs", "外事秘书", ("ibs",)),
        UserSpec("yufe-op-tw", Role.OPERATOR, "tw", "宣传部部长", ("tw",)),
        UserSpec("yufe-op-zs", Role.OPERATOR, "zsjyc", "招生宣传科科员", ("zsjyc",)),
        UserSpec("yufe-op-lib", Role.OPERATOR, "lib", "馆员", ("lib",)),
        UserSpec("yufe-op-gh", Role.OPERATOR, "gh", "科员", ("gh",)),
        UserSpec("yufe-op-xy", Role.OPERATOR, "xyb", "科员", ("xyb",)),
    ),
    accounts=(
        A("xcb", "云南财经大学", W.WECHAT, "approved", wechat_type=P.SUBSCRIPTION, since=2150),
        A("xcb", "云南财经大学", W.WEIBO, "approved", since=2200),
        A("xcb", "云南财经大学", W.DOUYIN, "approved", since=1500),
        A("xcb", "云南财经大学", W.BILIBILI, "approved", since=1200, then=(("change", "approved"),)),
        A("xcb", "云南财经大学", W.CHANNELS, "approved", since=900),
        A("xcb", "云南财经大学", W.XIAOHONGSHU, "awaiting", due_in=2),
        A("xcb", "云南财经大学", W.ZHIHU, "draft", due_in=4),
        A(
            "xxzx",
            "云财移动校园",
            W.APP,
            "approved",
            since=1700,
            app_category=AppCategory.SERVICE,
            online_payment=True,
            data_integration=True,
            data_integration_approval="信息管理中心数据对接审批（统一身份认证、一卡通、教务数据接口）",
        ),
        A("xxzx", "云南财经大学信息管理中心", W.WECHAT, "approved", wechat_type=P.SERVICE, since=1600),
        A("acc", "云财会计学院", W.WECHAT, "approved", since=1800, then=(("change", "step1", 2),)),
        A("acc", "云财会计学院", W.DOUYIN, "step1", due_in=1),
        A("acc", "云财会计学院", W.BILIBILI, "blocked", due_in=3, verified=True, flaw="admin_not_on_staff"),
        A("acc-tw", "云财会计青年", W.WECHAT, "approved", since=1100),
        A("fin", "云财金融学院", W.WECHAT, "approved", since=1650),
        A("fin", "云财金融学院", W.WEIBO, "returned", due_in=6),
        A("fin", "云财金融学院", W.DOUYIN, "revised", since=300),
        A("econ", "云南财经大学经济学院", W.WECHAT, "approved", since=1550, then=(("status", "rectifying"),)),
        A("econ", "云财经济学院", W.TOUTIAO, "rejected", due_in=9),
        A("info", "云财信息学院", W.WECHAT, "approved", since=1450),
        A("info", "云财信息学院", W.BILIBILI, "withdrawn", due_in=7),
        A("info", "云财信息学院", W.WEIBO, "awaiting", due_in=-2),
        A("ibs", "云财国际工商学院", W.WECHAT, "approved", since=1300, foreign_related=True),
        A("ibs", "云财国际工商学院", W.WEIBO, "step1", due_in=-12, foreign_related=True),
        A(
            "tw",
            "云南财经大学团委",
            W.WECHAT,
            "approved",
            owner_kind=K.YOUTH,
            since=2000,
            then=(("change", "draft", -3),),
        ),
        A("tw", "云财青年", W.DOUYIN, "approved", owner_kind=K.YOUTH, since=800),
        A("xsh", "云南财经大学学生会", W.WECHAT, "awaiting", due_in=1),
        A(
            "zsjyc",
            "云南财经大学招生办",
            W.WECHAT,
            "approved",
            wechat_type=P.SERVICE,
            owner_kind=K.ADMISSIONS,
            since=1900,
        ),
        A(
            "zsjyc",
            "云财招生",
            W.DOUYIN,
            "approved",
            owner_kind=K.ADMISSIONS,
            since=1000,
            then=(("cancel", "approved"),),
        ),
        A("lib", "云南财经大学图书馆", W.WECHAT, "approved", wechat_type=P.SERVICE, since=1750),
        A("shxh", "云财教职工书画协会", W.WECHAT, "draft", due_in=-8),
        A(
            "bjxyh",
            "云南财经大学北京校友会",
            W.WECHAT,
            "approved",
            since=950,
            then=(("status", "suspended"),),
        ),
    ),
    non_staff=(
        ("xcb", "新媒体运营专员（劳务派遣）"),
        ("acc", "学生工作助理（合同制）"),
        ("tw", "团委办公室助理"),
    ),
    off_roster=("acc", "新闻秘书（已调离）"),
    rectify_note="帐号名称和简介未按要求更新、多篇推文出现错别字，责令整改（第十条、第十四条）",
    suspend_note="未经授权发布涉及学校重大事件的信息，关停整改（第十二条、第十七条）",
    cancel_reason="招生宣传统一由“云南财经大学招生办”发布，抖音帐号停止运营，申请注销。",
    staff_no_style="year",
)

SPECS = (DUT, YUFE)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_NAMES = (
    "海燕 志强 晓明 丽娜 建国 文博 雪梅 振华 思远 佳怡 俊杰 玉兰 宏伟 静怡 明轩 欣然 国栋 春雨 立新 慧敏 "
    "子涵 浩然 婷婷 建军 秀英 永刚 丹丹 晓东 凤霞 伟 敏 磊 静 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 "
    "晓燕 红梅 志伟 桂兰 宇航 雨桐 梓萱 一鸣 嘉怡 晨曦 家豪 博文 晓峰 亚楠 卫东 淑珍 建华 丽华 国强 德明 "
    "雅琴 鹏飞 梦瑶 天宇 瑞雪 文静 少华 志刚 金凤 新民"
).split()

APPROVE_OPINIONS = {
    Role.UNIT_PARTY: "同意。该帐号由本单位统一管理，已明确直接责任人，落实先审后发。",
    Role.UNIT_HEAD: "同意。单位已落实内容审核和日常维护，由主要负责人签字并加盖公章。",
    Role.SUPERVISOR: "经审核，符合归口管理要求，同意。",
    Role.IT_CENTER: "技术方案和信息安全措施符合要求，同意。",
    Role.INTL_OFFICE: "涉外信息须经国际合作与交流处审核后发布，同意。",
}
RETURN_OPINION = "受众定位和内容定位不够具体，管理员名单不完整，请补充后重新提交。"
REJECT_OPINION = "内容定位与本单位已有帐号重复，原则上一个单位在一个平台只开设一个主体账户，建议依托现有帐号发布，不同意开设。"


# 先审后发 drafts (docs/screening.md): (unit, author, title, body, decisions so far). A decision is (reviewer,
# decision, comment, override reason); the demo lexicon (classified markers, ad phrases, typos) gives the hits.
DEMO_REVIEWS = {
    "dut": (
        (
            "chem",
            "dut-op-chem",
            "化学学院2026年学术前沿讲座预告",
            "本周五下午，化学学院将在西部校区化工实验楼举办学术前沿讲座，欢迎师生参加。",
            (("dut-resp-chem", "approved", "", ""),),
        ),
        (
            "chem",
            "dut-op-chem",
            "关于开展实验室安全培训的通知",
            "各课题组：附件为实验室安全检查内部资料，请各课题组组织学习。",
            (("dut-resp-chem", "returned", "“内部资料”不宜公开发布，请删除相关表述后重新提交。", ""),),
        ),
        (
            "xcb",
            "dut-op-xcb",
            "大连理工大学举行2026年新年音乐会",
            "12月30日晚，学校新年音乐会在大学生活动中心举行，全校师生再接再励，共迎新年。",
            (
                ("dut-resp-xcb", "approved", "错别字“再接再励”请在发布前更正为“再接再厉”。", ""),
                ("dut-party-jg", "approved", "同意。", ""),
            ),
        ),
    ),
    "yufe": (
        (
            "acc",
            "yufe-op-acc",
            "会计学院举办“财会杯”案例分析大赛",
            "为提升学生专业实践能力，会计学院将于下月举办“财会杯”案例分析大赛，欢迎同学们报名。",
            (),
        ),
        (
            "acc",
            "yufe-op-acc",
            "会计学院2026届毕业生就业双选会通知",
            "双选会将于周六在学院报告厅举行，用人单位名单及岗位信息请加微信领取。",
            (("yufe-resp-acc", "approved", "", "“加微信”指学院就业工作办公室官方微信，确有必要。"),),
        ),
        (
            "xcb",
            "yufe-op-xcb",
            "云南财经大学召开2026年新媒体工作会议",
            "会议总结了全校新媒体矩阵建设情况，部署了先审后发、三审三校等内容审核工作。",
            (
                ("yufe-resp-xcb", "approved", "", ""),
                ("yufe-head-xcb", "approved", "同意。", ""),
                ("yufe-xuan", "approved", "同意发布。", ""),
            ),
        ),
    ),
}


# ---------------------------------------------------------------- results
@dataclass
class DemoLoadResult:
    created: bool
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the builder
class _Builder:
    """Builds one institution's demo world through the services."""

    def __init__(self, spec: InstitutionSpec, institution: Institution, password_hash: str, today: date):
        self.sanctioned: list[tuple[int, str, object]] = []
        self.spec = spec
        self.inst = institution
        self.pack = institution.policy
        self.password_hash = password_hash
        self.today = today
        self.rng = random.Random(f"mediagov-demo-{spec.code}")
        self.units: dict[str, Unit] = {}
        self.unit_specs = {u.code: u for u in spec.units}
        self.heads: dict[str, Person] = {}
        self.staff: dict[str, list[Person]] = {}  # unit code → on-staff people, in creation order
        self.users: dict[str, object] = {}
        self.user_person: dict[str, Person] = {}
        self.grants: list[tuple[object, str, Unit | None]] = []
        self.non_staff: dict[str, Person] = {}
        self.off_roster: Person | None = None
        names = [s + g for s in SURNAMES for g in GIVEN_NAMES]
        self.names = iter(self.rng.sample(names, 400))
        self.staff_numbers: set[str] = set()
        self.workdays: dict[tuple[date, int], date | DomainError] = {}

    # ------------------------------------------------------------ org
    def build_units(self) -> None:
        existing = {u.code: u for u in Unit.objects.filter(institution=self.inst)}
        for spec in self.spec.units:
            unit = existing.get(spec.code)
            if unit is None:
                parent = self.units[spec.parent] if spec.parent else None
                unit = Unit.objects.create(
                    institution=self.inst, parent=parent, code=spec.code, name=spec.name, kind=spec.kind
                )
            self.units[spec.code] = unit
        self.units_by_id = {u.pk: u for u in self.units.values()}

    def _staff_no(self) -> str:
        """A 工号: six digits, or the year of joining and a sequence number, as the spec says."""
        while True:
            if self.spec.staff_no_style == "digits":
                number = str(self.rng.randint(100100, 119999))
            else:
                number = f"{self.rng.randint(1996, 2023)}{self.rng.randint(1, 899):04d}"
            if number not in self.staff_numbers:
                self.staff_numbers.add(number)
                return number

    def _email(self, name: str) -> str:
        return f"{''.join(lazy_pinyin(name))}@{self.spec.email_domain}"

    def _person(
        self, unit_code: str, title: str, *, on_staff=True, on_roster=True, user=None, name: str = ""
    ) -> Person:
        name = name or next(self.names)
        mobile = f"1{self.rng.choice(['38', '39', '58', '59', '86', '87', '89'])}{self.rng.randint(0, 10**8 - 1):08d}"
        person = Person.objects.create(
            institution=self.inst,
            staff_no=self._staff_no(),
            name=name,
            unit=self.units[unit_code],
            title=title,
            on_staff=on_staff,
            on_roster=on_roster,
            phone=mobile,
            email=self._email(name),
            user=user,
        )
        if on_staff and on_roster:
            self.staff.setdefault(unit_code, []).append(person)
        return person

    def build_people_and_users(self) -> None:
        User = get_user_model()
        for spec in self.spec.users:
            name = next(self.names)
            user = User.objects.create(
                username=spec.username, last_name=name, email=self._email(name), password=self.password_hash
            )
            person = self._person(spec.home, spec.title, user=user, name=name)
            self.users[spec.username] = user
            self.user_person[spec.username] = person
            if spec.role in INSTITUTION_WIDE_ROLES:
                self.grants.append((user, spec.role, None))
            for code in spec.units:
                self.grants.append((user, spec.role, self.units[code]))
        Membership.objects.bulk_create(
            [Membership(user=u, institution=self.inst, role=r, unit=unit) for u, r, unit in self.grants]
        )
        # First responsible (第一责任人): the unit head, else the party secretary, else a generated head.
        for spec in self.spec.units:
            head = self._user_person_at(spec.code, Role.UNIT_HEAD) or self._user_person_at(
                spec.code, Role.UNIT_PARTY
            )
            if head is None:
                head = self._person(spec.code, spec.head_title)
            self.heads[spec.code] = head
            Unit.objects.filter(pk=self.units[spec.code].pk).update(first_responsible=head)
        for unit_code, title in self.spec.non_staff:
            self.non_staff[unit_code] = self._person(unit_code, title, on_staff=False)
        unit_code, title = self.spec.off_roster
        self.off_roster = self._person(unit_code, title, on_roster=False)
        # Pad the roster with staff of the units that run accounts.
        busy = list(dict.fromkeys(a.unit for a in self.spec.accounts))
        count = Person.objects.filter(institution=self.inst).count()
        i = 0
        while count < ROSTER_SIZE:
            code = busy[i % len(busy)]
            titles = ("辅导员", "教学秘书") if self.unit_specs[code].academic else ("科员", "办公室主任")
            self._person(code, titles[(i // len(busy)) % 2])
            count += 1
            i += 1

    def _user_person_at(self, unit_code: str, role: str) -> Person | None:
        for spec in self.spec.users:
            if spec.role == role and spec.home == unit_code and unit_code in spec.units:
                return self.user_person[spec.username]
        return None

    def _lineage(self, unit_code: str) -> list[str]:
        """The unit and its ancestors, nearest first."""
        out, code = [], unit_code
        while code:
            out.append(code)
            code = self.unit_specs[code].parent
        return out

    def _user_for(self, unit_code: str, role: str):
        """The demo user holding `role` for the unit or its nearest ancestor."""
        for code in self._lineage(unit_code):
            for spec in self.spec.users:
                if spec.role == role and code in spec.units:
                    return self.users[spec.username]
        raise LookupError(f"demo spec: no {role} for unit {unit_code} of {self.spec.code}")

    def _responsible_for(self, unit_code: str) -> Person:
        """The direct responsible person (在岗在编): a responsible user, else the operator, else the head."""
        for role in (Role.RESPONSIBLE, Role.OPERATOR):
            for code in self._lineage(unit_code):
                for spec in self.spec.users:
                    if spec.role == role and code in spec.units:
                        return self.user_person[spec.username]
        return self.heads[unit_code]

    # ------------------------------------------------------------ accounts
    def _hex(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def _sec_uid(self) -> str:
        raw = bytes(self.rng.getrandbits(8) for _ in range(33))
        return "MS4wLjABAAAA" + base64.urlsafe_b64encode(raw).decode()[:43]

    def _identity(self, a: AccountSpec) -> dict:
        """Platform id and homepage URL in each platform's real form (URLs that `normalise_url` reads)."""
        rng, slug = self.rng, self.spec.slug
        tag = a.unit.replace("-", "")
        if a.platform == W.WECHAT:
            out = {"platform_id": f"gh_{self._hex(12)}"}
            if rng.random() < 0.5:
                biz = base64.b64encode(str(rng.randint(3_000_000_000, 3_999_999_999)).encode()).decode()
                out["url"] = (
                    f"https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz={biz}#wechat_redirect"
                )
            return out
        if a.platform == W.WEIBO:
            uid = str(rng.randint(1_000_000_000, 7_999_999_999))
            return {"platform_id": uid, "url": f"https://weibo.com/u/{uid}"}
        if a.platform == W.BILIBILI:
            uid = str(rng.randint(10_000_000, 3_999_999_999))
            return {"platform_id": uid, "url": f"https://space.bilibili.com/{uid}"}
        if a.platform == W.DOUYIN:
            return {
                "platform_id": f"{slug}_{tag}{rng.randint(10, 99)}",
                "url": f"https://www.douyin.com/user/{self._sec_uid()}",
            }
        if a.platform == W.XIAOHONGSHU:
            return {
                "platform_id": str(rng.randint(100_000_000, 9_999_999_999)),
                "url": f"https://www.xiaohongshu.com/user/profile/{self._hex(24)}",
            }
        if a.platform == W.TOUTIAO:
            return {"url": f"https://www.toutiao.com/c/user/token/{self._sec_uid()}/"}
        if a.platform == W.ZHIHU:
            zslug = "-".join(lazy_pinyin(a.name)) + f"-{rng.randint(10, 99)}"
            return {"platform_id": zslug, "url": f"https://www.zhihu.com/org/{zslug}"}
        if a.platform == W.CHANNELS:
            alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
            return {"platform_id": "sph" + "".join(rng.choice(alphabet) for _ in range(7))}
        if a.platform == W.APP:
            initials = "".join(p[0] for p in lazy_pinyin(a.name) if p and p[0].isalnum())
            return {"platform_id": f"cn.edu.{slug}.{initials.lower()}"}
        return {}

    def _positioning(self, a: AccountSpec, unit: Unit, owner_kind: str) -> tuple[str, str, str]:
        video = a.platform in (W.DOUYIN, W.BILIBILI, W.CHANNELS, W.XIAOHONGSHU)
        school = self.inst.name
        if a.platform == W.APP:
            return (
                "校园综合服务移动客户端",
                "办事大厅、校园卡、课表成绩、通知公告等校园服务",
                "全校师生员工",
            )
        if owner_kind == K.YOUTH:
            return (
                "共青团和学生组织的思想引领与活动发布平台",
                "团学活动、青年榜样、志愿服务" + ("短视频" if video else "、通知公告"),
                "在校学生",
            )
        if owner_kind == K.ALUMNI:
            return ("联络校友、服务校友", "校友活动、母校动态、校友风采", f"{school}校友")
        if owner_kind == K.DEMOCRATIC_PARTY:
            return (
                "民主党派组织建设与参政议政宣传",
                "组织活动、社会服务、成员风采",
                "本组织成员及关心统战工作的师生",
            )
        if owner_kind in (K.STAFF_CLUB, K.ACADEMIC_CLUB):
            return ("群众组织活动发布与交流", "活动通知、作品展示、会员风采", "本组织会员及全校教职工")
        if owner_kind == K.ADMISSIONS:
            return ("招生宣传与考生咨询服务", "招生政策、专业介绍、录取查询、校园风貌", "考生及家长")
        if unit.code == "xcb":
            return (
                f"{school}官方新媒体，发布权威信息",
                "学校要闻、重大活动、校园文化" + ("短视频与直播" if video else "、通知公告"),
                "全校师生、校友、考生家长及社会公众",
            )
        return (
            f"{unit.name}新闻发布与服务师生",
            "学院新闻、学术活动、人才培养、招生就业" + ("短视频" if video else "信息"),
            f"{unit.name}师生、校友及考生家长",
        )

    def _add_working_days(self, d: date, n: int) -> date:
        """add_working_days, remembered: inside the load's transaction every call reads the calendar anew."""
        key = (d, n)
        if key not in self.workdays:
            try:
                self.workdays[key] = add_working_days(d, n)
            except DomainError as exc:
                self.workdays[key] = exc
        found = self.workdays[key]
        if isinstance(found, DomainError):
            raise found
        return found

    def _shift(self, n: int) -> date:
        """`n` working days from today; calendar days where the calendar has no data (e.g. 2027)."""
        try:
            return self._add_working_days(self.today, n)
        except DomainError:
            return self.today + timedelta(days=round(n * 7 / 5))

    def _reachable(self, due_in: int) -> int:
        """`due_in`, shortened so that the due date stays within the years the calendar has data for."""
        while due_in > 0:
            try:
                self._add_working_days(self.today, due_in)
                return due_in
            except DomainError:
                due_in -= 1
        return due_in

    def _anchor_for_due(self, kind: str, due_in: int) -> date:
        """The start date (creation, opening, change …) that makes a `kind` filing fall due `due_in` working
        days from today by the pack's own deadline rule (earlier near the end of the calendar's data)."""
        rule = self.pack.deadline(kind)
        if rule is None:
            return self.today
        # Count back from the due date itself: a working day, so the service's count lands on it again.
        due = self._shift(self._reachable(due_in))
        signed = rule.amount if rule.direction == "after" else -rule.amount
        if rule.unit == "working_days":
            try:
                return self._add_working_days(due, -signed)
            except DomainError:
                return due - timedelta(days=round(signed * 7 / 5))
        return due - timedelta(days=signed * (7 if rule.unit == "weeks" else 1))

    def _dates(self, a: AccountSpec) -> dict:
        if isinstance(a.since, date):
            return {"created_on": a.since}
        if isinstance(a.since, int):
            day = self.today - timedelta(days=a.since)
            return {"created_on": day, "planned_open_on": day}
        start = self._anchor_for_due(a.kind, 10 if a.due_in is None else a.due_in)
        rule = self.pack.deadline(a.kind)
        if rule is not None and rule.anchor == "opening":
            return {"planned_open_on": start, "created_on": start if start <= self.today else None}
        return {"created_on": min(start, self.today)}

    def _team(self, a: AccountSpec, unit_code: str, verified: bool) -> list[dict]:
        """负责人 (the unit's first responsible) and 管理员 (the unit's operator), with phones and e-mails."""
        leader = self.heads[unit_code]
        admin = self._operator_person(unit_code)
        rows = [_row(ManagerRole.LEADER, leader), _row(ManagerRole.ADMIN, admin)]
        if a.flaw == "admin_not_on_staff":
            # A contract assistant of the unit (or of the institution) runs the account: not on staff.
            nearest = [self.non_staff[c] for c in self._lineage(unit_code) if c in self.non_staff]
            rows[1] = _row(ManagerRole.ADMIN, (nearest or list(self.non_staff.values()))[0])
        elif not verified:
            # Student editors help run unverified student and club accounts; they are not on the roster.
            student = next(self.names)
            rows.append(
                {
                    "role": ManagerRole.ADMIN,
                    "name": student,
                    "person": None,
                    "title": "学生新媒体中心编辑（学生）",
                    "phone": f"1{self.rng.choice(['52', '57', '88'])}{self.rng.randint(0, 10**8 - 1):08d}",
                    "email": "",
                }
            )
        return rows

    def _operator_person(self, unit_code: str) -> Person:
        return self.user_person[self._user_for(unit_code, Role.OPERATOR).username]

    def _fields(self, a: AccountSpec) -> tuple[dict, list[dict]]:
        unit = self.units[a.unit]
        owner_kind = a.owner_kind or unit.kind
        verified = a.verified if a.verified is not None else owner_kind in (K.COLLEGE, K.ADMISSIONS)
        function, content, audience = self._positioning(a, unit, owner_kind)
        direct = self.off_roster if a.flaw == "direct_off_roster" else self._responsible_for(a.unit)
        youth = owner_kind == K.YOUTH
        fields = {
            "name": a.name,
            "owner": unit.name,
            "owner_kind": owner_kind,
            "responsible_unit": unit,
            "platform": a.platform,
            "wechat_type": a.wechat_type or (P.SUBSCRIPTION if a.platform == W.WECHAT else ""),
            "verified": verified,
            "positioning_function": function,
            "positioning_content": content,
            "positioning_audience": audience,
            "first_responsible": self.heads[self._lineage(a.unit)[-1] if youth else a.unit],
            "direct_responsible": direct,
            "guiding_teacher": self.heads[a.unit] if youth else None,
            "app_category": a.app_category,
            "online_payment": a.online_payment,
            "payment_approved_by": "财务处" if a.online_payment else "",
            "data_integration": a.data_integration,
            "data_integration_approval": a.data_integration_approval,
            "foreign_related": a.foreign_related,
            "maintenance": _maintenance(a, owner_kind),
            **self._identity(a),
            **self._dates(a),
        }
        return fields, self._team(a, a.unit, verified)

    # ------------------------------------------------------------ approval
    def _holder(self, step, exclude: set[int]):
        """The demo user who decides `step`: the holder with the nearest unit, never the filer."""
        best, depth = None, -1
        step_path = self.units_by_id[step.unit_id].path if step.unit_id else ""
        for user, role, unit in self.grants:
            if role != step.role or user.pk in exclude:
                continue
            if role in INSTITUTION_WIDE_ROLES:
                if depth < 0:
                    best, depth = user, 0
            elif unit is not None and step_path.startswith(unit.path) and len(unit.path) > depth:
                best, depth = user, len(unit.path)
        if best is None:
            raise LookupError(f"demo spec: nobody can decide “{step.label}” in {self.spec.code}")
        return best

    def _decide(self, filing, decision=StepDecision.APPROVED, opinion: str = "") -> Filing:
        step = filing.current_step()
        user = self._holder(step, {filing.created_by_id, filing.submitted_by_id})
        if not opinion:
            opinion = self._approve_opinion(filing, step)
        return services.filing_decide(step=step, user=user, decision=decision, opinion=opinion)

    def _approve_opinion(self, filing, step) -> str:
        if step.role == Role.PROPAGANDA:
            if filing.kind == FilingKind.CHANGE:
                return "同意变更，请及时更新台账信息。"
            if filing.kind == FilingKind.CANCEL:
                return "同意注销备案，请在平台上同步注销帐号。"
            alliance = self.pack.alliance.get("name", "新媒体联盟")
            return f"同意备案，纳入{alliance}。"
        if filing.kind == FilingKind.CANCEL:
            return "同意注销。"
        return APPROVE_OPINIONS.get(step.role, "同意。")

    def _approve_all(self, filing) -> Filing:
        while filing.state == FilingState.SUBMITTED:
            filing = self._decide(filing)
        return filing

    def _approve_all_but_last(self, filing) -> Filing:
        while filing.current_steps().filter(decision=StepDecision.PENDING).count() > 1:
            filing = self._decide(filing)
        return filing

    def _run_flow(self, filing, flow: str, creator, account=None) -> Filing:
        if flow == "draft":
            return filing
        if flow == "blocked":
            try:
                services.filing_submit(filing=filing, user=creator)
            except DomainError:
                pass  # the checks stay on the draft, as on the page
            return Filing.objects.get(pk=filing.pk)
        filing = services.filing_submit(filing=filing, user=creator)
        if flow == "step1":
            return filing
        if flow == "awaiting":
            return self._approve_all_but_last(filing)
        if flow == "withdrawn":
            return services.filing_withdraw(filing=filing, user=creator)
        if flow == "returned":
            return self._decide(filing, StepDecision.RETURNED, RETURN_OPINION)
        if flow == "rejected":
            filing = self._approve_all_but_last(filing)
            return self._decide(filing, StepDecision.REJECTED, REJECT_OPINION)
        if flow == "revised":
            filing = self._decide(filing, StepDecision.RETURNED, RETURN_OPINION)
            services.account_update(
                account=account or filing.account,
                user=creator,
                fields={"positioning_audience": "本单位师生、校友、考生及家长，以及关注相关学科的社会公众"},
            )
            filing = services.filing_submit(filing=filing, user=creator)
            return self._approve_all(filing)
        if flow == "approved":
            return self._approve_all(filing)
        raise ValueError(f"unknown demo flow {flow!r}")

    # ------------------------------------------------------------ accounts and filings
    def build_accounts(self) -> None:
        propaganda = next(u for u, role, _unit in self.grants if role == Role.PROPAGANDA)
        for a in self.spec.accounts:
            creator = self._user_for(a.unit, Role.OPERATOR)
            fields, team = self._fields(a)
            account, filing = services.filing_open_registration(
                institution=self.inst, user=creator, fields=fields, managers=team, kind=a.kind
            )
            self._run_flow(filing, a.flow, creator, account)
            for follow in a.then:
                account.refresh_from_db()
                if follow[0] == "change":
                    self._change(a, account, creator, follow[1], follow[2] if len(follow) > 2 else None)
                elif follow[0] == "cancel":
                    filing = services.filing_create(
                        account=account, kind=FilingKind.CANCEL, user=creator, reason=self.spec.cancel_reason
                    )
                    self._run_flow(filing, follow[1], creator)
                elif follow[0] == "status":
                    # The account stops posting; after the scan, a real sanction rests on its findings.
                    self.sanctioned.append((account.pk, follow[1], propaganda))

    def _change(self, a: AccountSpec, account, creator, flow: str, due_in: int | None) -> None:
        managers = list(account.managers.select_related("person"))
        current = {m.person_id for m in managers if m.person_id}
        spare = next(
            (p for code in self._lineage(a.unit) for p in self.staff.get(code, []) if p.pk not in current),
            None,
        )
        if spare is None:  # a newly hired editor takes over
            spare = self._person(a.unit, "新媒体编辑")
        leaders = [_row(m.role, m.person) for m in managers if m.role == ManagerRole.LEADER and m.person]
        rows = [*leaders, _row(ManagerRole.ADMIN, spare)]
        proposed = {"managers": rows, "maintenance": "本单位新媒体工作室运营，实行“三审三校”"}
        if a.rename:
            proposed["name"] = a.rename
        # Closed change filings were filed the day after the change, well within the deadline.
        due_in = self.pack.deadline(FilingKind.CHANGE).amount - 1 if due_in is None else due_in
        event_date = min(self._anchor_for_due(FilingKind.CHANGE, due_in), self.today)
        filing = services.filing_create(
            account=account,
            kind=FilingKind.CHANGE,
            user=creator,
            event_date=event_date,
            proposed=proposed,
            reason="管理员岗位调整，帐号管理人员和维护方式变更" + ("，帐号更名" if a.rename else ""),
        )
        self._run_flow(filing, flow, creator)

    def build_activity(self) -> None:
        """Posts for 14 months (a few accounts go quiet), monthly reports where the pack asks, then a scan."""
        quiet_ids = {pk for pk, _level, _by in self.sanctioned}
        alive = list(
            MediaAccount.objects.filter(institution=self.inst, status__in=[AccountStatus.ACTIVE])
            .select_related("responsible_unit")
            .order_by("id")
        )
        posts = []
        start = self.today - timedelta(days=420)
        for i, account in enumerate(alive):
            rnd = random.Random(f"{self.inst.code}:{account.name}")
            if account.pk in quiet_ids or i % 9 == 4:
                stop, gap = self.today - timedelta(days=rnd.randint(95, 130)), 4  # went quiet
            elif i % 9 == 7:
                stop, gap = self.today, 24  # posts too rarely (fewer than 20 a year)
            else:
                stop, gap = self.today, 3
            day = max(start, account.created_on or start)
            while day <= stop:
                topic = rnd.choice(DEMO_TOPICS)
                title = f"{account.responsible_unit.name}{topic}"
                published = timezone.make_aware(
                    datetime.combine(day, dtime(rnd.randint(8, 21), rnd.randint(0, 59)))
                )
                posts.append(
                    Post(
                        account=account,
                        published_at=published,
                        title=title,
                        source=PostSource.IMPORT,
                        fingerprint=post_fingerprint(account.pk, published, title, ""),
                    )
                )
                day += timedelta(days=max(1, gap + rnd.randint(-1, 2)))
        Post.objects.bulk_create(posts, batch_size=2000, ignore_conflicts=True)
        self.post_count = len(posts)
        if any(spec.kind == "report_window" for spec in self.inst.policy.compliance_rules()):
            self._reports([a for a in alive if a.pk not in quiet_ids])
        scan_run(self.inst, as_of=self.today, trigger=ScanTrigger.SCHEDULE)
        for pk, level, by in self.sanctioned:
            account = MediaAccount.objects.get(pk=pk)
            findings = list(Finding.objects.filter(account=account).active())
            if findings:
                sanction_issue(
                    account=account,
                    level=SanctionLevel.RECTIFY if level == "rectifying" else SanctionLevel.SUSPEND,
                    findings=findings,
                    reason=self.spec.rectify_note if level == "rectifying" else self.spec.suspend_note,
                    by=by,
                    deadline=self._shift(10),
                )

    def _reports(self, alive) -> None:
        """Monthly reports for the last 12 months through the report flow (activity.reports): prefilled on each
        1st, submitted on the 3rd (one late, one of last month's never), signed by the unit head and the
        department; last month's wait for the unit's opinion, one declares a count that differs from the posts
        and one declares 涉密 (it goes straight to the department)."""
        department = next(self.users[s.username] for s in self.spec.users if s.role == Role.PROPAGANDA)
        index = {account.pk: i for i, account in enumerate(alive)}
        months, month = [], date(self.today.year, self.today.month, 1)
        for _ in range(12):
            month = (month - timedelta(days=1)).replace(day=1)
            months.insert(0, month)
        for month in months:
            back = len(months) - 1 - months.index(month)
            for report in report_flow.reports_prefill(
                institution=self.inst, period=month, today=self.today
            ).reports:
                i = index.get(report.account_id)
                if i is None or (back == 0 and i % 6 == 1):
                    continue  # quiet accounts, and last month's report of one account: not sent
                due = report_flow.next_month(month).replace(day=9 if back == 1 and i % 6 == 2 else 3)
                if due > self.today:
                    continue
                at = timezone.make_aware(datetime.combine(due, dtime(10)))
                code = report.account.responsible_unit.code
                try:
                    operator = self._user_for(code, Role.OPERATOR)
                except LookupError:
                    continue
                if (back == 1 and i % 6 == 3) or (back == 0 and i % 6 == 5):
                    report = report_flow.report_update(
                        report=report,
                        user=operator,
                        post_count=(report.observed_count or 0) + (2 if back == 1 else 0),
                        topics=report.topics,
                        classified=back == 0,
                    )
                report = report_flow.report_submit(report=report, user=operator, now=at)
                if back == 0:
                    continue
                try:
                    head = self._user_for(code, Role.UNIT_HEAD)
                except LookupError:
                    continue
                report = report_flow.report_unit_opinion(
                    report=report, user=head, opinion="情况属实，同意报送。", now=at + timedelta(days=1)
                )
                report_flow.report_department_opinion(
                    report=report, user=department, opinion="已阅。", now=at + timedelta(days=2)
                )

    def build_reviews(self) -> None:
        """先审后发 drafts at every stage: waiting, returned, approved with an override, at final review."""
        from mediagov.screening.reviews import (
            content_review_create,
            content_review_decide,
            content_review_submit,
        )

        for unit_code, author, title, body, decisions in DEMO_REVIEWS.get(self.spec.code, ()):
            account = (
                MediaAccount.objects.filter(
                    responsible_unit=self.units[unit_code], status=AccountStatus.ACTIVE
                )
                .order_by("pk")
                .first()
            )
            user = self.users[author]
            review = content_review_create(account=account, user=user, title=title, body=body)
            review = content_review_submit(review=review, user=user)
            for reviewer, decision, comment, reason in decisions:
                review = content_review_decide(
                    review=review,
                    user=self.users[reviewer],
                    decision=decision,
                    comment=comment,
                    override=bool(reason),
                    override_reason=reason,
                )

    def summary(self) -> str:
        accounts = MediaAccount.objects.filter(institution=self.inst)
        filings = Filing.objects.filter(institution=self.inst)
        by_state = {s: 0 for s in FilingState.values}
        for state in filings.values_list("state", flat=True):
            by_state[state] += 1
        states = "、".join(f"{FilingState(s).label}{n}" for s, n in by_state.items())
        return (
            f"{self.inst.name}：单位{Unit.objects.filter(institution=self.inst).count()}个，"
            f"教职工{Person.objects.filter(institution=self.inst).count()}人，"
            f"帐号{accounts.count()}个（运营中{accounts.filter(status=AccountStatus.ACTIVE).count()}），"
            f"备案{filings.count()}件（{states}），发布记录{getattr(self, 'post_count', 0)}条，"
            f"问题{Finding.objects.filter(institution=self.inst).active().count()}个，"
            f"处理决定{Sanction.objects.filter(institution=self.inst).count()}件，演示用户{len(self.users)}个"
        )


def _row(role: str, person: Person) -> dict:
    return {
        "role": str(role),
        "name": person.name,
        "person": person.pk,
        "title": person.title,
        "phone": person.phone,
        "email": person.email,
    }


def _maintenance(a: AccountSpec, owner_kind: str) -> str:
    if a.platform == W.APP:
        return "本单位自主开发，委托技术公司维护"
    if owner_kind == K.YOUTH:
        return "学生新媒体团队运营，指导教师审核"
    if owner_kind in (K.ALUMNI, K.DEMOCRATIC_PARTY, K.STAFF_CLUB, K.ACADEMIC_CLUB):
        return "组织秘书处运营"
    return "本单位宣传干事运营，先审后发"


# ---------------------------------------------------------------- entry points
DEMO_TOPICS = [
    "召开学期工作部署会",
    "举办学术报告会",
    "开展主题党日活动",
    "学生在全国竞赛中获奖",
    "新学期开学典礼举行",
    "举办校友返校交流会",
    "开展安全教育主题活动",
    "发布本科生实习安排",
    "举行毕业生就业双选会",
    "组织志愿服务进社区",
    "召开教学工作研讨会",
    "科研团队成果发表",
]


def demo_loaded() -> bool:
    return get_user_model().objects.filter(username=MARKER_USERNAME).exists()


def demo_load() -> DemoLoadResult:
    """Load both shipped packs, then (once) the demo world. Returns what was done, as Chinese lines."""
    started = time.monotonic()
    with transaction.atomic():
        institutions = {spec.code: policy_load_shipped(spec.code) for spec in SPECS}
        lines = [f"已加载政策包：{'、'.join(institutions)}"]
        if demo_loaded():
            lines.append(ALREADY_LOADED)
            return DemoLoadResult(created=False, seconds=time.monotonic() - started, lines=lines)
        password_hash = make_password(DEMO_PASSWORD)
        today = timezone.localdate()
        User = get_user_model()
        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            User.objects.create(
                username=ADMIN_USERNAME,
                last_name="系统管理员",
                password=password_hash,
                is_staff=True,
                is_superuser=True,
            )
        for spec in SPECS:
            builder = _Builder(spec, institutions[spec.code], password_hash, today)
            builder.build_units()
            builder.build_people_and_users()
            builder.build_accounts()
            builder.build_activity()
            demo_sources(institutions[spec.code])  # a disabled example feed (docs/connectors.md)
            lexicon_demo_load(institutions[spec.code])  # benign demo lexicon (docs/screening.md)
            builder.build_reviews()  # 先审后发 drafts (docs/screening.md)
            lines.append(builder.summary())
    seconds = time.monotonic() - started
    lines.append(
        f"演示数据已加载（今天：{today.isoformat()}，用时{seconds:.1f}秒）；登录帐号见 mediagov demo users"
    )
    return DemoLoadResult(created=True, seconds=seconds, lines=lines)


def demo_usernames() -> list[str]:
    return [ADMIN_USERNAME] + [u.username for spec in SPECS for u in spec.users]


def demo_user_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(username, name, password, institution, role, unit) of every demo login present: the admin, then each
    institution's users in the order of the demo specification (roles as the glossary lists them)."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=demo_usernames())}
    held: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(user__in=users.values()).select_related("institution", "unit"):
        held.setdefault(m.user_id, []).append(m)
    homes = dict(Person.objects.filter(user__in=users.values()).values_list("user_id", "unit__name"))
    rows = []
    for username in demo_usernames():
        user = users.get(username)
        if user is None:
            continue
        if username == ADMIN_USERNAME:
            rows.append((username, user.last_name, DEMO_PASSWORD, "—", "超级用户（/admin/）", "—"))
            continue
        memberships = sorted(held.get(user.pk, []), key=lambda m: m.unit.path if m.unit_id else "")
        if not memberships:
            continue
        inst = memberships[0].institution
        roles = "、".join(dict.fromkeys(m.get_role_display() for m in memberships))
        units = [m.unit.name for m in memberships if m.unit_id]
        if len(units) > 3:
            home = homes.get(user.pk)
            where = f"{home if home in units else units[0]}等{len(units)}个单位"
        else:
            where = "、".join(units) or "全校"
        rows.append((username, user.last_name, DEMO_PASSWORD, inst.short_name or inst.name, roles, where))
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def demo_users_table() -> str:
    rows = demo_user_rows()
    if not rows:
        return "尚未加载演示数据，请先运行：mediagov demo load"
    header = ("用户名", "姓名", "密码", "学校", "角色", "单位")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [f"演示帐号（共{len(rows)}个，密码均为 {DEMO_PASSWORD}）：", line(header)]
    out.append("  ".join("-" * w for w in widths))
    out += [line(r) for r in rows]
    return "\n".join(out)
