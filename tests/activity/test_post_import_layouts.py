"""The posts import's layouts: the generic file and the back-office exports of one account (WeChat 公众号,
Weibo, Douyin), in every encoding; detection, the chosen account, streaming, progress and limits."""

import pytest

from mediagov.activity import imports
from mediagov.activity.imports import detect_layout, find_account, post_import
from mediagov.activity.models import Post, PostSource
from mediagov.core.errors import ImportFileError
from mediagov.registry.platforms import Platform

from ..imports.builders import (
    DOUYIN_SAMPLE,
    WECHAT_SAMPLE,
    WEIBO_SAMPLE,
    as_xlsx,
    csv_of,
    encoded,
    sample_rows,
)
from ..registry.factories import register
from .builders import FORMULA, csv_bytes, local

WX = ["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "迎新季", "", ""]
WEIBO = ["微博", "1234567890", "2026-10-05", "秋季运动会", "", ""]


@pytest.fixture
def douyin(w):
    w.douyin = register(w, name="化工学院抖音", platform=Platform.DOUYIN, platform_id="dut_chem_2026")
    return w.douyin


def run(inst, data, filename="export.csv", **kwargs):
    return post_import(institution=inst, data=data, filename=filename, **kwargs)


def titles(account) -> list[str]:
    return list(Post.objects.filter(account=account).order_by("published_at").values_list("title", flat=True))


# --- each layout ----------------------------------------------------------------------------------------


def test_wechat_export(w):
    result = run(w.dut, WECHAT_SAMPLE.read_bytes(), WECHAT_SAMPLE.name, account=w.wx)
    assert (result.layout, result.rows, result.created, result.account_ids) == ("wechat", 3, 3, [w.wx.pk])
    assert result.ignored_headers == []  # an export's statistics columns are expected, not reported
    post = Post.objects.get(title="迎新季｜欢迎2026级新同学")
    assert post.account == w.wx and post.source == PostSource.EXPORT
    assert post.published_at == local(2026, 10, 3, 8, 0, 12)
    assert post.url == "https://mp.weixin.qq.com/s/AbCdEf123456"


def test_weibo_export_titles_posts_by_their_first_line(w):
    result = run(w.dut, WEIBO_SAMPLE.read_bytes(), WEIBO_SAMPLE.name, account=w.weibo)
    assert (result.layout, result.created) == ("weibo", 3)
    assert titles(w.weibo) == [
        "【秋季运动会开幕】今天上午，学校第六十届秋季运动会在主体育场开幕。",
        "#校园风光# 雨后的图书馆",
        "（无标题）",
    ]
    first = Post.objects.get(url="https://weibo.com/1234567890/PqRsTuVwX")
    assert first.text.endswith("\n#大工运动会#")  # the whole post is its text
    assert first.published_at == local(2026, 10, 5, 9, 12)


def test_weibo_long_first_line_is_cut(w):
    rows = [["博文内容", "发布时间"], ["长" * 150 + "\n第二行", "2026-10-05 09:12"]]
    run(w.dut, csv_of(rows), account=w.weibo)
    post = Post.objects.get()
    assert post.title == "长" * 99 + "…" and post.text == "长" * 150 + "\n第二行"


def test_douyin_export_links_works_by_their_id(w, douyin):
    result = run(w.dut, DOUYIN_SAMPLE.read_bytes(), DOUYIN_SAMPLE.name, account=douyin)
    assert (result.layout, result.created) == ("douyin", 3)
    assert titles(douyin) == ["开学第一天｜跟着镜头逛校园 #开学季", "实验室的一天", "（无标题）"]
    assert Post.objects.get(title="实验室的一天").url == "https://www.douyin.com/video/7425678901234567890"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize(
    ("sample", "account"), [(WECHAT_SAMPLE, "wx"), (WEIBO_SAMPLE, "weibo"), (DOUYIN_SAMPLE, "douyin")]
)
def test_every_layout_in_every_encoding(w, douyin, sample, account, encoding):
    result = run(w.dut, encoded(sample, encoding), sample.name, account=getattr(w, account))
    assert result.created == 3
    assert result.encoding == {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8"}.get(encoding, "gb18030")
    assert Post.objects.filter(account=getattr(w, account)).count() == 3


def test_gb18030_characters_outside_gbk(w):
    rows = [["内容标题", "发表时间", "总阅读人数"], ["吉祥的“𠮷”字", "2026-10-03 08:00", "10"]]
    with pytest.raises(UnicodeEncodeError):
        csv_of(rows, "gbk")
    run(w.dut, csv_of(rows, "gb18030"), account=w.wx)
    assert Post.objects.get().title == "吉祥的“𠮷”字"


@pytest.mark.parametrize(
    ("sample", "account"), [(WECHAT_SAMPLE, "wx"), (WEIBO_SAMPLE, "weibo"), (DOUYIN_SAMPLE, "douyin")]
)
def test_every_layout_as_xlsx(w, douyin, sample, account):
    data = as_xlsx(sample_rows(sample))
    assert run(w.dut, data, "导出.xlsx", account=getattr(w, account)).created == 3


def test_same_export_twice_adds_nothing(w):
    data = WECHAT_SAMPLE.read_bytes()
    run(w.dut, data, account=w.wx)
    again = run(w.dut, encoded(WECHAT_SAMPLE, "gbk"), account=w.wx)
    assert (again.created, again.skipped_existing) == (0, 3)
    assert Post.objects.count() == 3


# --- detection ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "layout"),
    [
        (["平台", "帐号ID", "发布时间", "标题"], "generic"),
        (["发布平台", "账号ID", "发表时间", "内容标题", "总阅读人数"], "generic"),  # 平台/帐号ID decide
        (["内容标题", "发表时间"], "wechat"),
        (["群发时间", "文章标题", "送达人数"], "wechat"),
        (["发布时间", "微博内容", "转发数"], "weibo"),
        (["作品名称", "发布时间", "播放量"], "douyin"),
    ],
)
def test_detect_layout(headers, layout):
    assert detect_layout(headers)[0].code == layout


def test_unknown_layout_lists_what_each_layout_needs(w):
    data = csv_of([["日期", "内容摘要", "阅读量"], ["2026-10-03", "x", "1"]])
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, data, "未知.csv")
    exc = excinfo.value
    assert (
        exc.message
        == "无法识别文件格式：表头与任何一种可导入的格式都不符。文件的表头为：日期、内容摘要、阅读量"
    )
    assert exc.lines("未知.csv") == [
        "未知.csv：“通用格式”：须有列：平台、帐号ID、发布时间、标题（示例文件 docs/samples/posts-sample.csv）",
        "未知.csv：“微信公众号后台“发表记录”导出”：须有列：内容标题、发表时间（示例文件 docs/samples/posts-wechat-sample.csv）",
        "未知.csv：“微博后台“博文”导出”：须有列：博文内容、发布时间（示例文件 docs/samples/posts-weibo-sample.csv）",
        "未知.csv：“抖音创作者中心“作品数据”导出”：须有列：作品名称、发布时间（示例文件 docs/samples/posts-douyin-sample.csv）",
    ]


