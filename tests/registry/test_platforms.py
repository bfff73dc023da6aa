import pytest

from mediagov.registry.platforms import (
    MEDIA_GROUPS,
    PLATFORM_INFO,
    HandleError,
    Platform,
    normalise_handle,
    normalise_url,
    platform_from_text,
    platform_group,
)

BIZ = "MzA3NjA2NzQ2Mw=="


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # weibo: numeric uid or lower-case custom name
        ("https://weibo.com/u/1234567890", ("weibo", "1234567890")),
        ("weibo.com/u/1234567890/", ("weibo", "1234567890")),
        ("https://m.weibo.cn/u/1234567890?uid=1&luicode=10000011", ("weibo", "1234567890")),
        ("https://m.weibo.cn/profile/1234567890", ("weibo", "1234567890")),
        ("https://weibo.com/1234567890?refer_flag=1001030103_&is_all=1", ("weibo", "1234567890")),
        ("https://weibo.com/p/1005051234567890/home", ("weibo", "1234567890")),
        ("http://www.weibo.com/DLUT#place", ("weibo", "dlut")),
        ("https://weibo.com/n/DLUT", ("weibo", "dlut")),
        (
            "https://weibo.com/n/%E5%A4%A7%E8%BF%9E%E7%90%86%E5%B7%A5%E5%A4%A7%E5%AD%A6",
            ("weibo", "大连理工大学"),
        ),
        # WeChat: __biz from an article link or the profile page
        (
            f"https://mp.weixin.qq.com/s?__biz={BIZ}&mid=2650&idx=1&sn=abc#wechat_redirect",
            ("wechat", f"biz:{BIZ}"),
        ),
        (
            "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA3NjA2NzQ2Mw%3D%3D&scene=124",
            ("wechat", f"biz:{BIZ}"),
        ),
        ("http://mp.weixin.qq.com/s?__biz=MzA3NjA2NzQ2Mw&amp;mid=1", ("wechat", f"biz:{BIZ}")),
        # douyin: sec uid (case kept); short links keep their code
        (
            "https://www.douyin.com/user/MS4wLjABAAAAx9Yz_AbC?from_tab_name=main",
            ("douyin", "MS4wLjABAAAAx9Yz_AbC"),
        ),
        ("https://v.douyin.com/iRNBho6u/", ("douyin", "short:iRNBho6u")),
        # kuaishou
        ("https://www.kuaishou.com/profile/3xAbcDef?fid=1", ("kuaishou", "3xabcdef")),
        ("https://live.kuaishou.com/u/3xabcdef", ("kuaishou", "3xabcdef")),
        # bilibili
        ("https://space.bilibili.com/12345", ("bilibili", "12345")),
        ("https://space.bilibili.com/12345/dynamic?spm_id_from=333", ("bilibili", "12345")),
        ("https://m.bilibili.com/space/12345", ("bilibili", "12345")),
        # xiaohongshu
        (
            "https://www.xiaohongshu.com/user/profile/5F1A2B3C4D5E6F7A8B9C0D1E?xsec_token=x",
            ("xiaohongshu", "5f1a2b3c4d5e6f7a8b9c0d1e"),
        ),
        # zhihu: people and org
        ("https://www.zhihu.com/people/DLUT-news/posts", ("zhihu", "dlut-news")),
        ("https://www.zhihu.com/org/da-lian-li-gong-da-xue", ("zhihu", "da-lian-li-gong-da-xue")),
        # tieba: url-decoded kw (UTF-8 or the GBK of old links)
        (
            "https://tieba.baidu.com/f?kw=%E5%A4%A7%E8%BF%9E%E7%90%86%E5%B7%A5%E5%A4%A7%E5%AD%A6&ie=utf-8",
            ("tieba", "大连理工大学"),
        ),
        ("http://tieba.baidu.com/f?kw=%B4%F3%C1%AC%C0%ED%B9%A4%B4%F3%D1%A7", ("tieba", "大连理工大学")),
        ("https://tieba.baidu.com/f?kw=大连理工大学", ("tieba", "大连理工大学")),
        # toutiao: token (case kept) or numeric id
        (
            "https://www.toutiao.com/c/user/token/MS4wLjABAAAAq1W2e3/?source=profile",
            ("toutiao", "MS4wLjABAAAAq1W2e3"),
        ),
        ("https://www.toutiao.com/c/user/51234567890/", ("toutiao", "51234567890")),
        # baijiahao
        ("https://baijiahao.baidu.com/u?app_id=1600123456789012", ("baijiahao", "1600123456789012")),
        (
            "https://author.baidu.com/home?from=bjh_article&app_id=1600123456789012",
            ("baijiahao", "1600123456789012"),
        ),
    ],
)
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/u/123",
        "https://news.dlut.edu.cn/",
        "not a url",
        "",
        "ftp://weibo.com/u/1",
        "https://weibo.com/",
        "https://m.weibo.cn/detail/4900000000000000",
        "https://mp.weixin.qq.com/s/AbCdEf",  # an article short link names no account
        "https://www.douyin.com/video/7300000000000000000",
        "https://baijiahao.baidu.com/s?id=1780000000000000000",
    ],
)
def test_normalise_url_unknown_or_not_an_account(url):
    assert normalise_url(url) is None


