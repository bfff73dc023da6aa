"""Import pages: upload → preview → confirm → progress, who may use them, and the problems CSV."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mediagov.activity.models import Post
from mediagov.imports import services
from mediagov.imports.models import ImportRun, ImportState

from ..activity.builders import FORMULA, csv_bytes
from .builders import DOUYIN_SAMPLE, WECHAT_SAMPLE, encoded

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:post_upload")
WX = ["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "化工迎新", "", ""]
BILI = ["B站", "12345", "2026-10-04 19:00", "实验室开放日", "", ""]
WEIBO = ["微博", "1234567890", "2026-10-05", "机械运动会", "", ""]


def upload(rows=None, name="发布记录.csv", encoding="utf-8", data=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else csv_bytes(rows, encoding=encoding))


def post_file(client, file, account=None):
    return client.post(UPLOAD, {"file": file, "account": account.pk if account else ""})


def test_url_names():
    assert UPLOAD == "/imports/posts/"
    assert reverse("imports:run_list") == "/imports/"
    assert reverse("imports:run_progress", args=[7]) == "/imports/7/progress/"


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
def test_who_may_open_the_upload(client, w, who, status):
    client.force_login(getattr(w, who))
    assert client.get(UPLOAD).status_code == status
    assert client.get(reverse("imports:run_list")).status_code == status


def test_upload_previews_and_writes_nothing(client, w):
    client.force_login(w.xuan)
    response = post_file(client, upload([WX, BILI, WEIBO, WX], encoding="gbk"))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:run_detail", args=[run.pk]
    )
    page = client.get(response["Location"])
    body = page.content.decode()
    assert run.state == ImportState.PREVIEWED and Post.objects.count() == 0
    assert "预检通过，尚未写入任何数据。确认后将在后台导入：新增 3 条，已存在 0 条。" in body
    assert 'id="confirm-import"' in body and "通用格式" in body and "gb18030编码" in body
    assert (run.rows, run.duplicate_count) == (4, 1)


def test_confirm_runs_the_import_and_shows_progress(
    client, w, django_capture_on_commit_callbacks, eager_celery
):
    client.force_login(w.chem_op)
    post_file(client, upload([WX, BILI]))
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the confirmation commits
        response = client.post(reverse("imports:run_confirm", args=[run.pk]))
    assert response["Location"] == reverse("imports:run_detail", args=[run.pk])
    body = client.get(response["Location"]).content.decode()
    assert "已确认导入“发布记录.csv”，正在后台导入" in body
    assert "导入完成：新增 2 条，已存在 0 条" in body and 'aria-valuenow="100"' in body
    assert Post.objects.count() == 2
    # The same file again: its preview says nothing is new, and importing it adds nothing.
    post_file(client, upload([WX, BILI]))
    again = ImportRun.objects.latest("pk")
    assert (again.created_count, again.existing_count) == (0, 2)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run_confirm", args=[again.pk]))
    assert Post.objects.count() == 2


def test_progress_is_polled_while_running(client, w):
    client.force_login(w.xuan)
    post_file(client, upload([WX, WEIBO]))
    run = services.import_run_confirm(run=ImportRun.objects.get(), user=w.xuan)  # not run yet
    services._progress_write(run.pk, 42, 1234)
    url = reverse("imports:run_progress", args=[run.pk])
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page and "42%" in page
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert "已读取 1234 行，共 2 行" in fragment.content.decode() and "HX-Refresh" not in fragment
    services._progress_write(run.pk, services.PROGRESS_READ_SHARE, 2)
    writing = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "已读取并检查全部 2 行，正在写入数据库" in writing and "共 2 行" not in writing
    services.import_run_execute(run_id=run.pk)
    over = client.get(url, HTTP_HX_REQUEST="true")
    assert over["HX-Refresh"] == "true" and "hx-get" not in over.content.decode()


def test_export_with_its_account(client, w):
    client.force_login(w.chem_op)
    page = client.get(UPLOAD)
    choices = {a.pk for a in page.context["form"].fields["account"].queryset}
    assert choices == {
        w.wx.pk,
        w.douyin.pk,
    }  # chem's WeChat and Douyin; not mech's Weibo, not B站 (no export)
    response = post_file(
        client, upload(data=encoded(WECHAT_SAMPLE, "gbk"), name="群发记录.csv"), account=w.wx
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.state == ImportState.PREVIEWED
    body = client.get(response["Location"]).content.decode()
    assert "识别为微信公众号后台“发表记录”导出" in body and "所属帐号：化工学院（微信公众号）" in body
    refused = post_file(client, upload(data=DOUYIN_SAMPLE.read_bytes()), account=w.weibo)
    assert refused.status_code == 200 and refused.context["form"].errors["account"]


def test_export_without_account_or_for_another_platform(client, w):
    client.force_login(w.xuan)
    post_file(client, upload(data=WECHAT_SAMPLE.read_bytes()))
    body = client.get(reverse("imports:run_detail", args=[ImportRun.objects.get().pk])).content.decode()
    assert "未导入" in body and "请指定它属于哪个帐号" in body
    post_file(client, upload(data=WECHAT_SAMPLE.read_bytes()), account=w.douyin)
    run = ImportRun.objects.latest("pk")
    assert run.state == ImportState.FAILED and "而该文件是微信公众号后台" in run.message


def test_row_errors_are_listed_with_file_row_and_column(client, w):
    client.force_login(w.chem_op)
    post_file(client, upload([WX, BILI, WEIBO], name="十月.csv"))
    run = ImportRun.objects.get()
    body = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert 'id="import-errors"' in body and "第4行" in body and "无权导入该帐号的发布记录" in body
    assert "未导入：十月.csv：有 1 行存在错误，未导入任何数据" in body
    assert 'id="confirm-import"' not in body
    response = client.post(reverse("imports:run_confirm", args=[run.pk]), follow=True)
    assert "预检未通过，不能导入" in response.content.decode()
    assert ImportRun.objects.get().state == ImportState.FAILED and Post.objects.count() == 0


def test_unknown_layout_is_explained(client, w):
    client.force_login(w.xuan)
    post_file(client, upload(data="日期,阅读量\n2026-10-03,5\n".encode("gbk")))
    body = client.get(reverse("imports:run_detail", args=[ImportRun.objects.get().pk])).content.decode()
    assert "无法识别文件格式" in body and "须有列：内容标题、发表时间" in body


def test_bad_files_are_refused_at_upload(client, w, settings):
    client.force_login(w.xuan)
    empty = post_file(client, upload(data=b"", name="空.csv"))
    assert empty.status_code == 200 and empty.context["form"].errors["file"]  # Django refuses an empty upload
    settings.MEDIAGOV_IMPORT_MAX_BYTES = 20
    big = post_file(client, upload([WX]))
    assert "文件过大" in big.context["form"].errors["file"][0]
    assert not ImportRun.objects.exists()


def test_errors_csv_never_carries_a_live_formula(client, w):
    client.force_login(w.xuan)
    hostile = ["微信公众号", "gh_0123456789ab", FORMULA, FORMULA, "", ""]
    post_file(client, upload([hostile], name="=HYPERLINK(1).csv"))
    run = ImportRun.objects.get()
    response = client.get(reverse("imports:run_errors", args=[run.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["文件", "行号", "列", "问题"]
    assert rows[1][:3] == ["'=HYPERLINK(1).csv", "2", "发布时间"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page  # shown as escaped text


def test_runs_are_private_to_their_uploader_and_the_department(client, w):
    client.force_login(w.chem_op)
    post_file(client, upload([WX]))
    run = ImportRun.objects.get()
    for who, status in (("chem_op", 200), ("xuan", 200), ("mech_op", 404), ("yufe_xuan", 404), ("it", 404)):
        client.force_login(getattr(w, who))
        for name in ("run_detail", "run_progress", "run_errors"):
            assert client.get(reverse(f"imports:{name}", args=[run.pk])).status_code == status, (who, name)
    client.force_login(w.mech_op)
    assert client.post(reverse("imports:run_confirm", args=[run.pk])).status_code == 404
    assert ImportRun.objects.get().state == ImportState.PREVIEWED
    client.force_login(w.xuan)
    history = client.get(reverse("imports:run_list")).content.decode()
    assert "发布记录.csv" in history and "已预检，待确认" in history


def test_confirm_is_post_only(client, w):
    client.force_login(w.xuan)
    post_file(client, upload([WX]))
    assert client.get(reverse("imports:run_confirm", args=[ImportRun.objects.get().pk])).status_code == 405
