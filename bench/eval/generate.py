"""Writes the labelled evaluation set of the screening (`names.csv`, `snippets.csv`) next to this file.

    .venv/bin/python bench/eval/generate.py

Deterministic: the rows are written out by hand below, and the only combinations (a benign sentence around a
snippet, which evasion a term gets) come from fixed lists in a fixed order — no randomness, so the files only
change when this script does. The labels are what a careful reviewer at the propaganda department would
decide, written before looking at what the code answers; they are not tuned to the code.

names.csv — discovered accounts for the name watch (DUT 第九条), institution `dut` or `yufe`, against the
registered accounts of the demo data (`mediagov demo load`): columns 平台, 名称, 帐号ID, 链接, 简介, institution,
expected_verdict (registered, impersonation, unregistered_use, unrelated), expected_keyword (the protected
name the account uses, pack spelling; empty when none), case (what the row exercises).

- registered: a registered account found again — by its handle, its homepage URL in any form, its original
  id (gh_…, 抖音号) or, with no id, its exact name on the same platform.
- impersonation: a name that copies a registered account's name (exact, traditional, full width, spaced,
  one character added or changed) under another handle or on another platform.
- unregistered_use: a name using the school's name in any form (the keywords, traditional characters, full
  width, spaces and interference characters, pinyin and pinyin initials, the English name) that copies no
  registered account.
- unrelated: no protected name — ordinary words containing 大工 (大工业, 加大工作力度, 伟大工人), other
  universities, pinyin look-alikes (打工人 dagongren, 大公报 Dagong), DUT as "device under test".

registry.csv — the registered accounts the names are checked against (institution, 平台, 名称, 帐号ID, 原始ID):
the approved accounts of the demo data (`mediagov demo load`), copied here so the evaluation needs neither
the demo nor a database server (bench/eval_screening.py loads them into a throw-away SQLite database).

snippets.csv — texts screened against the DUT demo lexicon (`screening.services.DEMO_TERMS`): columns text,
expected_categories (`;`-separated lexicon categories that should raise a finding: classified,
commercial_ad, typo; empty for a text that should raise none), case. Benign official news (with contact
numbers, web addresses, 秘密武器-style phrases, warnings that quote a banned phrase) are the negatives; the
positives hide the demo terms with interference characters, traditional characters, full width, repeated
characters and circled numbers.
"""

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME_HEADERS = [
    "平台",
    "名称",
    "帐号ID",
    "链接",
    "简介",
    "institution",
    "expected_verdict",
    "expected_keyword",
    "case",
]
SNIPPET_HEADERS = ["text", "expected_categories", "case"]
REGISTRY_HEADERS = ["institution", "平台", "名称", "帐号ID", "原始ID"]

REG, IMP, USE, NONE = "registered", "impersonation", "unregistered_use", "unrelated"
FULL, CITY, SHORT, DUT = "大连理工大学", "大连理工", "大工", "DUT"

# ---------------------------------------------------------------- names: registered accounts of the demo
# (platform, name, handle, platform id) of the demo's approved DUT accounts (status active/rectifying/
# suspended; pending and cancelled ones are not registered and are left out to keep the labels clear).
DUT_ACCOUNTS = [
    ("微信公众号", "大连理工大学", "biz:Mzg2NjkyMDE4Mw==", "gh_7598836f6622"),
    ("微博", "大连理工大学", "5874766399", ""),
    ("抖音", "大连理工大学", "MS4wLjABAAAAdtdidMHs3Uz3eI-RgVkUnwGa1PTcfFP4PkEVMSw0NAM", "dlut_xcb44"),
    ("B站", "大连理工大学", "201585491", ""),
    ("视频号", "大连理工大学", "sphN44dfBa", ""),
    ("今日头条", "大连理工大学", "MS4wLjABAAAAFKZf8_Fmc1iLA7zSPTjIwTASFfZ1xvunwN-1224Ktw4", ""),
    ("知乎", "大连理工大学", "da-lian-li-gong-da-xue-32", ""),
    ("APP", "i大工", "cn.edu.dlut.idg", ""),
    ("微信公众号", "DUT International", "gh_5fe0d6550b29", ""),
    ("微信公众号", "大连理工大学海外学人联谊会", "gh_8383c654d97f", ""),
    ("微信公众号", "大连理工大学本科招生", "gh_dc20dac7f155", ""),
    ("微信公众号", "大连理工大学学生会", "biz:MzEwNjUyMTc3Mg==", "gh_1308a2e17d97"),
    ("微博", "大工青年", "1018302246", ""),
    ("微信公众号", "大连理工大学北京校友会", "biz:MzgyNDM1Mzc2OA==", "gh_e4aa18f630d2"),
    ("微信公众号", "民盟大连理工大学委员会", "gh_e0fd0d4efbca", ""),
    ("小红书", "大工教职工摄影协会", "bcc900e9323fd9b51ed8d667", ""),
    ("微信公众号", "大连理工大学化学学院", "gh_40a658d21306", ""),
    ("微信公众号", "大工化院青年", "biz:MzI0NzU4Nzk4OA==", "gh_3891254654da"),
    ("微信公众号", "大连理工大学机械工程学院", "biz:MzQ4MzI0MDEwOQ==", "gh_76e58405d901"),
    ("微信公众号", "大连理工大学电信学部", "gh_10848edf68b1", ""),
    ("微信公众号", "大工计算机", "gh_13b6daafd8a1", ""),
    ("B站", "大工控制", "2407993000", ""),
    ("微信公众号", "大工管经", "gh_e8da0671af02", ""),
    ("微信公众号", "大连理工大学马克思主义学院", "biz:MzQyOTA0OTk2MA==", "gh_e678944b7c21"),
    ("微信公众号", "大连理工大学图书馆", "gh_4ee826546a87", ""),
    ("微信公众号", "大连理工大学研究生院", "gh_d4b36366b641", ""),
]
YUFE_ACCOUNTS = [
    ("微信公众号", "云南财经大学", "gh_12cb6299f87b", ""),
    ("微博", "云南财经大学", "7006926187", ""),
    ("B站", "云南财经大学", "2034366291", ""),
    ("微信公众号", "云财会计学院", "biz:MzIwODMxODIzNg==", "gh_ac5143bdce21"),
    ("微信公众号", "云财金融学院", "biz:MzU3NzcwMjk3MQ==", "gh_8cf4b7f027d8"),
    ("微信公众号", "云财国际工商学院", "gh_f4dfb2e65837", ""),
    ("微信公众号", "云南财经大学图书馆", "gh_40e0a6471745", ""),
    ("抖音", "云财青年", "MS4wLjABAAAA7mUatdXVE2JoJi1VeJ-irIYMugD-qTFMN_9qufWT7Nd", "ynufe_tw31"),
]
KEYWORD_OF = {  # the protected name a registered name uses (its longest keyword)
    "i大工": SHORT,
    "DUT International": DUT,
    "大工青年": SHORT,
    "大工教职工摄影协会": SHORT,
    "大工化院青年": SHORT,
    "大工计算机": SHORT,
    "大工控制": SHORT,
    "大工管经": SHORT,
    "云财会计学院": "云财",
    "云财金融学院": "云财",
    "云财国际工商学院": "云财",
    "云财青年": "云财",
}
URLS = {  # homepage URL of a handle, per platform
    "微博": "https://weibo.com/u/{h}",
    "B站": "https://space.bilibili.com/{h}",
    "抖音": "https://www.douyin.com/user/{h}",
    "知乎": "https://www.zhihu.com/people/{h}",
    "今日头条": "https://www.toutiao.com/c/user/token/{h}/",
}
ALIASES = {
    "微信公众号": "公众号",
    "B站": "哔哩哔哩",
    "微博": "新浪微博",
    "抖音": "douyin",
    "小红书": "小红书",
}


