"""先审后发 pages and API: writing a draft, the report with the hits marked, deciding, and the scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mediagov.screening.models import ContentReview, ReviewState
from mediagov.screening.reviews import content_review_create, content_review_decide, content_review_submit


def submitted(rw, body="会议纪要属机密文件。", account=None, author=None):
    account, author = account or rw.chem, author or rw.w.chem_op
    review = content_review_create(account=account, user=author, title="学术报告会", body=body)
    return content_review_submit(review=review, user=author)


def test_operator_writes_and_submits_a_draft_with_an_attachment(client, rw):
    client.force_login(rw.w.chem_op)
    page = client.get("/screening/reviews/new/")
    assert page.status_code == 200
    assert "化工学院官微" in page.content.decode() and "会计学院官微" not in page.content.decode()
    response = client.post(
        "/screening/reviews/new/",
        {
            "account": rw.chem.pk,
            "title": "讲座通知",
            "body": "欢迎参加。",
            "links": "https://chem.dlut.edu.cn/1.htm",
            "files": [SimpleUploadedFile("议程.txt", "本议程为内部资料".encode())],
            "submit": "1",
        },
    )
    review = ContentReview.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/screening/reviews/{review.pk}/"
    assert review.state == ReviewState.IN_REVIEW
    assert review.report["blocking"] == 1


def test_a_bad_attachment_is_shown_on_the_form_and_nothing_is_saved(client, rw):
    client.force_login(rw.w.chem_op)
    response = client.post(
        "/screening/reviews/new/",
        {
            "account": rw.chem.pk,
            "title": "讲座通知",
            "body": "欢迎参加。",
            "files": [SimpleUploadedFile("海报.jpg", b"\xff\xd8\xff")],
        },
    )
    assert response.status_code == 200
    assert "附件“海报.jpg”：不支持的文件类型（.jpg）" in response.content.decode()
    assert not ContentReview.objects.exists()


def test_detail_marks_the_hits_and_offers_the_override_to_the_current_reviewer(client, rw):
    review = submitted(rw)
    client.force_login(rw.chem_resp)
    html = client.get(f"/screening/reviews/{review.pk}/").content.decode()
    assert '会议纪要属<mark class="screening-hit screening-block"' in html
    assert "第十四条（一）" in html
    assert 'id="decide-form"' in html and 'id="override-box"' in html
    assert "初审（直接责任人）" in html
    client.force_login(rw.w.chem_op)  # the author sees the report but no decide form
    html = client.get(f"/screening/reviews/{review.pk}/").content.decode()
    assert 'id="decide-form"' not in html and "本稿件由您撰写，您不能审核" in html


def test_no_override_box_without_blocking_hits(client, rw):
    review = submitted(rw, body="既使下雨也照常举行。")
    client.force_login(rw.chem_resp)
    html = client.get(f"/screening/reviews/{review.pk}/").content.decode()
    assert 'id="decide-form"' in html and 'id="override-box"' not in html
    assert "应为“即使”" in html


def test_decide_through_the_page(client, rw):
    review = submitted(rw)
    client.force_login(rw.chem_resp)
    url = f"/screening/reviews/{review.pk}/decide/"
    client.post(url, {"decision": "approved"})
    assert ContentReview.objects.get().current_level().level == 1  # refused: no override
    client.post(url, {"decision": "approved", "override": "on", "override_reason": "课程名称引用"})
    assert ContentReview.objects.get().current_level().level == 2
    html = client.get(f"/screening/reviews/{review.pk}/").content.decode()
    assert "放行理由：课程名称引用" in html


def test_to_review_list_is_scoped(client, rw):
    review = submitted(rw)
    client.force_login(rw.chem_resp)
    assert "学术报告会" in client.get("/screening/reviews/?tab=todo").content.decode()
    client.force_login(rw.w.chem_party)  # level 2: not yet its turn
    assert "学术报告会" not in client.get("/screening/reviews/?tab=todo").content.decode()
    assert "学术报告会" in client.get("/screening/reviews/?tab=all").content.decode()
    for user in (rw.w.mech_op, rw.w.yufe_xuan):
        client.force_login(user)
        assert "学术报告会" not in client.get("/screening/reviews/?tab=all").content.decode()
        assert client.get(f"/screening/reviews/{review.pk}/").status_code == 404
        assert (
            client.post(f"/screening/reviews/{review.pk}/decide/", {"decision": "approved"}).status_code
            == 404
        )


def test_precheck_marks_hits_without_saving(client, rw):
    client.force_login(rw.w.chem_op)
    response = client.post("/screening/reviews/precheck/", {"title": "通知", "body": "本文件属机密"})
    assert '<mark class="screening-hit screening-block"' in response.content.decode()
    assert not ContentReview.objects.exists()


# ---------------------------------------------------------------- API
def test_api_lists_and_decides_through_the_service(client, rw):
    review = submitted(rw)
    client.force_login(rw.chem_resp)
    listing = client.get("/api/reviews/?todo=true").json()
    assert [r["id"] for r in listing["results"]] == [review.pk]
    assert listing["results"][0]["blocking"] == 1
    detail = client.get(f"/api/reviews/{review.pk}/").json()
    hit = detail["report"]["hits"][0]
    assert (hit["term"], hit["category"], hit["start"], hit["end"]) == ("机密", "classified", 5, 7)
    assert detail["decisions"][0]["citation"] == "《大连理工大学新媒体管理办法》第七条"
    url = f"/api/reviews/{review.pk}/decide/"
    refused = client.post(url, {"decision": "approved"}, content_type="application/json")
    assert refused.status_code == 400 and "确认放行" in refused.json()["detail"]
    assert refused.json()["article"] == "《大连理工大学新媒体管理办法》第十四条（一）"
    done = client.post(
        url,
        {"decision": "approved", "override": True, "override_reason": "课程名称"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["current_level"]["level"] == 2


def test_api_refuses_the_author_and_hides_other_units(client, rw):
    review = submitted(rw)
    client.force_login(rw.w.chem_op)
    response = client.post(
        f"/api/reviews/{review.pk}/decide/", {"decision": "approved"}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["detail"] == "不能审核本人撰写的稿件"
    client.force_login(rw.w.mech_op)
    assert client.get(f"/api/reviews/{review.pk}/").status_code == 404
    assert client.get("/api/reviews/").json()["count"] == 0


@pytest.mark.parametrize("who", ["chem_party", "xuan"])
def test_api_order_and_role(client, rw, who):
    review = submitted(rw)
    client.force_login(getattr(rw.w, who))
    response = client.post(
        f"/api/reviews/{review.pk}/decide/", {"decision": "approved"}, content_type="application/json"
    )
    assert response.status_code == (400 if who == "chem_party" else 403)
    content_review_decide(review=review, user=rw.chem_resp, decision="returned", comment="改")
    assert ContentReview.objects.get().state == ReviewState.RETURNED


def test_admin_shows_drafts_read_only(admin_client, rw):
    review = submitted(rw)
    assert admin_client.get("/admin/screening/contentreview/").status_code == 200
    page = admin_client.get(f"/admin/screening/contentreview/{review.pk}/change/")
    assert page.status_code == 200 and "初审（直接责任人）" in page.content.decode()
    assert admin_client.get("/admin/screening/contentreview/add/").status_code == 403
