"""The posts import service: formats, matching accounts, all or nothing, idempotence, scope."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mediagov.activity import imports
from mediagov.activity.imports import parse_published_at, post_import
from mediagov.activity.models import Post, PostSource
from mediagov.core.errors import ImportFileError
from mediagov.core.models import ActionLog

from .builders import FORMULA, csv_bytes, local, xlsx_bytes

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "posts-sample.csv"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

WX = [
    "微信公众号",
    "gh_0123456789ab",
    "2026-10-03 08:00",
    "迎新季｜欢迎新同学",
    "https://mp.weixin.qq.com/s/A1",
    "开学",
]
WX2 = ["公众号", "gh_0123456789AB", "2026/10/8 20:30", "国庆假期后返校须知", "", ""]
WEIBO = ["微博", "https://weibo.com/u/1234567890", "2026-10-05", "秋季运动会", "weibo.com/1234567890/Pq", ""]


def run(inst, data, filename="发布记录.csv", **kwargs):
    return post_import(institution=inst, data=data, filename=filename, **kwargs)


def errors_of(excinfo) -> list[tuple]:
    return list(excinfo.value.errors)


# --- formats --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(w, encoding):
    result = run(w.dut, csv_bytes([WX, WX2, WEIBO], encoding=encoding))
    assert (result.rows, result.created, result.skipped_existing, result.accounts) == (3, 3, 0, 2)
    post = Post.objects.get(title="迎新季｜欢迎新同学")
    assert post.account == w.wx
    assert post.published_at == local(2026, 10, 3, 8, 0) == datetime(2026, 10, 3, 0, 0, tzinfo=UTC)
    assert (post.url, post.text, post.source) == ("https://mp.weixin.qq.com/s/A1", "开学", PostSource.IMPORT)
    weibo = Post.objects.get(account=w.weibo)
    assert weibo.published_at == local(2026, 10, 5, 0, 0)  # a date alone is 00:00 Beijing time
    assert weibo.url == "https://weibo.com/1234567890/Pq"


def test_gbk_fixture_file(w):
    result = run(w.dut, (FIXTURES / "posts-gbk.csv").read_bytes(), "posts-gbk.csv")
    assert (result.created, result.accounts) == (3, 3)


def test_xlsx_with_excel_dates_and_times(w):
    data = xlsx_bytes(
        [
            ["微信公众号", "gh_0123456789ab", datetime(2026, 10, 3, 8, 30), "Excel时间", "", ""],
            ["微信公众号", "gh_0123456789ab", datetime(2026, 10, 4), "Excel日期时间0点", "", ""],
            ["微信公众号", "gh_0123456789ab", date(2026, 10, 5), "Excel日期", "", ""],
            ["B站", 12345, "2026/10/6 9:05", "数字帐号ID", "", 42],
        ]
    )
    result = run(w.dut, data, "发布记录.xlsx")
    assert result.created == 4
    times = dict(Post.objects.values_list("title", "published_at"))
    assert times["Excel时间"] == local(2026, 10, 3, 8, 30)
    assert times["Excel日期时间0点"] == local(2026, 10, 4, 0, 0)
    assert times["Excel日期"] == local(2026, 10, 5, 0, 0)
    assert Post.objects.get(title="数字帐号ID").account == w.bili
    assert Post.objects.get(title="数字帐号ID").text == "42"


def test_sample_file_imports(w):
    result = run(w.dut, SAMPLE.read_bytes(), SAMPLE.name)
    assert (result.rows, result.created, result.accounts) == (4, 4, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-03 08:00", local(2026, 10, 3, 8, 0)),
        ("2026-10-03 08:00:59", local(2026, 10, 3, 8, 0, 59)),
        ("2026/10/3 8:00", local(2026, 10, 3, 8, 0)),
        ("2026.10.3 8:00", local(2026, 10, 3, 8, 0)),
        ("2026-10-03", local(2026, 10, 3, 0, 0)),
        ("20261003", local(2026, 10, 3, 0, 0)),
        ("2026年10月3日", local(2026, 10, 3, 0, 0)),
        ("2026年10月3日 8:00", local(2026, 10, 3, 8, 0)),
        ("2026年10月3日8时30分", local(2026, 10, 3, 8, 30)),
        ("2026-10-03T08:00:00+08:00", local(2026, 10, 3, 8, 0)),
        ("2026-10-03T00:00:00Z", local(2026, 10, 3, 8, 0)),
        ("2026-10-03 08:00：00".replace("：", ":"), local(2026, 10, 3, 8, 0)),
        (datetime(2026, 10, 3, 8, 0), local(2026, 10, 3, 8, 0)),
        (date(2026, 10, 3), local(2026, 10, 3, 0, 0)),
    ],
)
def test_parse_published_at(text, expected):
    assert parse_published_at(text) == expected


def test_a_time_without_offset_takes_the_zone_s_offset_of_that_day():
    """Asia/Shanghai kept summer time from 1986 to 1991: 08:00 on 1988-07-01 was UTC+9."""
    moment = parse_published_at("1988-07-01 08:00")
    assert moment == datetime(1988, 6, 30, 23, 0, tzinfo=UTC)
    assert str(moment.tzinfo) == "Asia/Shanghai" and moment.utcoffset().total_seconds() == 9 * 3600
    assert parse_published_at("1988-12-01 08:00").utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("昨天", "无法识别的时间“昨天”"),
        ("2026-02-30 08:00", "时间“2026-02-30 08:00”不存在"),
        ("2026-10-03 25:00", "时间“2026-10-03 25:00”不存在"),
        ("08:00", "无法识别的时间“08:00”"),
        ("", "不能为空"),
    ],
)
def test_parse_published_at_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_published_at(text)


# --- matching accounts ----------------------------------------------------------------------------------


def test_account_found_by_id_handle_or_url(w):
    rows = [
        ["微信公众号", "gh_0123456789AB", "2026-10-01", "原样", "", ""],
        ["wechat", " gh_0123456789ab ", "2026-10-02", "小写", "", ""],
        ["微博", "m.weibo.cn/profile/1234567890", "2026-10-03", "手机版主页", "", ""],
        ["新浪微博", "1234567890", "2026-10-04", "uid", "", ""],
        ["哔哩哔哩", "https://space.bilibili.com/12345", "2026-10-05", "B站主页", "", ""],
    ]
    run(w.dut, csv_bytes(rows))
    by_title = {p.title: p.account for p in Post.objects.select_related("account")}
    assert by_title == {
        "原样": w.wx,
        "小写": w.wx,
        "手机版主页": w.weibo,
        "uid": w.weibo,
        "B站主页": w.bili,
    }


def test_other_institutions_account_is_not_matched(w):
    # YUFE's 会计学院 has the same 原始ID as DUT's 化工学院: each institution gets its own.
    run(w.yufe, csv_bytes([WX]))
    assert Post.objects.get().account == w.acc_wx
    with pytest.raises(ImportFileError) as excinfo:
        run(w.yufe, csv_bytes([WEIBO]))
    assert errors_of(excinfo) == [
        (
            2,
            "帐号ID",
            "未找到已登记的微博帐号“https://weibo.com/u/1234567890”，请核对帐号ID或先在帐号台账中登记该帐号",
        )
    ]


def test_unknown_account_and_wrong_platform_link(w):
    rows = [
        ["微博", "999", "2026-10-03", "无此帐号", "", ""],
        ["微信公众号", "1234567890", "2026-10-03", "平台不对", "", ""],
        ["微博", "https://space.bilibili.com/12345", "2026-10-03", "链接不符", "", ""],
        ["抖音号码", "x", "2026-10-03", "平台无法识别", "", ""],
    ]
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_bytes(rows))
    assert errors_of(excinfo) == [
        (2, "帐号ID", "未找到已登记的微博帐号“999”，请核对帐号ID或先在帐号台账中登记该帐号"),
        (3, "帐号ID", "未找到已登记的微信公众号帐号“1234567890”，请核对帐号ID或先在帐号台账中登记该帐号"),
        (4, "帐号ID", "链接属于“B站”，与平台“微博”不符"),
        (5, "平台", "无法识别的平台“抖音号码”"),
    ]


# --- all or nothing -------------------------------------------------------------------------------------


def test_any_row_error_writes_nothing_and_lists_every_error(w):
    rows = [
        WX,
        ["微信公众号", "gh_0123456789ab", "昨天", "时间不对", "", ""],
        ["", "", "", "", "", "只有正文"],
        ["微信公众号", "gh_0123456789ab", "2026-10-03", "x" * 501, "not a url", ""],
        WX2,
    ]
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_bytes(rows), "坏文件.csv")
    exc = excinfo.value
    assert exc.message == "发布记录文件有3行存在错误，未导入任何数据"
    assert exc.lines("坏文件.csv") == [
        "坏文件.csv：第3行“发布时间”：无法识别的时间“昨天”，请使用2026-10-03 08:00、2026/10/3 8:00或2026-10-03（即0点）格式",
        "坏文件.csv：第4行“平台”：不能为空",
        "坏文件.csv：第4行“帐号ID”：不能为空",
        "坏文件.csv：第4行“发布时间”：不能为空",
        "坏文件.csv：第4行“标题”：不能为空",
        "坏文件.csv：第5行“标题”：不能超过500个字符（现有501个）",
        "坏文件.csv：第5行“链接”：链接格式不正确：“not a url”",
    ]
    assert Post.objects.count() == 0
    assert not ActionLog.objects.filter(action="post.imported").exists()


def test_times_out_of_range(w):
    rows = [
        ["微信公众号", "gh_0123456789ab", "1989-12-31", "太早", "", ""],
        ["微信公众号", "gh_0123456789ab", "2999-01-01 08:00", "未来", "", ""],
    ]
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_bytes(rows))
    assert errors_of(excinfo) == [
        (2, "发布时间", "发布时间1989-12-31过早，请核对年份"),
        (3, "发布时间", "发布时间2999-01-01 08:00晚于当前时间，请核对"),
    ]


# --- idempotence ----------------------------------------------------------------------------------------


def test_same_file_twice_adds_nothing(w):
    data = csv_bytes([WX, WX2, WEIBO])
    first = run(w.dut, data)
    second = run(w.dut, data)
    assert (first.created, first.skipped_existing) == (3, 0)
    assert (second.created, second.skipped_existing, second.rows) == (0, 3, 3)
    assert Post.objects.count() == 3


def test_overlapping_file_adds_only_new_posts(w):
    run(w.dut, csv_bytes([WX, WX2]))
    again = run(w.dut, xlsx_bytes([WX2, WEIBO]), "十月.xlsx")  # same posts, read from another format
    assert (again.created, again.skipped_existing) == (1, 1)
    assert Post.objects.count() == 3


def test_duplicate_rows_in_one_file_count_once(w):
    same_link = [
        "微信公众号",
        "gh_0123456789AB",
        "2026-10-04 09:00",
        "改过的标题",
        "https://mp.weixin.qq.com/s/A1",
        "",
    ]
    result = run(w.dut, csv_bytes([WX, WX2, WX, WX2, same_link]))
    assert (result.rows, result.created, result.duplicates) == (5, 2, 3)
    assert (
        Post.objects.get(url="https://mp.weixin.qq.com/s/A1").title == "迎新季｜欢迎新同学"
    )  # first row wins


def test_same_instant_in_another_offset_is_the_same_post(w):
    run(w.dut, csv_bytes([["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "无链接", "", ""]]))
    again = run(
        w.dut, csv_bytes([["微信公众号", "gh_0123456789ab", "2026-10-03T00:00:00Z", "无链接", "", ""]])
    )
    assert (again.created, again.skipped_existing) == (0, 1)


def test_batches_on_a_larger_file(w, monkeypatch):
    monkeypatch.setattr(imports, "STAGE_CHUNK", 70)
    rows = [
        ["微信公众号", "gh_0123456789ab", "2026-09-01", f"第{i}条", f"https://mp.weixin.qq.com/s/{i}", ""]
        for i in range(1200)
    ]
    first = run(w.dut, csv_bytes(rows[:700]))
    assert first.created == 700
    second = run(w.dut, csv_bytes(rows))
    assert (second.created, second.skipped_existing) == (500, 700)
    assert Post.objects.count() == 1200


def test_more_rows_than_the_limit(w, monkeypatch):
    monkeypatch.setattr(imports, "POSTS_MAX_ROWS", 2)
    with pytest.raises(ImportFileError, match="文件行数过多：最多2行数据"):
        run(w.dut, csv_bytes([WX, WX2, WEIBO]))
    assert Post.objects.count() == 0


# --- cells and headers ----------------------------------------------------------------------------------


def test_formula_cells_are_stored_as_text(w):
    rows = [
        ["微信公众号", "gh_0123456789ab", "2026-10-03", FORMULA, "", FORMULA],
        [
            "微信公众号",
            "gh_0123456789ab",
            "2026-10-04",
            "'" + FORMULA,
            "",
            "@SUM(1+1)",
        ],  # our export's escape
    ]
    run(w.dut, csv_bytes(rows))
    assert list(Post.objects.order_by("published_at").values_list("title", "text")) == [
        (FORMULA, FORMULA),
        (FORMULA, "@SUM(1+1)"),
    ]


def test_formula_in_xlsx_is_not_evaluated(w):
    data = xlsx_bytes([["微信公众号", "gh_0123456789ab", "2026-10-03", "=1+1", "", '=HYPERLINK("x")']])
    run(w.dut, data, "f.xlsx")
    assert Post.objects.values_list("title", "text").get() == ("=1+1", '=HYPERLINK("x")')


def test_header_aliases_and_ignored_headers(w):
    headers = ["序号", "发布平台", "账号ID", "发布日期", "文章标题", "原文链接", "摘要", "阅读量"]
    rows = [["1", "微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "别名表头", "", "摘要文字", "1000"]]
    result = run(w.dut, csv_bytes(rows, headers=headers))
    assert result.ignored_headers == ["序号", "阅读量"]
    assert Post.objects.values_list("title", "text").get() == ("别名表头", "摘要文字")


def test_optional_columns_may_be_absent(w):
    result = run(w.dut, csv_bytes([WX[:4]], headers=["平台", "帐号ID", "发布时间", "标题"]))
    assert result.created == 1
    assert Post.objects.values_list("url", "text").get() == ("", "")


def test_missing_and_doubled_columns(w):
    with pytest.raises(ImportFileError, match="缺少必需的列：发布时间、标题") as excinfo:
        run(w.dut, csv_bytes([WX[:2]], headers=["平台", "帐号ID"]))
    assert errors_of(excinfo) == [(1, "发布时间", "缺少必需的列"), (1, "标题", "缺少必需的列")]
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_bytes([WX + ["x"]], headers=HEADERS_WITH_ALIAS))
    assert errors_of(excinfo) == [(1, "原始ID", "与另一列同为“帐号ID”列")]


HEADERS_WITH_ALIAS = ["平台", "帐号ID", "发布时间", "标题", "链接", "正文", "原始ID"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "posts.csv", "文件为空"),
        (b"\n\n", "posts.csv", "文件为空"),
        ("平台,帐号ID,发布时间,标题\n".encode(), "posts.csv", "文件中只有表头，没有数据行"),
        (xlsx_bytes([]), "posts.xlsx", "文件中只有表头，没有数据行"),
        (b"x", "posts.txt", "不支持的文件类型“.txt”，请上传.xlsx或.csv文件"),
    ],
)
def test_empty_and_unusable_files(w, data, filename, message):
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, data, filename)
    assert excinfo.value.message == message


# --- who, and the audit trail ---------------------------------------------------------------------------


def test_unit_staff_import_only_for_their_accounts(w):
    data = csv_bytes([WX, ["B站", "12345", "2026-10-03", "实验室", "", ""], WEIBO])
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, data, user=w.chem_op)
    assert errors_of(excinfo) == [(4, "帐号ID", "无权导入该帐号的发布记录")]
    assert Post.objects.count() == 0
    result = run(w.dut, csv_bytes([WX, ["B站", "12345", "2026-10-03", "实验室", "", ""]]), user=w.chem_op)
    assert result.created == 2  # 化工学院 and its sub-unit's 化工实验室
    assert run(w.dut, csv_bytes([WEIBO]), user=w.mech_op).created == 1


def test_department_imports_for_every_account(w):
    assert run(w.dut, csv_bytes([WX, WEIBO]), user=w.xuan).created == 2


def test_user_without_filing_role_imports_nothing(w):
    with pytest.raises(ImportFileError) as excinfo:
        run(w.dut, csv_bytes([WX]), user=w.it)
    assert errors_of(excinfo) == [(2, "帐号ID", "无权导入该帐号的发布记录")]


def test_import_is_logged_once_with_counts(w):
    run(w.dut, csv_bytes([WX, WX, WEIBO]), user=w.xuan)
    log = ActionLog.objects.get(action="post.imported")
    assert log.institution == w.dut and log.user == w.xuan
    assert log.data == {
        "file": "发布记录.csv",
        "layout": "generic",
        "account": None,
        "rows": 3,
        "created": 2,
        "skipped_existing": 0,
        "duplicates": 1,
        "accounts": 2,
    }
    from mediagov.core.audit import ACTION_LABELS

    assert ACTION_LABELS["post.imported"] == "导入发布记录"


def test_dry_run_counts_and_writes_nothing(w):
    run(w.dut, csv_bytes([WX]))
    result = run(w.dut, csv_bytes([WX, WX2]), dry_run=True)
    assert (result.created, result.skipped_existing, result.dry_run) == (1, 1, True)
    assert Post.objects.count() == 1
    assert ActionLog.objects.filter(action="post.imported").count() == 1