def keyword_of(name: str, inst: str) -> str:
    if name in KEYWORD_OF:
        return KEYWORD_OF[name]
    for kw in (FULL, CITY, SHORT, DUT) if inst == "dut" else ("云南财经大学", "云南财大", "云财", "YUFE"):
        if kw in name:
            return kw
    return ""


def registered_rows() -> list[list[str]]:
    rows = []
    for inst, accounts in (("dut", DUT_ACCOUNTS), ("yufe", YUFE_ACCOUNTS)):
        for i, (platform, name, handle, original) in enumerate(accounts):
            kw = keyword_of(name, inst)
            rows.append([platform, name, handle, "", "官方帐号", inst, REG, kw, "registered: handle"])
            if platform in URLS:
                url = URLS[platform].format(h=handle)
                if i % 2:
                    url = url.replace("https://", "http://m.") + "?from=search"
                rows.append(
                    [ALIASES.get(platform, platform), name, "", url, "", inst, REG, kw, "registered: url"]
                )
            if original:
                rows.append([platform, name, original, "", "", inst, REG, kw, "registered: original id"])
            if inst == "dut" and platform == "微信公众号" and not original and i % 3 == 0:
                rows.append([ALIASES[platform], name, "", "", "", inst, REG, kw, "registered: name, no id"])
    return rows


