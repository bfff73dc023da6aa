"""Posts pages: the list, scoped to the accounts the user may see (the import's pages: tests/imports)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .builders import csv_bytes, local, post

pytestmark = pytest.mark.django_db

LIST = reverse("activity:post_list")
WX = ["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "化工迎新", "", ""]
BILI = ["B站", "12345", "2026-10-04 19:00", "实验室开放日", "", ""]
WEIBO = ["微博", "1234567890", "2026-10-05", "机械运动会", "", ""]


def upload(rows, name="发布记录.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, encoding=encoding), content_type="text/csv")


def titles(response) -> set[str]:
    assert response.status_code == 200
    return {p.title for p in response.context["page"]}


def test_url_names():
    assert LIST == "/activity/posts/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- the list -------------------------------------------------------------------------------------------


@pytest.fixture
def posts(w):
    post(w.wx, local(2026, 10, 3, 8), "化工迎新", "https://mp.weixin.qq.com/s/A1")
    post(w.bili, local(2026, 10, 4, 19), "实验室开放日")
    post(w.weibo, local(2026, 10, 5), "机械运动会")
    post(w.acc_wx, local(2026, 10, 6), "会计学院新闻")
    return w


def test_list_is_scoped(client, posts):
    w = posts
    expected = {
        "xuan": {"化工迎新", "实验室开放日", "机械运动会"},
        "it": {"化工迎新", "实验室开放日", "机械运动会"},
        "chem_op": {"化工迎新", "实验室开放日"},
        "mech_op": {"机械运动会"},
        "intl": set(),
        "tw_sup": set(),
        "acc_op": {"会计学院新闻"},
        "yufe_xuan": {"会计学院新闻"},
    }
    for who, seen in expected.items():
        client.force_login(getattr(w, who))
        assert titles(client.get(LIST)) == seen, who


def test_stranger_gets_403(client, posts):
    client.force_login(posts.stranger)
    assert client.get(LIST).status_code == 403


def test_filter_by_account_and_search_title(client, posts):
    w = posts
    client.force_login(w.xuan)
    assert titles(client.get(LIST, {"account": w.bili.pk})) == {"实验室开放日"}
    assert titles(client.get(LIST, {"q": "运动"})) == {"机械运动会"}
    assert titles(client.get(LIST, {"q": "迎新", "account": w.weibo.pk})) == set()


def test_account_outside_scope_does_not_leak(client, posts):
    w = posts
    client.force_login(w.chem_op)
    for account in (w.weibo, w.acc_wx):
        response = client.get(LIST, {"account": account.pk})
        assert titles(response) == set()
        body = response.content.decode()
        assert account.name not in body and "机械运动会" not in body and "会计学院新闻" not in body
    assert titles(client.get(LIST, {"account": "x"})) == set()


def test_list_page_shows_posts_and_links(client, posts):
    client.force_login(posts.chem_op)
    body = client.get(LIST).content.decode()
    assert 'href="https://mp.weixin.qq.com/s/A1"' in body and "2026-10-03 08:00" in body
    assert reverse("imports:post_upload") in body  # chem_op may import
    assert reverse("activity:post_list") in body  # the navbar link
    client.force_login(posts.it)
    assert reverse("imports:post_upload") not in client.get(LIST).content.decode()


def test_list_is_paginated(client, w):
    for i in range(55):
        post(w.wx, local(2026, 9, 1, 8, i), f"第{i}条")
    client.force_login(w.xuan)
    first = client.get(LIST)
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 55
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 5
