"""Downloading a draft's stored attachments: to whoever may see the draft, always as a download, removed ones
too (痕迹管理), with the original name safely encoded."""

from urllib.parse import quote

import pytest

from mediagov.core.models import ActionLog
from mediagov.screening.models import ReviewAttachment
from mediagov.screening.reviews import content_review_create, content_review_update

from .test_review_attachments import docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def with_files(rw, *files):
    return content_review_create(
        account=rw.chem, user=rw.w.chem_op, title="讲座通知", body="欢迎参加。", files=list(files)
    )


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_stored_file_downloads_as_an_attachment_never_inline(client, rw):
    data = docx_bytes("讲座议程")
    review = with_files(rw, ("讲座议程 (终稿).docx", data))
    attachment = review.attachments.get()
    client.force_login(rw.chem_resp)  # a reviewer of the draft, not its author
    response = client.get(f"/screening/reviews/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert body_of(response) == data
    assert response["Content-Type"] == DOCX
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "inline" not in disposition
    assert f"filename*=UTF-8''{quote('讲座议程 (终稿).docx', safe='')}" in disposition
    assert f'filename="attachment-{attachment.pk}.docx"' in disposition
    # 痕迹管理: who read which file is in the draft's history
    entry = ActionLog.objects.for_object(review).get(action="review.attachment_downloaded")
    assert entry.user == rw.chem_resp
    assert entry.data == {"attachment": attachment.pk, "name": "讲座议程 (终稿).docx"}
    assert "下载稿件附件" in client.get(f"/screening/reviews/{review.pk}/").content.decode()


@pytest.mark.parametrize(
    "name",
    ['a"; filename="evil.html', "报告\r\nSet-Cookie: x=1.txt", "页面.html"],
    ids=["quote", "crlf", "html"],
)
def test_a_hostile_name_cannot_break_the_header_or_render_in_the_browser(client, rw, name):
    review = with_files(rw, ("说明.txt", b"<script>alert(1)</script>"))
    ReviewAttachment.objects.filter(review=review).update(name=name)  # as if stored under that name
    attachment = review.attachments.get()
    client.force_login(rw.w.chem_op)
    response = client.get(f"/screening/reviews/attachments/{attachment.pk}/")
    disposition = response["Content-Disposition"]
    assert disposition.count(";") == 2 and "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in response.headers
    assert disposition.startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in response["Content-Type"]  # only the accepted types; anything else as bytes


def test_removed_attachments_stay_downloadable_and_are_marked(client, rw):
    review = with_files(rw, ("旧议程.txt", "第一版议程".encode()), ("新议程.txt", "第二版议程".encode()))
    old = review.attachments.get(name="旧议程.txt")
    content_review_update(
        review=review, user=rw.w.chem_op, title="讲座通知", body="欢迎参加。", remove=[old.pk]
    )
    client.force_login(rw.w.chem_party)
    response = client.get(f"/screening/reviews/attachments/{old.pk}/")
    assert response.status_code == 200 and body_of(response) == "第一版议程".encode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    html = client.get(f"/screening/reviews/{review.pk}/").content.decode()
    item = html.split(f'id="attachment-{old.pk}"', 1)[1].split("</li>", 1)[0]
    assert f'href="/screening/reviews/attachments/{old.pk}/"' in item and "已移除，留存备查" in item
    new = review.attachments.get(name="新议程.txt")
    item = html.split(f'id="attachment-{new.pk}"', 1)[1].split("</li>", 1)[0]
    assert f'href="/screening/reviews/attachments/{new.pk}/"' in item and "已移除" not in item


def test_outside_the_drafts_scope_the_attachment_does_not_exist(client, rw):
    attachment = with_files(rw, ("议程.txt", "议程".encode())).attachments.get()
    url = f"/screening/reviews/attachments/{attachment.pk}/"
    for user in (rw.w.mech_op, rw.w.acc_op, rw.w.yufe_xuan, rw.w.stranger):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    client.force_login(rw.w.xuan)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_a_file_missing_from_storage_is_a_404_not_a_crash(client, rw):
    attachment = with_files(rw, ("议程.txt", "议程".encode())).attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(rw.w.chem_op)
    assert client.get(f"/screening/reviews/attachments/{attachment.pk}/").status_code == 404


def test_the_author_edit_page_links_each_attachment_for_download(client, rw):
    review = with_files(rw, ("议程.docx", docx_bytes("讲座议程")))
    attachment = review.attachments.get()
    client.force_login(rw.w.chem_op)
    page = client.get(f"/screening/reviews/{review.pk}/edit/").content.decode()
    assert f'href="/screening/reviews/attachments/{attachment.pk}/" download' in page