# ---------------------------------------------------------------- names: impersonations
# (platform, name, other handle, bio, institution, copied registered name)
IMPERSONATIONS = [
    ("微博", "大连理工大学", "3312987650", "大连理工大学官方微博", "dut", "大连理工大学"),
    ("微博", "大連理工大學", "6020117733", "", "dut", "大连理工大学"),
    ("抖音", "大连理工大学", "dlut_official2024", "欢迎报考大连理工大学", "dut", "大连理工大学"),
    ("抖音", "大连理工大学 ", "dut_news88", "", "dut", "大连理工大学"),
    ("B站", "大连理工大学官方", "99887766", "", "dut", "大连理工大学"),
    ("快手", "大连理工大学", "dlut666", "", "dut", "大连理工大学"),
    ("小红书", "大连理工大学", "5599001122", "分享大工校园生活", "dut", "大连理工大学"),
    ("微信公众号", "大连理工大学", "gh_1a2b3c4d5e6f", "", "dut", "大连理工大学"),
    ("微信公众号", "大 连 理 工 大 学", "gh_abcabc123123", "", "dut", "大连理工大学"),
    ("微博", "大*连*理*工*大*学", "7712093344", "", "dut", "大连理工大学"),
    (
        "微信公众号",
        "DUT Internationa1",
        "gh_77aa88bb99cc",
        "International students",
        "dut",
        "DUT International",
    ),
    ("微博", "DUT International", "2209871234", "", "dut", "DUT International"),
    ("微信公众号", "ＤＵＴ Ｉｎｔｅｒｎａｔｉｏｎａｌ", "gh_0f0f0f0f0f0f", "", "dut", "DUT International"),
    ("抖音", "DUT-International", "dutintl", "", "dut", "DUT International"),
    ("微信公众号", "大连理工大学本科招生办", "gh_5e5e5e5e5e5e", "招生咨询", "dut", "大连理工大学本科招生"),
    ("抖音", "大连理工大学本科招生", "dlut_zs2025", "", "dut", "大连理工大学本科招生"),
    ("小红书", "大連理工大學本科招生", "4411223344", "", "dut", "大连理工大学本科招生"),
    ("微信公众号", "大连理工大学学生会官方", "gh_9a9a9a9a9a9a", "", "dut", "大连理工大学学生会"),
    ("微博", "大连理工大学学生会", "1357924680", "", "dut", "大连理工大学学生会"),
    ("抖音", "大连理工大学学生会", "dlutsu", "", "dut", "大连理工大学学生会"),
    ("微信公众号", "大工青年", "gh_aaaa1111bbbb", "共青团大连理工大学委员会", "dut", "大工青年"),
    ("抖音", "大工青年团", "dgqn2024", "", "dut", "大工青年"),
    ("微信公众号", "大连理工大学北京校友会 ", "gh_bj0011223344", "", "dut", "大连理工大学北京校友会"),
    ("微博", "大连理工大学北京校友会", "8800112233", "", "dut", "大连理工大学北京校友会"),
    ("微信公众号", "大连理工大学化学学院", "gh_c0c0c0c0c0c0", "", "dut", "大连理工大学化学学院"),
    ("抖音", "大连理工大学化学学院", "dlut_chem", "", "dut", "大连理工大学化学学院"),
    ("微博", "大連理工大學化學學院", "3300221100", "", "dut", "大连理工大学化学学院"),
    ("微信公众号", "大工化院青年团", "gh_d1d2d3d4d5d6", "", "dut", "大工化院青年"),
    ("B站", "大工化院青年", "55667788", "", "dut", "大工化院青年"),
    ("抖音", "大连理工大学机械工程学院", "dlut_me", "", "dut", "大连理工大学机械工程学院"),
    ("微信公众号", "大连理工大学机械工程学院官方", "gh_e1e2e3e4e5e6", "", "dut", "大连理工大学机械工程学院"),
    ("微博", "大连理工大学电信学部", "2020202020", "", "dut", "大连理工大学电信学部"),
    ("微信公众号", "大连理工大学电信學部", "gh_f1f2f3f4f5f6", "", "dut", "大连理工大学电信学部"),
    ("抖音", "大工计算机", "dg_cs", "", "dut", "大工计算机"),
    ("微信公众号", "大工计算机 ", "gh_c5c5c5c5c5c5", "", "dut", "大工计算机"),
    ("抖音", "大工控制", "dgkz", "", "dut", "大工控制"),
    ("微博", "大工管经", "6677889900", "", "dut", "大工管经"),
    ("抖音", "大工管经", "dlut_sem", "", "dut", "大工管经"),
    ("微信公众号", "大连理工大学马克思主义学院", "gh_m1m2m3m4m5m6", "", "dut", "大连理工大学马克思主义学院"),
    ("抖音", "大连理工大学图书馆", "dlut_lib", "", "dut", "大连理工大学图书馆"),
    ("微信公众号", "大连理工大学图书館", "gh_1b1b1b1b1b1b", "", "dut", "大连理工大学图书馆"),
    ("小红书", "大连理工大学图书馆", "1212121212", "", "dut", "大连理工大学图书馆"),
    ("微信公众号", "大连理工大学研究生院 ", "gh_2c2c2c2c2c2c", "", "dut", "大连理工大学研究生院"),
    ("抖音", "大连理工大学研究生院", "dlut_gs", "", "dut", "大连理工大学研究生院"),
    ("微博", "大连理工大学研究生院", "9090909090", "", "dut", "大连理工大学研究生院"),
    ("微信公众号", "大连理工大学海外学人联谊会", "gh_3d3d3d3d3d3d", "", "dut", "大连理工大学海外学人联谊会"),
    ("微信公众号", "民盟大连理工大学委员会", "gh_4e4e4e4e4e4e", "", "dut", "民盟大连理工大学委员会"),
    ("微博", "大工教职工摄影协会", "3434343434", "", "dut", "大工教职工摄影协会"),
    ("抖音", "大连理工大学!", "dlut_x1", "", "dut", "大连理工大学"),
    ("B站", "大连理工大学·官方", "12344321", "", "dut", "大连理工大学"),
    ("视频号", "大连理工大学", "sphFAKE0001", "", "dut", "大连理工大学"),
    ("知乎", "大连理工大学", "dlut-official", "", "dut", "大连理工大学"),
    ("微博", "云南财经大学", "1100110011", "", "yufe", "云南财经大学"),
    ("抖音", "云南財經大學", "yufe_fake", "", "yufe", "云南财经大学"),
    ("微信公众号", "云财会计学院", "gh_acacacacacac", "", "yufe", "云财会计学院"),
    ("抖音", "云财金融学院官方", "ynufe_fin_x", "", "yufe", "云财金融学院"),
    ("微博", "云南财经大学图书馆", "2323232323", "", "yufe", "云南财经大学图书馆"),
    ("微信公众号", "云财青年", "gh_qnqnqnqnqnqn", "", "yufe", "云财青年"),
]


