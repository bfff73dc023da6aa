"""Reading uploaded tables (.xlsx / .csv) and the cell helpers that imports and exports share.

`read_table` turns the bytes of an upload into a `Table`: cleaned headers and one `Row` (a dict keyed by
header, with its spreadsheet row number) per non-blank line. Every problem with the file as a whole is an
`ImportFileError` with a Chinese message; row-level checks belong to the importer that knows the columns.

Formula injection: spreadsheet programs run a cell that starts with "=", "+", "-" or "@" (or a tab / carriage
return) as a formula. `safe_cell` prefixes such strings with an apostrophe ("'") before they are exported, so
that the cell shows as text and never runs; `read_table` drops that apostrophe again when it reads a cell that
starts with "'" followed by one of those characters, so an export re-imports unchanged. Imports never
evaluate anything: .xlsx files are read with ``data_only`` (the cached value of a formula cell, or, when the
file carries none, the formula's text as plain text).
"""

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePath
from typing import BinaryIO

from django.conf import settings

from .errors import ImportFileError

CellValue = str | date | datetime

DEFAULT_MAX_ROWS = 50_000

# Leading characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@")
FORMULA_CONTROL = ("\t", "\r")
SAFE_PREFIX = "'"

SEPARATORS_RE = re.compile(r"[、;；,，\n]")


class Row(dict):
    """One data row: header → cell value ("" when blank), plus its 1-based spreadsheet row number."""

    def __init__(self, number: int, values: dict[str, CellValue]):
        super().__init__(values)
        self.number = number

    def __repr__(self) -> str:
        return f"Row({self.number}, {dict.__repr__(self)})"


@dataclass
class Table:
    headers: list[str]
    rows: Iterable[Row] = field(default_factory=list)  # a list, or an iterator with read_table(lazy=True)
    filename: str = ""
    encoding: str = ""  # a CSV's codec, when read by open_table
    fraction: Callable[[], float] | None = None  # how much of the file has been read (open_table, CSV)

    def has(self, header: str) -> bool:
        return header in self.headers


# --- cleaning ------------------------------------------------------------------------------------------


def clean_header(value) -> str:
    """A header as written, without any whitespace (full-width spaces and line breaks included)."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", str(value).replace("\ufeff", ""))


def unescape_cell(text: str) -> str:
    """Undo `safe_cell`: "'=A1" → "=A1". Other strings are returned unchanged."""
    if text.startswith(SAFE_PREFIX):
        rest = text[1:]
        if rest[:1] in FORMULA_CONTROL or rest.lstrip()[:1] in FORMULA_TRIGGERS:
            return rest
    return text


def _cell(value) -> CellValue:
    if type(value) is str:  # every CSV cell: the fast path
        value = value.strip()
        return unescape_cell(value) if value[:1] == SAFE_PREFIX else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) and value.tzinfo is None else value
    if isinstance(value, date):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, time | timedelta):
        return str(value)
    return unescape_cell(str(value).strip())


def _is_blank(values: Iterable[CellValue]) -> bool:
    return not any(values)  # cells are "" or a non-empty string, date or datetime


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} 字节"


# --- reading -------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """Text of a CSV upload: UTF-16 (with BOM), UTF-8 (BOM or not), GB18030/GBK, else a detected charset."""
    text: str | None = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    if text is None:
        for codec in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        text = str(best) if best is not None else None
    if text is None or "\x00" in text:
        raise ImportFileError("无法识别文件编码，请将文件另存为UTF-8或GBK编码的CSV文件后重新上传")
    return text


def _stream_encoding(sample: bytes) -> str:
    """The codec of a CSV stream, judged from its first bytes (the same order as `_decode`)."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for codec in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return codec
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise ImportFileError("无法识别文件编码，请将文件另存为UTF-8或GBK编码的CSV文件后重新上传")
    return best.encoding


ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（带BOM）",
    "gb18030": "GBK/GB18030",
    "utf-16": "UTF-16",
}
STREAM_SAMPLE = 1 << 16  # bytes read to judge a streamed CSV's encoding and delimiter