def test_ambiguous_and_incomplete_exports(w):
    with pytest.raises(
        ImportFileError, match="无法确定文件格式：表头同时符合微博后台“博文”导出、抖音创作者中心"
    ):
        detect_layout(["博文内容", "作品名称", "发布时间"])
    with pytest.raises(ImportFileError) as excinfo:
        detect_layout(["内容标题", "总阅读人数"])
    assert excinfo.value.message == "缺少必需的列：发表时间（文件按微信公众号后台“发表记录”导出识别）"
    assert excinfo.value.errors == [(1, "发表时间", "缺少必需的列")]


# --- the chosen account ---------------------------------------------------------------------------------


def test_an_export_needs_its_account(w):
    with pytest.raises(ImportFileError, match="没有“平台”“帐号ID”列：请指定它属于哪个帐号"):
        run(w.dut, WECHAT_SAMPLE.read_bytes())
    with pytest.raises(ImportFileError, match="所选帐号“机械工程学院”是微博帐号，而该文件是微信公众号后台"):
        run(w.dut, WECHAT_SAMPLE.read_bytes(), account=w.weibo)
    with pytest.raises(ImportFileError, match="所选帐号不属于本校"):
        run(w.dut, WECHAT_SAMPLE.read_bytes(), account=w.acc_wx)
    assert Post.objects.count() == 0


def test_an_export_for_someone_elses_account(w):
    with pytest.raises(ImportFileError, match="无权导入帐号“化工学院”的发布记录"):
        run(w.dut, WECHAT_SAMPLE.read_bytes(), account=w.wx, user=w.mech_op)
    assert run(w.dut, WECHAT_SAMPLE.read_bytes(), account=w.wx, user=w.chem_op).created == 3


def test_generic_file_with_a_chosen_account_must_keep_to_it(w):
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_bytes([WX, WEIBO]), account=w.wx)
    assert excinfo.value.errors == [(3, "帐号ID", "与所选帐号“化工学院”不符")]


