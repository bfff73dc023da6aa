"""Posts pages: the list, scoped to the accounts the user may see; the import, for members who file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mediagov.activity.models import Post

from .builders import csv_bytes, local, post

pytestmark = pytest.mark.django_db

LIST = reverse("activity:post_list")
IMPORT = reverse("activity:post_import")
WX = ["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "化工迎新", "", ""]
BILI = ["B站", "12345", "2026-10-04 19:00", "实验室开放日", "", ""]
WEIBO = ["微博", "1234567890", "2026-10-05", "机械运动会", "", ""]


def upload(rows, name="发布记录.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, encoding=encoding), content_type="text/csv")


def titles(response) -> set[str]:
    assert response.status_code == 200
    return {p.title for p in response.context["page"]}


def test_url_names():
    assert (LIST, IMPORT) == ("/activity/posts/", "/activity/posts/import/")


def test_anonymous_is_sent_to_login(client):
    for url in (LIST, IMPORT):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- the import -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("xuan", 200),
        ("yufe_xuan", 200),
        ("chem_op", 200),
        ("mech_op", 200),
        ("acc_head", 200),
        ("chem_party", 200),
        ("mech_head", 200),
        ("tw_sup", 200),
        ("acc_op", 200),
        ("it", 403),
        ("intl", 403),
        ("stranger", 403),
    ],
)
def test_who_may_open_the_import(client, w, who, status):
    client.force_login(getattr(w, who))
    assert client.get(IMPORT).status_code == status


def test_department_imports_for_every_account(client, w):
    client.force_login(w.xuan)
    response = client.post(IMPORT, {"file": upload([WX, BILI, WEIBO], encoding="gbk")})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.skipped_existing, result.accounts) == (3, 0, 3)
    body = response.content.decode()
    assert "导入完成：新增 3 条，已存在 0 条" in body and "发布记录导入完成：新增3条，已存在0条" in body
    again = client.post(IMPORT, {"file": upload([WX, BILI, WEIBO])})
    assert "导入完成：新增 0 条，已存在 3 条" in again.content.decode()
    assert Post.objects.count() == 3


def test_preview_writes_nothing(client, w):
    client.force_login(w.xuan)
    response = client.post(IMPORT, {"file": upload([WX, WX]), "dry_run": "on"})
    body = response.content.decode()
    assert "预检通过（未写入）：将新增 1 条，已存在 0 条" in body and "1 行与文件中前面的行重复" in body
    assert Post.objects.count() == 0


def test_unit_operator_imports_only_for_their_accounts(client, w):
    client.force_login(w.chem_op)
    response = client.post(IMPORT, {"file": upload([WX, BILI, WEIBO], name="十月.csv")})
    assert response.status_code == 200
    assert response.context["row_errors"] == [(4, "帐号ID", "无权导入该帐号的发布记录")]
    body = response.content.decode()
    assert 'id="import-errors"' in body and "第4行" in body and "无权导入该帐号的发布记录" in body
    assert "十月.csv：发布记录文件有1行存在错误，未导入任何数据" in body
    assert Post.objects.count() == 0
    response = client.post(IMPORT, {"file": upload([WX, BILI])})
    assert response.context["result"].created == 2
    assert "您只能导入本单位帐号的发布记录" in response.content.decode()


def test_bad_file_is_reported(client, w):
    client.force_login(w.xuan)
    header_only = SimpleUploadedFile(
        "表头.csv", "平台,帐号ID,发布时间,标题\n".encode(), content_type="text/csv"
    )
    response = client.post(IMPORT, {"file": header_only})
    assert response.status_code == 200
    assert "未导入：表头.csv：文件中只有表头，没有数据行" in response.content.decode()
    empty = client.post(IMPORT, {"file": SimpleUploadedFile("空.csv", b"", content_type="text/csv")})
    assert empty.status_code == 200 and empty.context["form"].errors["file"]  # Django refuses an empty upload


def test_user_without_filing_role_may_not_post(client, w):
    client.force_login(w.it)
    assert client.post(IMPORT, {"file": upload([WX])}).status_code == 403
    assert Post.objects.count() == 0


def test_other_institution_is_out_of_reach(client, w):
    # acc_op works in YUFE: DUT's 化工学院 is not theirs, and YUFE's 会计学院 shares its 原始ID.
    client.force_login(w.acc_op)
    response = client.post(IMPORT, {"file": upload([WX, WEIBO])})
    assert response.context["row_errors"] == [
        (3, "帐号ID", "未找到已登记的微博帐号“1234567890”，请核对帐号ID或先在帐号台账中登记该帐号")
    ]
    client.post(IMPORT, {"file": upload([WX])})
    assert Post.objects.get().account == w.acc_wx


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
    assert reverse("activity:post_import") in body  # chem_op may import
    assert reverse("activity:post_list") in body  # the navbar link
    client.force_login(posts.it)
    assert reverse("activity:post_import") not in client.get(LIST).content.decode()


def test_list_is_paginated(client, w):
    for i in range(55):
        post(w.wx, local(2026, 9, 1, 8, i), f"第{i}条")
    client.force_login(w.xuan)
    first = client.get(LIST)
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 55
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 5
