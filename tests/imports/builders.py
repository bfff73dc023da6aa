"""Back-office export files for the import tests: the docs/samples files, re-encoded or as .xlsx."""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
WECHAT_SAMPLE = SAMPLES / "posts-wechat-sample.csv"
WEIBO_SAMPLE = SAMPLES / "posts-weibo-sample.csv"
DOUYIN_SAMPLE = SAMPLES / "posts-douyin-sample.csv"
GENERIC_SAMPLE = SAMPLES / "posts-sample.csv"


def sample_rows(path: Path) -> list[list[str]]:
    """Header row first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def encoded(path: Path, encoding: str) -> bytes:
    """A sample as another back office would write it: "utf-8-sig" (BOM), "gbk", "gb18030", "utf-8"."""
    return path.read_text(encoding="utf-8-sig").encode(encoding)


def as_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_of(rows: list[list], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)
