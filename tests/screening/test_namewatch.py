"""Name watch (DUT 第九条): verdicts, variants of the protected names, the allowlist, imports and notices."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from mediagov.core.errors import DomainError, ImportFileError
from mediagov.registry.models import AccountStatus, MediaAccount
from mediagov.registry.platforms import Platform, normalise_handle
from mediagov.screening.namewatch import (
    IMPERSONATION,
    REGISTERED,
    UNREGISTERED_USE,
    UNRELATED,
    Discovered,
    NameWatch,
    read_discovered,
)
from mediagov.screening.notices import namewatch_notice_docx

HEADER = "平台,名称,帐号ID,链接,简介\n"


def account(world, name, platform, platform_id, *, status=AccountStatus.ACTIVE):
    return MediaAccount.objects.create(
        institution=world.dut,
        name=name,
        owner="化工学院",
        responsible_unit=world.chem,
        platform=platform,
        platform_id=platform_id,
        handle=normalise_handle(platform, platform_id),
        status=status,
    )


@pytest.fixture
def registry(world):
    world.weibo = account(world, "大连理工大学化工学院", Platform.WEIBO, "1234567890")
    world.wechat = account(world, "大工化工青年", Platform.WECHAT, "gh_abc123def456")
    world.gone = account(world, "大工旧号", Platform.WEIBO, "5550001111", status=AccountStatus.CANCELLED)
    return world


def check(world, name, platform="微博", handle="", url="", bio=""):
    return NameWatch(world.dut).check(Discovered(platform, name, handle, url, bio))


# --- verdicts


def test_registered_by_handle_url_or_name(registry):
    by_id = check(registry, "随便什么名字", handle="1234567890")
    assert by_id.verdict == REGISTERED and by_id.account == registry.weibo.pk
    by_url = check(registry, "大连理工大学化工学院", url="https://m.weibo.cn/u/1234567890?from=feed")
    assert by_url.verdict == REGISTERED and by_url.account == registry.weibo.pk
    by_name = check(registry, "大工化工青年", platform="公众号")
    assert by_name.verdict == REGISTERED and by_name.account == registry.wechat.pk
    assert by_name.keyword == "大工"  # evidence still names the keyword


def test_impersonation_same_name_other_handle(registry):
    r = check(registry, "大连理工大学化工学院", handle="9999999999")
    assert r.verdict == IMPERSONATION and r.account == registry.weibo.pk
    assert r.score == 100 and r.article == "《大连理工大学新媒体管理办法》第九条"
    near = check(registry, "大連理工大學化工學院官方", platform="抖音", handle="dlut_fake")
    assert near.verdict == IMPERSONATION and near.account == registry.weibo.pk


def test_another_unit_of_the_school_is_not_a_copy(registry):
    r = check(registry, "大连理工大学机械学院", handle="2222222222")
    assert (r.verdict, r.keyword, r.account) == (UNREGISTERED_USE, "大连理工大学", None)


def test_cancelled_account_is_not_registered(registry):
    r = check(registry, "大工旧号", handle="5550001111")
    assert r.verdict == UNREGISTERED_USE and r.account is None and r.keyword == "大工"


def test_unregistered_use_and_unrelated(registry):
    r = check(registry, "大连理工考研资料分享", platform="小红书", handle="kaoyan88")
    assert (r.verdict, r.keyword, r.variant, r.account) == (UNREGISTERED_USE, "大连理工", "exact", None)
    assert "大连理工" in r.evidence[-1]
    u = check(registry, "星海美食探店", bio="大工学生常去的店")
    assert (u.verdict, u.keyword, u.account) == (UNRELATED, None, None)
    assert "简介" in u.evidence[-1]  # the bio is evidence, not a verdict


# --- variants


@pytest.mark.parametrize(
    ("name", "keyword", "variant"),
    [
        ("大連理工二手交易", "大连理工", "exact"),  # 繁体
        ("ＤＵＴ校园墙", "DUT", "exact"),  # 全角
        ("大 工 表白墙", "大工", "exact"),  # 空格
        ("大*工☆表白墙", "大工", "exact"),  # 干扰符
        ("大·连·理·工跳蚤市场", "大连理工", "exact"),
        ("dagong树洞", "大工", "pinyin"),
        ("DaLianLiGong Confessions", "大连理工", "pinyin"),
        ("DLUT Study Group", "大连理工大学", "english"),
        ("d u t 学生会", "DUT", "exact"),
        ("Dalian University of Technology Alumni", "大连理工大学", "english"),
        ("dllg考研", "大连理工", "initials"),
    ],
)
def test_variants_are_caught(registry, name, keyword, variant):
    r = check(registry, name, platform="抖音", handle="someone")
    assert (r.verdict, r.keyword, r.variant) == (UNREGISTERED_USE, keyword, variant)


@pytest.mark.parametrize(
    ("name", "keyword", "variant"),
    [
        ("Dalian Ligong 留学生", "大连理工", "pinyin"),  # pinyin by syllable
        ("da gong er shou", "大工", "pinyin"),
        ("dagong_campus", "大工", "pinyin"),  # _ separates words in a name
        ("DLUT_CSSA", "大连理工大学", "english"),
        ("大、连、理、工", "大连理工", "exact"),
        ("Yunnan University of Finance and Economics", None, None),  # another school's English name
    ],
)
def test_more_variants(registry, name, keyword, variant):
    r = check(registry, name, platform="抖音", handle="someone")
    assert (r.keyword, r.variant or None) == (keyword, variant)


def test_english_names_come_from_the_pack(registry):
    assert NameWatch(registry.dut).english == ["Dalian University of Technology", "DUT", "DLUT"]
    pack = registry.dut.pack
    pack["protected_names"]["english"] = ["Dalian Tech"]
    registry.dut.pack = pack
    r = NameWatch(registry.dut).check(Discovered("抖音", "Dalian Tech Alumni", "x"))
    assert (r.verdict, r.keyword, r.variant) == (UNREGISTERED_USE, "大连理工大学", "english")
    assert NameWatch(registry.dut).check(Discovered("抖音", "DLUT Study Group", "x")).verdict == UNRELATED


def test_registered_by_original_id(registry):
    r = check(registry, "大工化工青年", platform="公众号", handle="gh_abc123def456")
    assert (r.verdict, r.account) == (REGISTERED, registry.wechat.pk)


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("大连理工大学化工学院官方", IMPERSONATION),  # 官方 claims to be it
        ("大连理工大学化工学院官微", IMPERSONATION),
        ("大连理工大学化学学院", UNREGISTERED_USE),  # 化学学院 is another unit than 化工学院 (ratio 90)
        ("大工化工青年团", IMPERSONATION),  # one character added to the short part
    ],
)
def test_copies_and_other_units(registry, name, verdict):
    assert check(registry, name, platform="抖音", handle="other").verdict == verdict


def test_the_school_name_plus_own_words_is_not_a_copy_of_the_main_account(registry):
    account(registry, "大连理工大学", Platform.WEIBO, "5874766399")
    assert check(registry, "大连理工大学", handle="1111111111").verdict == IMPERSONATION
    assert check(registry, "大连理工大学学长", handle="2222222222").verdict == UNREGISTERED_USE


def test_matched_text_is_quoted_as_written(registry):
    assert check(registry, "大連理工二手", platform="抖音", handle="a").matched == "大連理工"
    assert check(registry, "小 大*工 树洞", platform="抖音", handle="b").matched == "大*工"
    assert check(registry, "ＤＵＴ墙", platform="抖音", handle="c").matched == "ＤＵＴ"


@pytest.mark.parametrize(
    "name",
    [
        "大工业时代",
        "大工作室",
        "加大工作力度宣传号",
        "大工匠精神",
        "大工程观察",
        "打工人日记",
        "dagongren打工日常",
        "Dutch Food",
        "students union",
        "dg工作室",
    ],
)
def test_ordinary_words_are_not_flagged(registry, name):
    assert check(registry, name, platform="抖音", handle="x1").verdict == UNRELATED


def test_allowlist_does_not_hide_a_real_use(registry):
    r = check(registry, "大工业时代·大工校友", platform="抖音", handle="x2")
    assert (r.verdict, r.keyword) == (UNREGISTERED_USE, "大工")


# --- import


def test_import_missing_header_and_gbk(registry):
    with pytest.raises(ImportFileError, match="缺少表头：名称"):
        read_discovered("平台,帐号ID\n微博,1\n".encode(), "a.csv")
    rows = read_discovered((HEADER + "微博,大工树洞,123,,大工学生\n").encode("gbk"), "gbk.csv")
    assert (rows[0].platform, rows[0].name, rows[0].handle, rows[0].bio, rows[0].row) == (
        "微博",
        "大工树洞",
        "123",
        "大工学生",
        2,
    )
    with pytest.raises(ImportFileError) as exc:
        read_discovered((HEADER + "微博,,1,,\n").encode(), "blank.csv")
    assert exc.value.lines("blank.csv") == ["blank.csv：第2行“名称”：名称不能为空"]


# --- CLI contract


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_json_contract(registry, tmp_path):
    file = tmp_path / "found.csv"
    file.write_text(
        HEADER
        + "微博,大连理工大学化工学院,1234567890,,\n"
        + "微博,大连理工大学化工学院,,https://weibo.com/u/8888888888,假的\n"
        + "抖音,dlut表白墙,,,\n"
        + "B站,星海美食,,,\n",
        encoding="utf-8-sig",
    )
    data = json.loads(run("namewatch", str(file), "--institution", "dut", "--json"))
    assert isinstance(data, list) and len(data) == 4
    for item in data:
        assert {"verdict", "keyword", "account"} <= set(item)
    assert [(d["verdict"], d["keyword"], d["account"]) for d in data] == [
        (REGISTERED, "大连理工大学", registry.weibo.pk),
        (IMPERSONATION, "大连理工大学", registry.weibo.pk),
        (UNREGISTERED_USE, "大连理工大学", None),
        (UNRELATED, None, None),
    ]
    notices = tmp_path / "notices"
    table = run("namewatch", str(file), "--institution", "dut", "--notices", str(notices))
    assert "未经审批使用学校名称" in table and "需责令更名或注销2个" in table
    assert len(list(notices.glob("*.docx"))) == 2


def test_cli_errors(world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("平台,帐号\n微博,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.csv：缺少表头：名称"):
        run("namewatch", str(bad), "--institution", "dut", "--json")
    with pytest.raises(CommandError, match="学校“nope”不存在"):
        run("namewatch", str(bad), "--institution", "nope")


# --- notice


def test_notice_docx_cites_article_nine(registry):
    r = check(registry, "大工考研树洞", platform="抖音", handle="dg123")
    doc = Document(io.BytesIO(namewatch_notice_docx(registry.dut, r, today=date(2026, 12, 1))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "责令更名/注销通知" in text and "《大连理工大学新媒体管理办法》第九条" in text
    assert "“大工考研树洞”" in text and "2026年12月01日" in text
    with pytest.raises(DomainError, match="无需发出"):
        namewatch_notice_docx(registry.dut, check(registry, "星海美食"))