# ---------------------------------------------------------------- names: unapproved uses of the name
# (platform, name, handle, bio, expected keyword, case) — DUT unless the keyword is YUFE's.
USES = [
    # exact keywords, names of units and groups that are not registered
    ("微信公众号", "大连理工大学化工学院", "gh_u00000000001", "化工学院学生工作", FULL, "exact: other unit"),
    ("微信公众号", "大连理工大学软件学院", "gh_u00000000002", "", FULL, "exact: other unit"),
    ("抖音", "大连理工大学体育部", "dlut_ty", "", FULL, "exact: other unit"),
    ("微博", "大连理工大学出版社", "2468013579", "图书出版", FULL, "exact: other unit"),
    ("微信公众号", "大连理工大学建筑与艺术学院", "gh_u00000000003", "", FULL, "exact: other unit"),
    ("微信公众号", "大连理工大学物理学院", "gh_u00000000004", "", FULL, "exact: other unit"),
    ("微信公众号", "大连理工大学数学科学学院团委", "gh_u00000000005", "", FULL, "exact: other unit"),
    ("B站", "大连理工大学动漫社", "31415926", "二次元同好", FULL, "exact: club"),
    ("抖音", "大连理工大学街舞社", "dlut_dance", "", FULL, "exact: club"),
    ("小红书", "大连理工大学考研交流", "7070707070", "考研资料分享", FULL, "exact: commercial"),
    ("微信公众号", "大连理工大学考研辅导中心", "gh_u00000000006", "一对一辅导", FULL, "exact: commercial"),
    ("抖音", "大连理工大学二手交易", "dlut_2shou", "", FULL, "exact: commercial"),
    ("微信公众号", "大连理工大学附属高级中学", "gh_u00000000007", "", FULL, "exact: affiliated"),
    ("微信公众号", "大连理工大学盘锦校区生活圈", "gh_u00000000008", "", FULL, "exact: campus"),
    ("微博", "大连理工大学表白墙", "8642097531", "", FULL, "exact: confessions"),
    ("抖音", "大连理工大学学长说", "dlut_xzs", "报考指南", FULL, "exact: commercial"),
    ("微信公众号", "大连理工大学研究生会", "gh_u00000000023", "研究生会", FULL, "exact: other unit"),
    ("抖音", "大连理工大学化工学院", "dlut_hg", "", FULL, "exact: other unit"),
    ("微信公众号", "大连理工考研", "gh_u00000000009", "", CITY, "exact: commercial"),
    ("小红书", "大连理工留学生之家", "1818181818", "", CITY, "exact: group"),
    ("抖音", "大连理工校园墙", "dllg_qiang", "", CITY, "exact: confessions"),
    ("微博", "大连理工学院老校友", "5151515151", "", CITY, "exact: old name"),
    ("微信公众号", "大连理工校友企业家联谊会", "gh_u00000000010", "", CITY, "exact: alumni"),
    ("抖音", "大工表白墙", "dg_bbq", "", SHORT, "exact: confessions"),
    ("微信公众号", "大工树洞", "gh_u00000000011", "", SHORT, "exact: confessions"),
    ("小红书", "大工二手市场", "2727272727", "", SHORT, "exact: commercial"),
    ("抖音", "大工学长带你看校园", "dg_xuezhang", "", SHORT, "exact: commercial"),
    ("微信公众号", "大工考研帮", "gh_u00000000012", "", SHORT, "exact: commercial"),
    ("B站", "大工羽毛球协会", "65656565", "", SHORT, "exact: club"),
    ("微信公众号", "大工校友会深圳分会", "gh_u00000000013", "", SHORT, "exact: alumni"),
    ("小红书", "大工学姐日常", "3939393939", "", SHORT, "exact: personal"),
    ("抖音", "我在大工读研", "dg_yanjiusheng", "", SHORT, "exact: personal"),
    ("微博", "大工外卖互助", "4949494949", "", SHORT, "exact: commercial"),
    ("抖音", "DUT校园生活", "dut_life", "", DUT, "exact: latin"),
    ("小红书", "DUT留学生", "5959595959", "", DUT, "exact: latin"),
    ("微信公众号", "DUT考研", "gh_u00000000014", "", DUT, "exact: latin"),
    ("B站", "DUT机器人队", "67676767", "", DUT, "exact: latin"),
    ("抖音", "dut 电竞社", "dut_esports", "", DUT, "exact: latin lower"),
    # traditional characters
    ("微博", "大連理工大學留學生會", "6161616161", "", FULL, "traditional"),
    ("抖音", "大連理工大學考研", "dllg_ky", "", FULL, "traditional"),
    ("小红书", "大連理工大學校友", "6262626262", "", FULL, "traditional"),
    ("微信公众号", "大連理工校園", "gh_u00000000015", "", CITY, "traditional"),
    ("微博", "大連理工學長", "6363636363", "", CITY, "traditional"),
    ("抖音", "大工學生會", "dg_xsh_tw", "", SHORT, "traditional"),
    ("微信公众号", "大工畢業生", "gh_u00000000016", "", SHORT, "traditional"),
    ("小红书", "大連理工香港校友會", "6464646464", "", CITY, "traditional"),
    ("微博", "大連理工大學台灣校友", "6565656565", "", FULL, "traditional"),
    # full width
    ("抖音", "ＤＵＴ考研群", "dut_kyq", "", DUT, "full width"),
    ("小红书", "ＤＵＴ表白墙", "6666666666", "", DUT, "full width"),
    ("微信公众号", "ＤＵＴ二手", "gh_u00000000017", "", DUT, "full width"),
    ("微博", "ＤＬＵＴ校园", "6767676767", "", FULL, "full width english"),
    ("抖音", "ｄｕｔ学生", "dut_xs", "", DUT, "full width"),
    ("B站", "大连理工大学ＶＬＯＧ", "68686868", "", FULL, "full width"),
    # spaces and interference characters
    ("抖音", "大 连 理 工 二手", "dllg_es", "", CITY, "interference: spaces"),
    ("微博", "大*连*理*工 表白墙", "6969696969", "", CITY, "interference: stars"),
    ("小红书", "大.连.理.工考研", "7171717171", "", CITY, "interference: dots"),
    ("微信公众号", "大·工·树洞", "gh_u00000000018", "", SHORT, "interference: middle dots"),
    (
        "抖音",
        "大\u200b连\u200b理\u200b工\u200b大\u200b学考研",
        "dllg_zw",
        "",
        FULL,
        "interference: zero width",
    ),
    ("微博", "大~连~理~工~大~学~学长", "7272727272", "", FULL, "interference: tildes"),
    ("抖音", "大♥工♥表白", "dg_love", "", SHORT, "interference: hearts"),
    ("小红书", "大 工 二 手", "7373737373", "", SHORT, "interference: spaces"),
    ("微信公众号", "D*U*T校园", "gh_u00000000019", "", DUT, "interference: latin"),
    ("抖音", "D-U-T留学生", "dut_lxs", "", DUT, "interference: spelled"),
    ("微博", "D U T 考研", "7474747474", "", DUT, "interference: spelled"),
    ("抖音", "大|连|理|工|大|学 街拍", "dllg_jp", "", FULL, "interference: bars"),
    ("小红书", "大、连、理、工", "7575757575", "", CITY, "interference: enumeration comma"),
    # pinyin and pinyin initials
    ("抖音", "dagong表白墙", "dagong_bbq", "", SHORT, "pinyin"),
    ("小红书", "DaGong校园日记", "7676767676", "", SHORT, "pinyin"),
    ("微博", "dalianligong考研", "7777777770", "", CITY, "pinyin"),
    ("抖音", "Dalian Ligong 留学生", "dllg_lxs", "", CITY, "pinyin spaced"),
    ("B站", "dalianligongdaxue", "78787878", "", FULL, "pinyin"),
    ("微信公众号", "DaLian LiGong DaXue Alumni", "gh_u00000000020", "", FULL, "pinyin spaced"),
    ("抖音", "da gong er shou", "dg_2s", "", SHORT, "pinyin spaced"),
    ("小红书", "dagong_campus", "7979797979", "", SHORT, "pinyin"),
    ("抖音", "dllg考研", "dllg_ky2", "", CITY, "initials"),
    ("微博", "DLLG学长", "8080808080", "", CITY, "initials"),
    ("小红书", "dllgdx新生群", "8181818181", "", FULL, "initials"),
    # the English names
    ("微信公众号", "Dalian University of Technology CSSA", "gh_u00000000021", "", FULL, "english"),
    ("抖音", "DLUT校园", "dlut_xy", "", FULL, "english"),
    ("小红书", "dlut考研", "8282828282", "", FULL, "english"),
    ("微博", "DLUT_CSSA", "8383838383", "", FULL, "english"),
    ("B站", "Dalian University of Technology Robotics", "84848484", "", FULL, "english"),
    ("抖音", "dalian university of technology", "dlut_en", "", FULL, "english lower"),
    ("微信公众号", "DLUT Alumni Tokyo", "gh_u00000000022", "", FULL, "english"),
    ("小红书", "DUT Alumni in Germany", "8585858585", "", DUT, "english"),
    ("微博", "Dalian-University-of-Technology", "8686868686", "", FULL, "english hyphens"),
    ("抖音", "DLUTer日常", "dluter", "", FULL, "english: suffixed"),
    ("小红书", "Dalian Univ. of Tech. students", "8787878787", "", FULL, "english: abbreviated"),
    # YUFE
    ("微信公众号", "云南财经大学考研", "gh_y00000000001", "", "云南财经大学", "exact"),
    ("抖音", "云财表白墙", "yc_bbq", "", "云财", "exact"),
    ("微博", "云南財經大學校友會", "9191919191", "", "云南财经大学", "traditional"),
    ("小红书", "云 南 财 大 二手", "9292929292", "", "云南财大", "interference: spaces"),
    ("抖音", "ＹＵＦＥ学生", "yufe_xs", "", "YUFE", "full width"),
    (
        "微信公众号",
        "Yunnan University of Finance and Economics CSSA",
        "gh_y00000000002",
        "",
        "云南财经大学",
        "english",
    ),
    ("抖音", "YNUFE校园", "ynufe_xy", "", "云南财经大学", "english"),
    ("小红书", "yuncai考研", "9393939393", "", "云财", "pinyin"),
]
YUFE_KEYWORDS = {"云南财经大学", "云南财大", "云财", "YUFE"}