def _csv_stream_rows(source: BinaryIO, info: dict) -> Iterator[list]:
    """Rows of a CSV read from a binary stream, decoded as it is read (memory stays flat for any size).

    The encoding is judged from the first 64 KB; `info["encoding"]` records it.
    """
    sample = source.read(STREAM_SAMPLE)
    source.seek(0)
    if sample.startswith(b"PK\x03\x04"):
        raise ImportFileError("文件内容是Excel工作簿，但扩展名为.csv，请将扩展名改为.xlsx")
    encoding = _stream_encoding(sample)
    info["encoding"] = encoding
    head = sample.decode(encoding, errors="ignore")
    if "\x00" in head:
        raise ImportFileError("无法识别文件编码，请将文件另存为UTF-8或GBK编码的CSV文件后重新上传")
    first_line = next((line for line in head.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(f"CSV文件格式错误：{exc}") from None
    except UnicodeDecodeError:
        label = ENCODING_LABELS.get(encoding, encoding)
        raise ImportFileError(
            f"第{reader.line_num + 1}行附近的内容不是{label}编码（文件开头是{label}），"
            "请将整个文件另存为同一种编码后重新上传"
        ) from None
    finally:
        try:
            text.detach()  # leave the binary stream to its owner
        except ValueError:
            pass  # closed already


def _csv_rows(data: bytes) -> Iterator[list]:
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError("文件内容是Excel工作簿，但扩展名为.csv，请将扩展名改为.xlsx")
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError(f"CSV文件格式错误：{exc}") from None


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _sheet_has_formulas(data: BinaryIO, sheet_path: str | None) -> bool:
    """Whether the sheet's XML holds any formula element (scanned in chunks; True when unsure)."""
    if not sheet_path:
        return True
    data.seek(0)
    with zipfile.ZipFile(data) as archive, archive.open(sheet_path.lstrip("/")) as source:
        tail = b""
        while chunk := source.read(1 << 20):
            window = tail + chunk
            if _FORMULA_TAG.search(window):
                return True
            tail = window[-32:]
    return False


def _xlsx_rows(data: bytes | BinaryIO) -> Iterator[list]:
    """Rows of the first sheet: cached values; the formula text where a formula cell has no cached value.

    The second, formula-text pass over the sheet only runs when the sheet has formulas at all. `data` is the
    workbook's bytes or a seekable binary file (read in place, for large uploads).
    """
    from openpyxl import load_workbook

    bad = "无法读取Excel文件，请确认文件是有效的.xlsx工作簿"
    if isinstance(data, bytes | bytearray):
        data = io.BytesIO(data)
    magic = data.read(4)
    data.seek(0)
    if magic != b"PK\x03\x04":
        raise ImportFileError(bad)
    workbooks = []
    try:
        try:
            workbooks.append(load_workbook(data, read_only=True, data_only=True))
            if not workbooks[0].worksheets:
                raise ImportFileError("文件为空")
            values_ws = workbooks[0].worksheets[0]
            values_ws.reset_dimensions()
            formula_rows: Iterator = iter(())
            if _sheet_has_formulas(data, getattr(values_ws, "_worksheet_path", None)):
                data.seek(0)
                workbooks.append(load_workbook(data, read_only=True, data_only=False))
                formulas_ws = workbooks[1].worksheets[0]
                formulas_ws.reset_dimensions()
                formula_rows = formulas_ws.iter_rows(min_row=1, values_only=True)
            for values in values_ws.iter_rows(min_row=1, values_only=True):
                formulas = next(formula_rows, ())
                row = list(values)
                for i, value in enumerate(row):
                    if value is None and i < len(formulas) and formulas[i] is not None:
                        text = getattr(formulas[i], "text", formulas[i])  # ArrayFormula keeps it in .text
                        if isinstance(text, str) and text.startswith("="):
                            row[i] = text
                yield row
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(bad) from None
    finally:
        for workbook in workbooks:
            workbook.close()


def read_table(
    data: bytes,
    filename: str,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    require_rows: bool = True,
    lazy: bool = False,
) -> Table:
    """Read an .xlsx (first sheet) or .csv upload. The first non-blank row is the header row.

    Raises ImportFileError for an empty, too large, undecodable or unsupported file, duplicate headers,
    more than `max_rows` data rows, or (with `require_rows`) a file with headers only.

    With `lazy`, `Table.rows` is an iterator that reads the file as it is consumed (for large imports that
    keep only what they need of each row); the errors past the first data row (too many rows, a broken
    CSV quote) are then raised while iterating.
    """
    limit = settings.MEDIAGOV_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ImportFileError(f"文件过大（{_human_size(len(data))}），上限为{_human_size(limit)}")
    reader = _reader_for(filename)
    if not data:
        raise ImportFileError("文件为空")
    return _table(reader(data), filename, max_rows=max_rows, require_rows=require_rows, lazy=lazy)


def _reader_for(filename: str) -> Callable:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows
    if suffix == ".csv":
        return _csv_rows
    if suffix in (".xls", ".et", ".wps"):
        raise ImportFileError(f"不支持“{suffix}”格式，请在Excel或WPS中另存为.xlsx或.csv后上传")
    if suffix:
        raise ImportFileError(f"不支持的文件类型“{suffix}”，请上传.xlsx或.csv文件")
    raise ImportFileError("无法识别文件类型（文件名没有扩展名），请上传.xlsx或.csv文件")


def open_table(
    source: bytes | str | Path | BinaryIO,
    filename: str,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_bytes: int | None = None,
    require_rows: bool = True,
) -> Table:
    """`read_table(lazy=True)` for files of any size: the bytes, a path, or a seekable binary file.

    A CSV is decoded as it is read (its encoding judged from the first 64 KB), so memory does not grow with
    the file. `Table.fraction()` tells how much of the file has been read (0 to 1), for progress bars;
    `Table.encoding` names a CSV's codec. `max_bytes` (None: no limit) bounds the file's size. The caller
    closes a file it passed; a path is opened here and closed when the rows are exhausted.
    """
    reader = _reader_for(filename)
    if isinstance(source, bytes | bytearray):
        stream: BinaryIO = io.BytesIO(source)
    elif isinstance(source, str | Path):
        stream = open(source, "rb")  # closed by _closing once the rows are read, or on error below
    else:
        stream = source
    try:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        if max_bytes is not None and size > max_bytes:
            raise ImportFileError(f"文件过大（{_human_size(size)}），上限为{_human_size(max_bytes)}")
        if size == 0:
            raise ImportFileError("文件为空")
        info: dict = {}
        lines = _csv_stream_rows(stream, info) if reader is _csv_rows else _xlsx_rows(stream)
        if isinstance(source, str | Path):
            lines = _closing(lines, stream)
        table = _table(lines, filename, max_rows=max_rows, require_rows=require_rows, lazy=True)
    except BaseException:
        if stream is not source:
            stream.close()
        raise
    table.encoding = info.get("encoding", "")
    if reader is _csv_rows:
        table.fraction = lambda: min(stream.tell() / size, 1.0) if not stream.closed else 1.0
    return table


def _closing(lines: Iterator[list], stream: BinaryIO) -> Iterator[list]:
    try:
        yield from lines
    finally:
        stream.close()


def _table(rows: Iterable[list], filename: str, *, max_rows: int, require_rows: bool, lazy: bool) -> Table:
    lines = enumerate(rows, start=1)
    headers: list[str] | None = None
    for number, raw in lines:
        cells = [_cell(v) for v in raw]
        if _is_blank(cells):
            continue
        headers = [clean_header(v) for v in cells]
        named = [h for h in headers if h]
        duplicates = [h for h in dict.fromkeys(named) if named.count(h) > 1]
        if duplicates:
            raise ImportFileError(
                f"表头重复：{'、'.join(duplicates)}", errors=[(number, h, "表头重复") for h in duplicates]
            )
        break
    if headers is None or not any(headers):
        raise ImportFileError("文件为空")
    rows_iter = _data_rows(lines, headers, max_rows)
    rows: Iterable[Row]
    if lazy:
        first = next(rows_iter, None)
        if require_rows and first is None:
            raise ImportFileError("文件中只有表头，没有数据行")
        rows = itertools.chain([first] if first is not None else [], rows_iter)
    else:
        rows = list(rows_iter)
        if require_rows and not rows:
            raise ImportFileError("文件中只有表头，没有数据行")
    return Table(headers=[h for h in headers if h], rows=rows, filename=filename)


def _data_rows(lines: Iterator[tuple[int, list]], headers: list[str], max_rows: int) -> Iterator[Row]:
    count = 0
    columns = [(i, h) for i, h in enumerate(headers) if h]
    width = len(headers)
    for number, raw in lines:
        cells = [_cell(v) for v in raw]
        if not any(cells):
            continue
        if count >= max_rows:
            raise ImportFileError(f"文件行数过多：最多{max_rows}行数据，请拆分后分批导入")
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        values = {h: cells[i] for i, h in columns}
        if any(values.values()):
            count += 1
            yield Row(number, values)


# --- cell parsers and the export guard -----------------------------------------------------------------


def safe_cell(value):
    """Neutralise formula injection in an exported cell.

    A string whose first character is a tab or carriage return, or whose first non-blank character is
    "=", "+", "-" or "@", gets a leading apostrophe ("'"): spreadsheet programs then show it as text.
    Other values are returned unchanged. `read_table` removes the apostrophe again on import.
    """
    if isinstance(value, str) and value:
        if value[:1] in FORMULA_CONTROL or value.lstrip()[:1] in FORMULA_TRIGGERS:
            return SAFE_PREFIX + value
    return value


_TRUE = {"是", "y", "yes", "true", "t", "1", "已认证", "√", "有"}
_FALSE = {"否", "n", "no", "false", "f", "0", "未认证", "×", "无"}


def parse_bool(text) -> bool:
    """是/否, Y/N, yes/no, true/false, 1/0, 已认证/未认证 (any case) → bool; ValueError otherwise."""
    if isinstance(text, bool):
        return text
    value = re.sub(r"\s+", "", str(text or "")).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if not value:
        raise ValueError("不能为空，请填写“是”或“否”")
    raise ValueError(f"无法识别的取值“{text}”，请填写“是”或“否”")


_DATE_RE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)


def parse_date(text) -> date:
    """2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301 or an Excel date/datetime → date."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = str(text or "").strip()
    if not value:
        raise ValueError("不能为空，请填写日期，如2024-03-01")
    match = _DATE_RE.fullmatch(value) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value)
    if not match:
        raise ValueError(f"无法识别的日期“{value}”，请使用2024-03-01、2024/3/1或2024年3月1日格式")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{value}”不存在") from None


def split_multi(text: str, *, keep_empty: bool = False) -> list[str]:
    """Split a multi-value cell on 、 ; ； , ， or line breaks. Blank items are dropped unless `keep_empty`
    (then "T001、、T003" keeps its blank middle item, so that two parallel lists stay aligned)."""
    items = [item.strip() for item in SEPARATORS_RE.split(str(text or ""))]
    if not keep_empty or not any(items):
        return [item for item in items if item]
    return items
