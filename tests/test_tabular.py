import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from mediagov.core.errors import ImportFileError
from mediagov.core.tabular import parse_bool, parse_date, read_table, safe_cell, split_multi

TEXT = "工号,姓名,单位\nT001,张三,党委宣传部\nT002,李四,计算机学院\n"


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(encoding):
    table = read_table(TEXT.encode(encoding), "名册.csv")
    assert table.headers == ["工号", "姓名", "单位"]
    assert [dict(r) for r in table.rows] == [
        {"工号": "T001", "姓名": "张三", "单位": "党委宣传部"},
        {"工号": "T002", "姓名": "李四", "单位": "计算机学院"},
    ]
    assert [r.number for r in table.rows] == [2, 3]


def test_csv_tab_delimited_crlf_and_uppercase_extension():
    data = TEXT.replace(",", "\t").replace("\n", "\r\n").encode("gbk")
    table = read_table(data, "ROSTER.CSV")
    assert table.rows[1]["单位"] == "计算机学院"


def test_headers_are_cleaned_and_blank_rows_keep_numbers():
    data = "\u3000工　号 ,姓 名\nT001, 张三 \n,\n\nT002,李四\n".encode()
    table = read_table(data, "a.csv")
    assert table.headers == ["工号", "姓名"]
    assert [(r.number, r["工号"], r["姓名"]) for r in table.rows] == [
        (2, "T001", "张三"),
        (5, "T002", "李四"),
    ]


def test_short_rows_are_padded_and_quoted_newlines_are_one_row():
    data = '工号,姓名,职务\nT001\n"T002","李\n四",x\nT003,王五,y\n'.encode()
    table = read_table(data, "a.csv")
    assert table.rows[0] == {"工号": "T001", "姓名": "", "职务": ""}
    assert table.rows[1]["姓名"] == "李\n四"
    assert [r.number for r in table.rows] == [2, 3, 4]


def test_xlsx_values_as_strings_and_dates():
    data = xlsx_bytes(
        [
            ["工号", "姓名", "入职", "时间", "是否", "金额"],
            [12345, "张三", datetime(2024, 3, 1), datetime(2024, 3, 1, 8, 30), True, 1.5],
            [None, None, None, None, None, None],
            ["T002", "李四", date(2020, 1, 2), None, False, 13800000000],
        ]
    )
    table = read_table(data, "名册.xlsx")
    first, second = table.rows
    assert first == {
        "工号": "12345",
        "姓名": "张三",
        "入职": date(2024, 3, 1),
        "时间": datetime(2024, 3, 1, 8, 30),
        "是否": "TRUE",
        "金额": "1.5",
    }
    assert second.number == 4
    assert second["入职"] == date(2020, 1, 2)
    assert second["金额"] == "13800000000"
    assert second["是否"] == "FALSE"


def test_xlsx_formula_without_cached_value_is_read_as_text_never_run():
    data = xlsx_bytes([["帐号名称", "b"], ["=cmd|' /C calc'!A0", "=1+1"]])
    table = read_table(data, "a.xlsx")
    assert table.rows[0]["帐号名称"] == "=cmd|' /C calc'!A0"
    assert table.rows[0]["b"] == "=1+1"


def test_exported_apostrophe_is_dropped_on_read():
    data = "名称,电话\n'=cmd|' /C calc'!A0,'+86 411\n'普通,'\n".encode()
    table = read_table(data, "a.csv")
    assert table.rows[0] == {"名称": "=cmd|' /C calc'!A0", "电话": "+86 411"}
    assert table.rows[1] == {"名称": "'普通", "电话": "'"}


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.csv", "文件为空"),
        (b"", "a.xlsx", "文件为空"),
        (b"\n\n , \n", "a.csv", "文件为空"),
        ("工号,姓名\n".encode(), "a.csv", "文件中只有表头，没有数据行"),
        (b"x", "a.xls", "不支持“.xls”格式"),
        (b"x", "a.docx", "不支持的文件类型“.docx”"),
        (b"x", "noext", "没有扩展名"),
        (b"not a zip", "a.xlsx", "无法读取Excel文件"),
        (b"PK\x03\x04garbage", "a.xlsx", "无法读取Excel文件"),
        (b"\xff\x00\xfe\x00\x81\x00\x00\x00\xff", "a.csv", "无法识别文件编码"),
        (b"PK\x03\x04....", "a.csv", "扩展名改为.xlsx"),
        ("工号,工号\n1,2\n".encode(), "a.csv", "表头重复：工号"),
    ],
)
def test_bad_files(data, filename, message):
    with pytest.raises(ImportFileError) as exc:
        read_table(data, filename)
    assert message in exc.value.message
    assert exc.value.lines(filename)[0].startswith(f"{filename}：")


def test_empty_xlsx_sheet():
    with pytest.raises(ImportFileError, match="文件为空"):
        read_table(xlsx_bytes([]), "a.xlsx")


def test_headers_only_allowed_when_asked():
    table = read_table("工号,姓名\n".encode(), "a.csv", require_rows=False)
    assert table.headers == ["工号", "姓名"] and table.rows == []


def test_too_large(settings):
    settings.MEDIAGOV_MAX_UPLOAD_BYTES = 20
    with pytest.raises(ImportFileError, match="文件过大"):
        read_table(TEXT.encode(), "a.csv")


def test_row_limit():
    data = ("工号\n" + "".join(f"T{i}\n" for i in range(11))).encode()
    assert len(read_table(data, "a.csv", max_rows=11).rows) == 11
    with pytest.raises(ImportFileError, match="最多10行"):
        read_table(data, "a.csv", max_rows=10)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+8613800000000", "'+8613800000000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =1+1", "'  =1+1"),
        ("\t=1", "'\t=1"),
        ("\rx", "'\rx"),
        ("大连理工大学", "大连理工大学"),
        ("a=b", "a=b"),
        ("", ""),
        (5, 5),
        (None, None),
        (date(2024, 1, 1), date(2024, 1, 1)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("text", ["是", "Y", "y", "yes", "TRUE", "true", "1", "已认证", " 是 ", True])
def test_parse_bool_true(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["否", "N", "no", "FALSE", "false", "0", "未认证", False])
def test_parse_bool_false(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["", "也许", "2"])
def test_parse_bool_bad(text):
    with pytest.raises(ValueError, match="是”或“否"):
        parse_bool(text)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-01",
        "2024/3/1",
        "2024年3月1日",
        "2024 年 3 月 1 日",
        "2024.3.1",
        "20240301",
        "2024-03-01 00:00:00",
        datetime(2024, 3, 1, 9, 30),
        date(2024, 3, 1),
    ],
)
def test_parse_date(text):
    assert parse_date(text) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [("2024-02-30", "不存在"), ("去年", "无法识别的日期“去年”"), ("3/1/2024", "无法识别"), ("", "不能为空")],
)
def test_parse_date_bad(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_split_multi():
    assert split_multi("张三、李四;王五；赵六, 钱七，孙八") == [
        "张三",
        "李四",
        "王五",
        "赵六",
        "钱七",
        "孙八",
    ]
    assert split_multi("张三、、李四") == ["张三", "李四"]
    assert split_multi("T001、、T003", keep_empty=True) == ["T001", "", "T003"]
    assert split_multi("", keep_empty=True) == []