# ---------------------------------------------------------------- names: unrelated, with hard negatives
UNRELATED = [
    # 大工 inside ordinary words
    ("抖音", "大工业时代", "dgysd", "工业史科普"),
    ("微信公众号", "大国工匠精神", "gh_n00000000001", ""),
    ("小红书", "大工匠木作", "9494949494", "手工木作"),
    ("微博", "加大工作力度", "9595959595", ""),
    ("抖音", "下大工夫学英语", "xdgf_en", ""),
    ("微信公众号", "大工地日记", "gh_n00000000002", "建筑工人的一天"),
    ("小红书", "大工厂直销", "9696969696", ""),
    ("抖音", "大工资条", "dgzt", ""),
    ("微博", "重大工程建设", "9797979797", ""),
    ("微信公众号", "伟大工程巡礼", "gh_n00000000003", ""),
    ("抖音", "伟大工人阶级", "wdgrjj", ""),
    ("小红书", "强大工具箱", "9898989898", "效率软件推荐"),
    ("微博", "放大工具测评", "9999999990", ""),
    ("抖音", "最大工时计算器", "zdgs", ""),
    ("微信公众号", "扩大工会覆盖面", "gh_n00000000004", ""),
    ("小红书", "大工艺美术馆", "1010101011", ""),
    ("抖音", "超大工作室", "cdgzs", ""),
    ("微博", "巨大工程机械", "1111111112", ""),
    ("微信公众号", "庞大工业体系", "gh_n00000000005", ""),
    ("抖音", "大工期项目管理", "dgqxm", ""),
    ("小红书", "大工种介绍", "1212121213", ""),
    ("微博", "放大工序", "1313131314", ""),
    ("微信公众号", "加大工资保障", "gh_n00000000006", ""),
    ("抖音", "大工程师老王", "dgcslw", ""),
    # other universities and places in Dalian
    ("微信公众号", "大连海事大学", "gh_n00000000007", ""),
    ("微博", "大连工业大学", "1414141415", ""),
    ("抖音", "大连交通大学", "djtu_gf", ""),
    ("微信公众号", "大连医科大学", "gh_n00000000008", ""),
    ("小红书", "大连外国语大学", "1515151516", ""),
    ("微博", "大连大学", "1616161617", ""),
    ("抖音", "大连民族大学", "dlnu_gf", ""),
    ("微信公众号", "辽宁师范大学", "gh_n00000000009", ""),
    ("微博", "东北财经大学", "1717171718", ""),
    ("抖音", "北京理工大学", "bit_gf", ""),
    ("微信公众号", "华南理工大学", "gh_n00000000010", ""),
    ("小红书", "武汉理工大学", "1818181819", ""),
    ("微博", "大连科技学院", "1919191910", ""),
    ("抖音", "大连理发店推荐", "dllfd", ""),
    ("微信公众号", "大连李工装修", "gh_n00000000011", "装修设计"),
    ("小红书", "大连工人文化宫", "2020202021", ""),
    ("抖音", "大连生活圈", "dlshq", ""),
    ("微博", "大连旅游", "2121212122", ""),
    ("微信公众号", "理工男的日常", "gh_n00000000012", ""),
    ("抖音", "理工科学习", "lgkxx", ""),
    ("小红书", "大学生活记录", "2222222223", ""),
    ("微博", "连理枝", "2323232324", ""),
    ("微信公众号", "Dalian Maritime University", "gh_n00000000013", ""),
    ("抖音", "Dalian Jiaotong University", "djtu_en", ""),
    ("小红书", "Dalian Medical University", "2424242425", ""),
    ("微博", "Dalian University", "2525252526", ""),
    ("微信公众号", "Beijing Institute of Technology", "gh_n00000000014", ""),
    ("抖音", "Wuhan University of Technology", "whut_en", ""),
    ("小红书", "Dalian Polytechnic University", "2626262627", ""),
    # pinyin and Latin look-alikes
    ("抖音", "dagongren日记", "dagongren", "打工人的一天"),
    ("微博", "打工人打工魂", "2727272728", ""),
    ("小红书", "dagongzai", "2828282829", ""),
    ("抖音", "Dutch Learning", "dutch_nl", ""),
    ("微信公众号", "Duty Free Shop", "gh_n00000000015", ""),
    ("小红书", "dutiful daughter", "2929292920", ""),
    ("微博", "dating tips", "3030303031", ""),
    ("抖音", "Dagong Global Credit", "dagong_credit", "大公国际资信"),
    ("微信公众号", "大公报", "gh_n00000000016", ""),
    ("抖音", "大公馆", "dgg_home", ""),
    ("小红书", "大宫女", "3131313132", ""),
    ("微博", "打工日记", "3232323233", ""),
    ("抖音", "DUT测试板卡", "dut_board", "芯片测试 device under test"),
    ("微信公众号", "半导体DUT测试", "gh_n00000000017", "Device Under Test"),
    ("小红书", "Durban University of Technology", "3333333334", ""),
    ("抖音", "dlutz", "dlutz", ""),
    ("微博", "dalian", "3434343435", ""),
    ("小红书", "ligong", "3535353536", ""),
    ("抖音", "大连 理发 工作室", "dllfgzs", ""),
    # ordinary names
    ("微信公众号", "校园新闻社", "gh_n00000000018", ""),
    ("抖音", "化学实验室", "hxsys", ""),
    ("小红书", "机械工程师笔记", "3636363637", ""),
    ("微博", "图书馆里的猫", "3737373738", ""),
    ("抖音", "研究生日常", "yjsrc", ""),
    ("微信公众号", "青年之声", "gh_n00000000019", ""),
    ("小红书", "学生会日常", "3838383839", ""),
    ("微博", "计算机考研", "3939393930", ""),
    ("抖音", "控制工程", "kzgc", ""),
    ("微信公众号", "管理与经济", "gh_n00000000020", ""),
    ("小红书", "马克思主义学习", "4040404041", ""),
    ("微博", "海外学人", "4141414142", ""),
    ("抖音", "本科招生咨询", "bkzszx", ""),
    ("微信公众号", "摄影协会", "gh_n00000000021", ""),
    ("小红书", "International Students Club", "4242424243", ""),
    ("微博", "北京校友会", "4343434344", ""),
    ("抖音", "民盟之声", "mmzs", ""),
    ("微信公众号", "电信学部", "gh_n00000000022", ""),
    ("小红书", "大学英语学习", "4444444445", ""),
    ("抖音", "大海工作日志", "dhgzrz", ""),
    ("微博", "大雁工坊", "4545454546", ""),
    ("微信公众号", "大理工艺品", "gh_n00000000023", ""),
    # YUFE
    ("抖音", "云南财经职业学院", "yncjzy", ""),
    ("微博", "云南大学", "4646464647", ""),
    ("小红书", "云财务软件", "4747474748", "财务记账"),
    ("微信公众号", "彩云财富", "gh_n00000000024", ""),
]


