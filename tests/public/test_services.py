"""The directory and the check, as services: who is listed, and what a URL, an id or a name answers."""

from datetime import date

import pytest

from mediagov.public.services import Verdict, account_verify, directory_accounts, directory_groups, name_key

pytestmark = pytest.mark.django_db


def names(rows) -> set[str]:
    return {r.name for r in rows}


def test_directory_lists_only_the_institutions_listed_accounts(world, published):
    rows = directory_accounts(world.dut)
    # Not YUFE's, not the pending one, not the cancelled one.
    assert names(rows) == {"化工学院官微", "化工学院微博", "机械学院抖音"}
    assert names(directory_accounts(world.yufe)) == {"会计学院官微"}
    by_name = {r.name: r for r in rows}
    assert by_name["化工学院微博"].status_label == "整改中"
    assert by_name["化工学院官微"].last_activity == date(2026, 3, 1)  # Beijing date of the last post
    assert by_name["机械学院抖音"].last_activity is None


def test_directory_filters_by_platform_and_search(world, published):
    assert names(directory_accounts(world.dut, platform="weibo")) == {"化工学院微博"}
    assert names(directory_accounts(world.dut, q="机械")) == {"机械学院抖音"}
    assert names(directory_accounts(world.dut, q="ＤＵＴ_MECH")) == {"机械学院抖音"}  # the id, full-width
    groups = directory_groups(directory_accounts(world.dut))
    assert [g["unit"] for g in groups] == ["化工学院", "机械工程学院"]
    assert [p["label"] for p in groups[0]["platforms"]] == ["微信公众号", "微博"]


def test_name_key_folds_width_case_spaces_and_traditional():
    assert name_key("大連理工大學 學生會！") == name_key("大连理工大学学生会")
    assert name_key("ＤＵＴ Ｎｅｗｓ") == "dutnews"


def test_verify_by_homepage_url_in_another_form(world, published):
    result = account_verify(
        world.dut, "mp.weixin.qq.com/mp/profile_ext?__biz=MzA4MjEwMDAwMQ%3D%3D&scene=124#wechat"
    )
    assert result.verdict == Verdict.OFFICIAL and result.matched_by == "url"
    assert [a.name for a in result.accounts] == ["化工学院官微"]
    assert result.message == "是本校备案的官方帐号"
    weibo = account_verify(world.dut, "https://m.weibo.cn/u/1234567890?from=share")
    assert weibo.verdict == Verdict.OFFICIAL and weibo.accounts[0].status_label == "整改中"


def test_verify_by_platform_id(world, published):
    result = account_verify(world.dut, "GH_CHEM000001")
    assert result.verdict == Verdict.OFFICIAL and result.matched_by == "platform_id"
    assert result.accounts[0].name == "化工学院官微"
    assert account_verify(world.dut, "@dut_mech").accounts[0].name == "机械学院抖音"


def test_verify_by_name_exact_after_normalising(world, published):
    result = account_verify(world.dut, " 化工學院 官微 ")
    assert result.verdict == Verdict.OFFICIAL and result.matched_by == "name"
    assert result.accounts[0].last_activity == date(2026, 3, 1)


def test_cancelled_account_answers_cancelled(world, published):
    result = account_verify(world.dut, "化工学院旧号")
    assert result.verdict == Verdict.CANCELLED
    assert result.accounts[0].status_label == "已注销"
    assert "已注销" in result.message and not result.official


def test_unknown_pending_and_other_tenant_are_not_official(world, published):
    for query in (
        "某某大学表白墙",
        "机械学院新号",
        "会计学院官微",
        "https://weibo.com/u/999999",
        "gh_acc0000001",
    ):
        result = account_verify(world.dut, query)
        assert result.verdict == Verdict.NOT_FOUND, query
        assert result.message == "未找到备案记录（可能不是官方帐号）"
        assert result.accounts == []


def test_near_names_are_offered_but_not_declared_official(world, published):
    result = account_verify(world.dut, "化工学院官微号")
    assert result.verdict == Verdict.AMBIGUOUS and not result.official
    assert "化工学院官微" in {a.name for a in result.accounts}
    assert "化工学院旧号" not in {a.name for a in result.accounts}  # close names are listed accounts only


def test_article_link_of_a_platform_is_not_an_account(world, published):
    result = account_verify(world.dut, "https://mp.weixin.qq.com/s/abcdefg")
    assert result.verdict == Verdict.NOT_FOUND