def test_find_account_by_platform_and_id(w):
    assert find_account(w.dut, "wechat:gh_0123456789AB") == w.wx
    assert find_account(w.dut, "微博：https://weibo.com/u/1234567890") == w.weibo
    with pytest.raises(ImportFileError, match="请写成 平台:帐号ID"):
        find_account(w.dut, "gh_0123456789ab")
    with pytest.raises(ImportFileError, match="未找到已登记的微博帐号“42”"):
        find_account(w.dut, "微博:42")


# --- cells, files, streaming ----------------------------------------------------------------------------


def test_hostile_cells_are_plain_text(w):
    rows = [
        ["内容标题", "发表时间", "摘要"],
        [FORMULA, "2026-10-03 08:00", "@SUM(1+1)"],
        ["'" + FORMULA, "2026-10-04", ""],
    ]
    run(w.dut, csv_of(rows), account=w.wx)
    assert titles(w.wx) == [FORMULA, FORMULA]  # our exports' escape ("'=…") comes back as it was
    xlsx = as_xlsx([["作品名称", "发布时间", "播放量"], ["=1+1", "2026-10-05 08:00", "=A1*2"]])
    run(w.dut, xlsx, "f.xlsx", account=register(w, name="抖音2", platform=Platform.DOUYIN, platform_id="d2"))
    assert Post.objects.get(title="=1+1").published_at == local(2026, 10, 5, 8, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        ("\ufeff".encode(), "文件为空"),
        ("内容标题,发表时间,总阅读人数\r\n".encode("gbk"), "文件中只有表头，没有数据行"),
    ],
)
def test_empty_exports(w, data, message):
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, data, account=w.wx)
    assert excinfo.value.message == message


def test_encoding_that_changes_midway(w):
    head = "内容标题,发表时间\r\n" + "".join(f"第{i}条,2026-10-03 08:00\r\n" for i in range(4000))
    data = head.encode("utf-8") + "国庆返校,2026-10-08 20:30\r\n".encode("gbk")
    assert len(head.encode()) > imports_sample_size()
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, data, account=w.wx)
    message = excinfo.value.message
    assert message.endswith(
        "行附近的内容不是UTF-8编码（文件开头是UTF-8），请将整个文件另存为同一种编码后重新上传"
    )
    assert 3900 < int(message[1 : message.index("行")]) <= 4002  # read ahead in blocks: "near"
    assert Post.objects.count() == 0


def imports_sample_size() -> int:
    from mediagov.core.tabular import STREAM_SAMPLE

    return STREAM_SAMPLE


def test_many_rows_in_chunks_with_progress(w, monkeypatch, tmp_path):
    """A smoke test of a large file, small: 3,000 rows streamed from a path in chunks of 500."""
    monkeypatch.setattr(imports, "STAGE_CHUNK", 500)
    rows = [["平台", "帐号ID", "发布时间", "标题", "链接"]] + [
        ["公众号", "gh_0123456789ab", "2026-09-01 08:00", f"第{i}条", f"https://mp.weixin.qq.com/s/{i}"]
        for i in range(3000)
    ]
    path = tmp_path / "大文件.csv"
    path.write_bytes(csv_of(rows + rows[1:101]))  # the first 100 rows twice
    calls = []
    result = post_import(
        institution=w.dut, path=path, filename=path.name, progress=lambda n, f: calls.append((n, f))
    )
    assert (result.rows, result.created, result.duplicates) == (3100, 3000, 100)
    assert [n for n, _ in calls] == [500, 1000, 1500, 2000, 2500, 3000, 3100]
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0 < fractions[0] < 0.5
    again = post_import(institution=w.dut, path=path, filename=path.name)
    assert (again.created, again.skipped_existing, again.duplicates) == (0, 3000, 100)
    assert Post.objects.count() == 3000


def test_errors_are_capped_but_counted(w, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ERRORS", 3)
    rows = [["内容标题", "发表时间"]] + [[f"第{i}条", "昨天"] for i in range(5)]
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_of(rows), account=w.wx)
    exc = excinfo.value
    assert exc.message == "发布记录文件有5行存在错误，未导入任何数据（共5个问题，只列出前3个）"
    assert len(exc.errors) == 3 and exc.error_count == 5


def test_a_dry_run_with_errors_still_counts_the_good_rows(w):
    run(w.dut, csv_bytes([WX]))
    bad = ["微信公众号", "gh_0123456789ab", "昨天", "坏行", "", ""]
    new = ["微信公众号", "gh_0123456789ab", "2026-10-04", "新的", "", ""]
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_bytes([WX, bad, new, new]), dry_run=True)
    result = excinfo.value.result
    assert (result.rows, result.created, result.skipped_existing, result.duplicates, result.error_rows) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert Post.objects.count() == 1