def name_rows() -> list[list[str]]:
    rows = registered_rows()
    for platform, name, handle, bio, inst, copied in IMPERSONATIONS:
        kw = keyword_of(copied, inst)
        rows.append([platform, name, handle, "", bio, inst, IMP, kw, f"impersonation of {copied}"])
    for platform, name, handle, bio, kw, case in USES:
        inst = "yufe" if kw in YUFE_KEYWORDS else "dut"
        rows.append([platform, name, handle, "", bio, inst, USE, kw, case])
    for i, (platform, name, handle, bio) in enumerate(UNRELATED):
        inst = "yufe" if i >= len(UNRELATED) - 4 else "dut"
        rows.append([platform, name, handle, "", bio, inst, NONE, "", "hard negative"])
    return rows


# ---------------------------------------------------------------- snippets
# Benign official news (negatives). Some carry contact numbers, links, QR-code wording, or phrases that
# contain a lexicon term without being it (秘密武器, 手机密码, 神秘密码, 商业机密, warnings against 代写论文).
BENIGN = [
    "我校举行2026年新生开学典礼，校长为新生上了开学第一课。",
    "化学学院召开学生工作会议，部署新学期重点任务。",
    "学校召开党委理论学习中心组学习会议，深入学习贯彻党的二十届四中全会精神。",
    "图书馆开展“书香校园”阅读推广活动，欢迎广大师生踊跃参加。",
    "机械工程学院学子在全国大学生机械创新设计大赛中获一等奖。",
    "研究生院发布2027年硕士研究生招生简章，报名咨询电话：0411-84708888。",
    "招生宣传办公室：欢迎报考大连理工大学，咨询电话0411-84707777，网址 zs.dlut.edu.cn。",
    "校团委组织青年志愿者走进社区，开展科普宣传服务。",
    "学校举办保密教育专题讲座，引导师生筑牢保密防线、守护国家秘密。",
    "信息安全讲座介绍了信息的机密性、完整性和可用性三项基本属性。",
    "网络与信息化中心提醒：请勿向他人泄露手机密码和统一身份认证密码。",
    "团队介绍说，坚持每天复盘是他们夺冠的秘密武器。",
    "科普讲座带领同学们探索宇宙的秘密，现场气氛热烈。",
    "生命科学学院举办开放日，带你揭开细胞里的神秘密码。",
    "法学院模拟法庭围绕侵犯商业秘密案件展开辩论。",
    "经济管理讲座中，嘉宾谈到企业如何保护商业机密。",
    "保卫处提醒：刷单兼职诈骗高发，请同学们提高警惕，谨防上当。",
    "学风建设月活动中，学校重申严禁代写论文、代考等学术不端行为。",
    "研究生院开展学术诚信教育，强调打击代写论文等学术不端行为。",
    "新生入学须知：请扫码关注学校官方微信公众号，及时获取通知。",
    "校友工作处举办校友返校日活动，校友们谈笑风生，共叙母校情谊。",
    "希望同学们再接再厉，在新的学期取得更加优异的成绩。",
    "各单位要按部就班推进年度重点工作，确保各项任务落到实处。",
    "运动会上，同学们一鼓作气，夺得团体总分第一名。",
    "毕业生们迫不及待地与导师合影留念。",
    "新落成的校史馆美轮美奂，吸引众多师生参观。",
    "改革不能墨守成规，要敢于创新、善于创新。",
    "即使天气寒冷，志愿者们依然坚守岗位。",
    "学校举办“红色记忆”主题观影活动，播放电影《绝密使命》。",
    "学生会举办迎新晚会，节目精彩纷呈。",
    "学校召开安全稳定工作会议，部署节假日期间安全工作。",
    "国际合作与交流处举办国际文化节，来自30多个国家的留学生参加。",
    "马克思主义学院开展思政课集体备课活动。",
    "学校与大连市签署战略合作协议，共建产学研合作平台。",
    "电信学部研究团队在《自然》子刊发表最新研究成果。",
    "控制科学与工程学院举办人工智能前沿论坛。",
    "管理与经济学部召开本科教学工作会议。",
    "我校教师荣获辽宁省教学名师称号。",
    "学校开展冬季校园环境整治活动，师生共建美丽校园。",
    "体育馆开放时间调整通知：周一至周五8:00—21:00，咨询电话84706666。",
    "后勤集团提醒师生节约用水用电，共建节约型校园。",
    "学校举行教职工篮球赛，各单位代表队同场竞技。",
    "就业指导中心发布本周招聘会信息，欢迎毕业生参加，详情见 job.dlut.edu.cn。",
    "校医院提醒：流感高发季节，请注意个人防护。",
    "学校举办第十届大学生创新创业大赛决赛。",
    "新生可凭录取通知书到所在学院免费领取校园卡和新生手册。",
    "这项活动既使同学们开阔了眼界，又增进了彼此的了解。",
    "讲座既使大家了解了前沿进展，也激发了科研兴趣。",
    "档案馆举办馆藏档案展，展出一批珍贵的历史文献。",
    "校史讲解员为新生讲述学校的发展历程。",
    "学校举办“中华经典诵读”比赛，营造书香氛围。",
    "博物馆开放日活动，欢迎校外观众预约参观，预约电话：0411-84701234。",
    "学院组织参观红色教育基地，缅怀革命先烈。",
    "学校发布寒假放假通知，请各单位做好假期值班安排。",
    "留学生们在春节联欢会上表演了精彩的中国传统节目。",
    "航空航天学院举办无人机设计大赛，同学们的作品各显神通。",
    "课堂上，老师分享了学习高等数学的“小秘密”：多做题、多总结。",
    "学校召开网络安全工作会议，强调各单位要落实网络安全责任制。",
    "在机密级以上涉密文件管理培训中，保密办老师讲解了定密、标密的规范要求。",
]
# Benign sentences that contain something like a lexicon term: used once each, never combined.
TRICKY = {
    "学校举办保密教育专题讲座，引导师生筑牢保密防线、守护国家秘密。",
    "信息安全讲座介绍了信息的机密性、完整性和可用性三项基本属性。",
    "网络与信息化中心提醒：请勿向他人泄露手机密码和统一身份认证密码。",
    "团队介绍说，坚持每天复盘是他们夺冠的秘密武器。",
    "科普讲座带领同学们探索宇宙的秘密，现场气氛热烈。",
    "生命科学学院举办开放日，带你揭开细胞里的神秘密码。",
    "法学院模拟法庭围绕侵犯商业秘密案件展开辩论。",
    "经济管理讲座中，嘉宾谈到企业如何保护商业机密。",
    "保卫处提醒：刷单兼职诈骗高发，请同学们提高警惕，谨防上当。",
    "学风建设月活动中，学校重申严禁代写论文、代考等学术不端行为。",
    "研究生院开展学术诚信教育，强调打击代写论文等学术不端行为。",
    "学校举办“红色记忆”主题观影活动，播放电影《绝密使命》。",
    "新生可凭录取通知书到所在学院免费领取校园卡和新生手册。",
    "这项活动既使同学们开阔了眼界，又增进了彼此的了解。",
    "讲座既使大家了解了前沿进展，也激发了科研兴趣。",
    "课堂上，老师分享了学习高等数学的“小秘密”：多做题、多总结。",
    "在机密级以上涉密文件管理培训中，保密办老师讲解了定密、标密的规范要求。",
}
# Two sentences around each term, {t} where the (disguised) term goes.
CONTEXTS = {
    "绝密": ["【{t}】关于2027年度人员编制调整的请示（征求意见稿）", "{t}★启用前 2027年硕士研究生招生考试试题"],
    "机密": ["{t}★5年 关于印发重点工作安排的通知，请各单位认真组织学习。", "本文件密级：{t}，各单位收到后妥善保管。"],
    "秘密": ["{t}★1年 关于干部任免的会议纪要", "密级：{t}。关于实验室安全检查情况的通报"],
    "内部资料": ["【{t}】2027年预算调整方案（讨论稿），仅限本单位阅读。", "以下为{t}，仅供参考：各学院绩效分配方案。"],
    "内部文件": ["（{t}）关于人员调整的情况说明，阅后收回。", "附件是学校的{t}，大家先看看。"],
    "请勿外传": ["会议名单如下，{t}。", "【{t}】各学院考核排名情况。"],
    "代写论文": ["毕业季专业{t}，硕士博士均可，加微信详谈。", "{t}、降重、发表一条龙服务，包过。"],
    "刷单兼职": ["寒假{t}，日结工资，学生党优先！", "招聘{t}，动动手指月入过万。"],
    "加微信领取": ["关注本号，{t}考研资料大礼包。", "四六级押题卷，{t}，先到先得。"],
    "免费领取": ["四六级真题{t}，名额有限先到先得！", "转发本条即可{t}网课会员，限时三天。"],
    "低价代购": ["海外正品{t}，支持验货，欢迎咨询。", "{t}名牌化妆品，同学价更优惠。"],
    "既使": ["{t}困难重重，我们也要迎难而上。", "{t}下雨，运动会也将照常举行。"],
    "再接再励": ["希望同学们{t}，再创佳绩。", "全体队员将{t}，争取更好成绩。"],
    "按步就班": ["各项工作要{t}地推进。", "实验操作必须{t}，不可急于求成。"],
    "一股作气": ["队员们{t}，拿下了决赛。", "同学们{t}登上了山顶。"],
    "迫不急待": ["新生们{t}地走进校园。", "同学们{t}地打开了录取通知书。"],
    "谈笑风声": ["晚会现场，嘉宾们{t}，气氛融洽。", "老校友们{t}，回忆起求学时光。"],
    "默守成规": ["科研创新不能{t}。", "教学改革要敢于突破，不能{t}。"],
    "美仑美奂": ["新建成的图书馆{t}。", "灯光秀把校园装点得{t}。"],
}  # fmt: skip
CATEGORY_OF = {
    "classified": ["绝密", "机密", "秘密", "内部资料", "内部文件", "请勿外传"],
    "commercial_ad": ["代写论文", "刷单兼职", "加微信领取", "免费领取", "低价代购"],
    "typo": ["既使", "再接再励", "按步就班", "一股作气", "迫不急待", "谈笑风声", "默守成规", "美仑美奂"],
}
TRADITIONAL = {
    "绝密": "絕密", "机密": "機密", "秘密": "秘密", "内部资料": "內部資料", "内部文件": "內部文件",
    "请勿外传": "請勿外傳", "代写论文": "代寫論文", "刷单兼职": "刷單兼職", "加微信领取": "加微信領取",
    "免费领取": "免費領取", "低价代购": "低價代購", "既使": "既使", "再接再励": "再接再勵",
    "按步就班": "按步就班", "一股作气": "一股作氣", "迫不急待": "迫不急待", "谈笑风声": "談笑風聲",
    "默守成规": "默守成規", "美仑美奂": "美侖美奐",
}  # fmt: skip
SEPARATORS = ["*", " ", "·", "|", "~", "\u200b", "-", "★"]


