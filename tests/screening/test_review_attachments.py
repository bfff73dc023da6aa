"""Attachments of a draft: their text is extracted (.txt, .docx, .xlsx, .pdf) and screened; other files are
refused with a message that names the file."""

import io

import pytest
from docx import Document
from openpyxl import Workbook

from mediagov.screening.attachments import AttachmentError, attachment_text
from mediagov.screening.models import ReviewAttachment
from mediagov.screening.reviews import content_review_create, content_review_submit, content_review_update


def docx_bytes(*paragraphs, table=None) -> bytes:
    document = Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, value in enumerate(row):
                t.cell(i, j).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF with `text` (ASCII) in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_text_of_each_supported_type():
    assert attachment_text("通知全文：内部资料".encode("gb18030"), "通知.txt") == "通知全文：内部资料"
    assert (
        attachment_text(docx_bytes("第一段", table=[["日期", "地点"]]), "稿件.docx") == "第一段\n日期\t地点"
    )
    assert attachment_text(xlsx_bytes([["姓名", "电话"], ["张三", None]]), "名单.xlsx") == "姓名\t电话\n张三"
    assert "Campus open day" in attachment_text(pdf_bytes("Campus open day"), "海报.pdf")


def test_an_unsupported_type_is_refused_naming_the_file():
    with pytest.raises(
        AttachmentError, match=r"附件“海报.jpg”：不支持的文件类型（.jpg），请上传 .txt、.docx、.xlsx 或 .pdf"
    ):
        attachment_text(b"\xff\xd8\xff", "海报.jpg")
    with pytest.raises(AttachmentError, match="不支持的文件类型（.doc）.*另存为 .docx"):
        attachment_text(b"\xd0\xcf\x11\xe0", "旧稿.doc")


def test_a_broken_file_is_refused_naming_the_file_and_its_type():
    with pytest.raises(AttachmentError, match="附件“坏文件.docx”无法读取：文件已损坏或不是有效的Word文档"):
        attachment_text(b"not a zip at all", "坏文件.docx")
    with pytest.raises(AttachmentError, match="附件“表.xlsx”无法读取：文件已损坏或不是有效的Excel工作簿"):
        attachment_text(b"PK\x03\x04garbage", "表.xlsx")
    with pytest.raises(AttachmentError, match="附件“扫描.pdf”无法读取：不是有效的PDF文件"):
        attachment_text(b"GIF89a", "扫描.pdf")
    with pytest.raises(AttachmentError, match="未能提取到文字（可能是扫描件）"):
        attachment_text(pdf_bytes(""), "空白.pdf")
    with pytest.raises(AttachmentError, match="附件“空.txt”是空文件"):
        attachment_text(b"", "空.txt")


def test_attachment_text_is_screened_with_the_draft(rw):
    review = content_review_create(
        account=rw.chem,
        user=rw.w.chem_op,
        title="讲座通知",
        body="欢迎参加。",
        files=[("议程.docx", docx_bytes("议程", "本议程为内部资料，请勿外传。"))],
    )
    attachment = review.attachments.get()
    assert (attachment.name, attachment.text) == ("议程.docx", "议程\n本议程为内部资料，请勿外传。")
    assert attachment.file.read()[:2] == b"PK"  # the file itself is kept
    review = content_review_submit(review=review, user=rw.w.chem_op)
    hits = [(h["field"], h["field_label"], h["term"], h["blocks"]) for h in review.report["hits"]]
    key = f"attachment:{attachment.pk}"
    assert (key, "附件《议程.docx》", "内部资料", True) in hits
    assert (key, "附件《议程.docx》", "请勿外传", True) in hits
    assert review.versions.get().attachments == [
        {"id": attachment.pk, "name": "议程.docx", "sha256": attachment.sha256}
    ]


def test_a_bad_attachment_leaves_no_draft(rw):
    with pytest.raises(AttachmentError, match="附件“照片.png”：不支持的文件类型"):
        content_review_create(
            account=rw.chem,
            user=rw.w.chem_op,
            title="讲座通知",
            body="欢迎参加。",
            files=[("议程.txt", "议程".encode()), ("照片.png", b"\x89PNG")],
        )
    assert not ReviewAttachment.objects.exists()
    assert not rw.chem.content_reviews.exists()


def test_a_removed_attachment_is_kept_but_no_longer_screened(rw):
    review = content_review_create(
        account=rw.chem, user=rw.w.chem_op, title="通知", body="正文", files=[("a.txt", "内部资料".encode())]
    )
    attachment = review.attachments.get()
    content_review_update(review=review, user=rw.w.chem_op, title="通知", body="正文", remove=[attachment.pk])
    attachment.refresh_from_db()
    assert attachment.removed is True
    review = content_review_submit(review=review, user=rw.w.chem_op)
    assert review.report["hits"] == []
