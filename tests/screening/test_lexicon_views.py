"""Lexicon pages: the department imports (replace or append, all or nothing), reads versions and terms,
exports, tries a text with the hits marked, and re-screens recent posts; nobody else gets in."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from mediagov.celery import app
from mediagov.screening.models import Lexicon, Term
from mediagov.screening.services import lexicon_import

PAGE = reverse("screening:lexicon_list")
CSV = "词条,类别,例外,更正\n内部资料,classified,,\n=cmd|' /C calc'!A0,commercial_ad,,\n再接再励,typo,,再接再厉\n"


def upload(text: str, encoding="gbk", name="词库.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def post_import(client, text, *, encoding="gbk", mode="replace", name="词库", filename="词库.csv"):
    data = {"action": "import", "up-file": upload(text, encoding, filename), "up-name": name, "up-mode": mode}
    return client.post(PAGE, data, follow=True)


def test_a_gbk_file_imports_as_a_new_version_and_lists_its_terms(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.xuan)
    good = "词条,类别,更正\n内部资料,classified,\n再接再励,typo,再接再厉\n"
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_import(client, good)
    page = response.content.decode()
    assert "“词库”已更新为第1版（2个词条）" in page and "最近30天的发布记录将在后台重新筛查" in page
    assert len(callbacks) == 1  # the re-screen, queued after the commit
    lexicon = Lexicon.objects.get(institution=world.dut, name="词库")
    assert response.redirect_chain[-1][0] == reverse("screening:lexicon_detail", args=[lexicon.pk])
    assert "再接再厉" in page and "第1版" in page
    post_import(client, "词条,类别\n刷单兼职,commercial_ad\n", mode="append")
    lexicon.refresh_from_db()
    assert lexicon.version == 2 and lexicon.terms.count() == 3


def test_a_bad_file_writes_nothing_and_names_row_and_field(client, world):
    client.force_login(world.xuan)
    lexicon_import(institution=world.dut, data="词条,类别\n内部资料,classified\n".encode(), filename="a.csv")
    response = post_import(client, CSV)
    page = response.content.decode()
    assert "未导入，文件有以下问题" in page
    assert "词库.csv：第3行“词条”" in page  # the formula cell (the header is row 1)
    assert list(Term.objects.values_list("text", flat=True)) == ["内部资料"]  # untouched
    assert Lexicon.objects.get(name="词库").version == 1


def test_the_try_box_marks_hits_with_their_article(client, world):
    client.force_login(world.xuan)
    lexicon_import(
        institution=world.dut,
        data="词条,类别,更正\n内部资料,classified,\n再接再励,typo,再接再厉\n".encode(),
        filename="a.csv",
    )
    response = client.post(PAGE, {"action": "try", "try-text": "本文为内 部*資 料，望大家再接再励"})
    page = response.content.decode()
    assert '<mark class="screening-hit screening-block"' in page and ">内 部*資 料</mark>" in page
    assert "应为“再接再厉”" in page and "第十四条（一）" in page


def test_export_is_the_import_format_and_defuses_formulas(client, world):
    client.force_login(world.xuan)
    version = lexicon_import(
        institution=world.dut,
        data="词条,类别,更正\n+1 代写,commercial_ad,\n内部资料,classified,\n".encode(),
        filename="a.csv",
    )
    url = reverse("screening:lexicon_download", args=[version.lexicon.pk, "xlsx"])
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("词条", "类别") and ("'+1 代写", "commercial_ad") in [r[:2] for r in rows[1:]]
    assert (
        client.get(reverse("screening:lexicon_download", args=[version.lexicon.pk, "exe"])).status_code == 404
    )


def test_rescreen_button_screens_recent_posts(client, world):
    client.force_login(world.xuan)
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        response = client.post(reverse("screening:lexicon_rescreen"), follow=True)
    finally:
        app.conf.task_always_eager = before
    assert "已安排在后台重新筛查最近30天的发布记录" in response.content.decode()


@pytest.mark.parametrize("who", ["chem_op", "mech_head", "it", "yufe_xuan"])
def test_only_the_institution_department_gets_in(client, world, who):
    version = lexicon_import(
        institution=world.dut, data="词条,类别\n内部资料,classified\n".encode(), filename="a.csv"
    )
    client.force_login(getattr(world, who))
    detail = client.get(reverse("screening:lexicon_detail", args=[version.lexicon.pk]))
    if who == "yufe_xuan":  # another institution's department: the lexicon does not exist for them
        assert detail.status_code == 404
        assert client.get(PAGE).status_code == 200 and "内部资料" not in client.get(PAGE).content.decode()
    else:
        assert detail.status_code == 403 and client.get(PAGE).status_code == 403