def evasions(term: str, k: int) -> list[tuple[str, str]]:
    """(disguised term, evasion) for a term: plain, interference characters, traditional, repeated
    characters, and a mix; `k` picks the separator so the set uses every kind."""
    sep = SEPARATORS[k % len(SEPARATORS)]
    out = [(term, "plain"), (sep.join(term), f"interference {sep!r}")]
    if TRADITIONAL[term] != term:
        out.append((TRADITIONAL[term], "traditional"))
    out.append(("".join(c * 2 if i % 2 == 0 else c for i, c in enumerate(term)), "repeated characters"))
    if len(term) > 2:
        out.append((TRADITIONAL[term][0] + " " + TRADITIONAL[term][1:], "traditional + space"))
    return out


def snippet_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for text in BENIGN:
        rows.append([text, "", "benign: tricky" if text in TRICKY else "benign"])
    # longer posts: two or three ordinary benign sentences together
    plain = [t for t in BENIGN if t not in TRICKY]
    for step in (1, 5, 11, 17):
        for i, text in enumerate(plain):
            rows.append([text + plain[(i + step) % len(plain)], "", f"benign, combined ({step})"])
    k = 0
    for category, terms in CATEGORY_OF.items():
        for term in terms:
            for j, (disguised, how) in enumerate(evasions(term, k)):
                text = CONTEXTS[term][j % 2].format(t=disguised)
                if j % 2:
                    text = plain[(k * 3 + j) % len(plain)] + text  # hidden in a longer benign post
                rows.append([text, category, how])
                k += 1
    # full width and circled numbers around the hits, and mixed posts
    rows += [
        [
            "【ＶＩＰ】毕业论文代写论文服务，价格①⓪⓪元起，ＱＱ：１２３４５６７８",
            "commercial_ad",
            "full width + circled",
        ],
        ["①内部资料②请勿外传③仅供参考", "classified", "circled numbers"],
        ["⑴ 机密★1年 ⑵ 关于调整预算的说明", "classified", "circled numbers"],
        ["全网最低价：低价代购，ＶＸ同号，①对①服务", "commercial_ad", "full width + circled"],
        ["兼职招募①号：刷 单 兼 职，日结②⓪⓪", "commercial_ad", "circled + spaces"],
        ["希望大家再接再励、一股作气完成任务。", "typo", "two typos"],
        ["会议纪要（内部文件）：各学院要按步就班推进工作。", "classified;typo", "two categories"],
        ["同学们迫不急待地打开了免费领取的礼包。", "commercial_ad;typo", "two categories"],
        ["【絕密】請勿外傳", "classified", "traditional"],
        ["机机密密文件，请请勿勿外外传传", "classified", "repeated characters"],
        ["代代写写论论文文，速速来来", "commercial_ad", "repeated characters"],
        ["美 仑 美 奂 的 校 园", "typo", "spaces"],
        ["谈*笑*风*声", "typo", "stars"],
        ["內部資料，請勿外傳！", "classified", "traditional"],
        ["加微信領取免費資料", "commercial_ad", "traditional"],
        ["秘密★10年", "classified", "marker"],
        ["绝密★启用前", "classified", "marker"],
        ["机密▲", "classified", "marker"],
        ["机 密 ★ 5 年", "classified", "spaces"],
        # evasions the normaliser does not undo (letters and homophones inside the term): a careful reader
        # still sees the ad
        ["考研资料加V领取，名额有限", "commercial_ad", "letter for a word"],
        ["考研资料加薇信领取，先到先得", "commercial_ad", "homophone"],
        ["代x写x论x文，包过", "commercial_ad", "letters between characters"],
    ]
    return rows


def write(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)


def registry_rows() -> list[list[str]]:
    return [
        [inst, platform, name, handle, original]
        for inst, accounts in (("dut", DUT_ACCOUNTS), ("yufe", YUFE_ACCOUNTS))
        for platform, name, handle, original in accounts
    ]


def main() -> None:
    names, snippets = name_rows(), snippet_rows()
    write(HERE / "registry.csv", REGISTRY_HEADERS, registry_rows())
    write(HERE / "names.csv", NAME_HEADERS, names)
    write(HERE / "snippets.csv", SNIPPET_HEADERS, snippets)
    print(f"names.csv: {len(names)} rows; snippets.csv: {len(snippets)} rows")


if __name__ == "__main__":
    main()