@pytest.mark.parametrize(
    ("platform", "first", "second"),
    [
        ("weibo", "https://weibo.com/u/1234567890", "m.weibo.cn/profile/1234567890?luicode=1"),
        ("weibo", "https://weibo.com/1234567890?refer=x", "https://m.weibo.cn/u/1234567890"),
        ("weibo", "https://weibo.com/DLUT", "@dlut"),
        ("wechat", f"https://mp.weixin.qq.com/s?__biz={BIZ}&mid=1", "MzA3NjA2NzQ2Mw"),
        ("wechat", "gh_1A2B3C4D5E6F", "gh_1a2b3c4d5e6f"),
        ("bilibili", "https://space.bilibili.com/12345", "https://m.bilibili.com/space/12345/"),
        ("bilibili", "https://space.bilibili.com/12345", "UID:12345"),
        ("zhihu", "https://www.zhihu.com/people/Dlut", "dlut"),
        (
            "tieba",
            "https://tieba.baidu.com/f?kw=%E5%A4%A7%E8%BF%9E%E7%90%86%E5%B7%A5%E5%A4%A7%E5%AD%A6",
            "大连理工大学吧",
        ),
        ("douyin", "https://www.douyin.com/user/MS4wLjABAAAAx9Yz", "MS4wLjABAAAAx9Yz"),
        ("kuaishou", "https://www.kuaishou.com/profile/3xABC", "3xabc"),
        ("news_site", "https://news.dlut.edu.cn/index.htm?from=x", "HTTP://www.News.dlut.edu.cn/index.htm/"),
    ],
)
def test_two_forms_of_the_same_account_give_one_handle(platform, first, second):
    assert normalise_handle(platform, first) == normalise_handle(platform, second) != ""


@pytest.mark.parametrize(
    ("platform", "raw", "handle"),
    [
        ("wechat", "gh_ABCdef123456", "gh_abcdef123456"),
        ("wechat", f"biz:{BIZ}", f"biz:{BIZ}"),
        ("wechat", "DLUT_news", "dlut_news"),  # a WeChat ID (微信号)
        ("channels", "sphAbCdEf12", "sphAbCdEf12"),  # 视频号 has no public URL: its sph id
        ("channels", " sphAbCdEf12 ", "sphAbCdEf12"),
        ("douyin", "DLUT1949", "dlut1949"),  # 抖音号
        ("toutiao", "MS4wLjABAAAAq1W2e3", "MS4wLjABAAAAq1W2e3"),
        ("weibo", "1234567890", "1234567890"),
        ("app", "cn.edu.dlut.App", "cn.edu.dlut.app"),
        ("other", "", ""),
        ("weibo", "   ", ""),
    ],
)
def test_normalise_handle(platform, raw, handle):
    assert normalise_handle(platform, raw) == handle


def test_normalise_handle_rejects_another_platforms_url():
    with pytest.raises(HandleError, match="B站"):
        normalise_handle("weibo", "https://space.bilibili.com/12345")


def test_normalise_handle_rejects_a_link_that_names_no_account():
    with pytest.raises(HandleError, match="无法从链接中识别帐号"):
        normalise_handle("wechat", "https://mp.weixin.qq.com/s/AbCdEf")
    with pytest.raises(HandleError, match="不是“微博”的链接"):
        normalise_handle("weibo", "https://news.dlut.edu.cn/")


def test_platform_info_covers_every_platform():
    assert set(PLATFORM_INFO) == set(Platform.values)
    for code, info in PLATFORM_INFO.items():
        assert info.label == Platform(code).label
        assert info.group in MEDIA_GROUPS
    assert platform_group("weibo") == "weibo"
    assert platform_group("wechat") == "wechat"
    assert platform_group("app") == "app"
    assert platform_group("douyin") == "other"
    assert platform_group("channels") == "other"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("微信公众号", "wechat"),
        ("微信", "wechat"),
        ("公众号", "wechat"),
        ("wechat", "wechat"),
        ("WeChat", "wechat"),
        ("B站", "bilibili"),
        ("b站", "bilibili"),
        ("哔哩哔哩", "bilibili"),
        ("新浪微博", "weibo"),
        ("移动客户端(APP)", "app"),
        ("移动客户端（APP）", "app"),
        ("APP", "app"),
        (" 抖音 ", "douyin"),
        ("视频号", "channels"),
        ("百度贴吧", "tieba"),
        ("微信号码", None),
        ("", None),
    ],
)
def test_platform_from_text(text, code):
    assert platform_from_text(text) == code
