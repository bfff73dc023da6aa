"""Text of a draft's attachments, for screening (先审后发): .txt, .docx, .xlsx and .pdf.

`attachment_text(data, filename)` returns the text or raises `AttachmentError` with a Chinese message that
names the file. Word documents are read with python-docx (paragraphs, then tables), workbooks with openpyxl
(every sheet, cell by cell), PDF files with poppler's `pdftotext` (a scanned PDF has no text: the author is
asked to paste it). Other types are refused: a reviewer cannot screen what the system cannot read.
"""

import io
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePath

from django.conf import settings

from mediagov.core.errors import DomainError, ImportFileError

SUFFIXES = (".txt", ".docx", ".xlsx", ".pdf")
PDF_TIMEOUT = 30  # seconds


class AttachmentError(DomainError):
    pass


def _txt(data: bytes) -> str:
    from mediagov.core.tabular import _decode

    try:
        return _decode(data)
    except ImportFileError:
        raise ValueError("无法识别文字编码，请另存为UTF-8编码") from None


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [str(v) for v in row if v is not None and str(v).strip()]
                if cells:
                    lines.append("\t".join(cells))
        return "\n".join(lines)
    finally:
        workbook.close()


def _pdf(data: bytes) -> str:
    if not data.startswith(b"%PDF"):
        raise ValueError("不是有效的PDF文件")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-layout", str(source), "-"],
                capture_output=True,
                timeout=PDF_TIMEOUT,
                check=False,
            )
        except FileNotFoundError:
            raise ValueError("服务器未安装 pdftotext（poppler-utils），暂不能读取PDF") from None
        except subprocess.TimeoutExpired:
            raise ValueError(f"读取超过{PDF_TIMEOUT}秒，文件可能过大或已损坏") from None
    if done.returncode != 0:
        raise ValueError("文件已损坏或已加密")
    text = done.stdout.decode("utf-8", errors="replace").replace("\f", "\n")
    if not text.strip():
        raise ValueError("未能提取到文字（可能是扫描件），请将附件文字粘贴到“附件文字”中")
    return text


READERS = {".txt": _txt, ".docx": _docx, ".xlsx": _xlsx, ".pdf": _pdf}
WHAT = {".docx": "Word文档", ".xlsx": "Excel工作簿", ".txt": "文本文件", ".pdf": "PDF文件"}


def attachment_text(data: bytes, filename: str) -> str:
    """The text of one attachment; an AttachmentError (naming the file) for a type or file it cannot read."""
    name = PurePath(filename).name
    suffix = PurePath(name).suffix.lower()
    if suffix not in READERS:
        shown = suffix or "无扩展名"
        raise AttachmentError(
            f"附件“{name}”：不支持的文件类型（{shown}），请上传 .txt、.docx、.xlsx 或 .pdf 文件"
            "（.doc、.xls 请另存为 .docx、.xlsx；图片中的文字请粘贴到“附件文字”）"
        )
    limit = settings.MEDIAGOV_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise AttachmentError(f"附件“{name}”超过{limit // (1024 * 1024)}MB，请压缩或拆分后上传")
    if not data:
        raise AttachmentError(f"附件“{name}”是空文件")
    try:
        text = READERS[suffix](data)
    except ValueError as exc:
        raise AttachmentError(f"附件“{name}”无法读取：{exc}") from None
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise AttachmentError(
            f"附件“{name}”无法读取：文件已损坏或不是有效的{WHAT[suffix]}（{type(exc).__name__}）"
        ) from None
    except Exception as exc:  # a reader library's own error on a malformed file
        raise AttachmentError(
            f"附件“{name}”无法读取：文件已损坏或不是有效的{WHAT[suffix]}（{exc}）"
        ) from None
    return text.replace("\x00", "")
