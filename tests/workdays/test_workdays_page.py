"""The calendar page: everyone signed in reads it; 宣传部, 网信中心 and staff edit it."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mediagov.core.models import ActionLog
from mediagov.org.models import Institution, Membership, Role
from mediagov.workdays.models import CalendarYear, WorkdayOverride
from mediagov.workdays.services import is_workday

pytestmark = pytest.mark.django_db

URL = "/calendar/"


def make_user(username: str, *, role: str | None = None, is_staff: bool = False):
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=is_staff)
    if role:
        institution, _ = Institution.objects.get_or_create(code="test", defaults={"name": "测试大学"})
        Membership.objects.create(user=user, institution=institution, role=role)
    return user


def save_post(**overrides) -> dict:
    return {
        "action": "save",
        "year": "2025",
        "date": "2025-10-08",
        "is_workday": "1",
        "name": "演练",
        **overrides,
    }


def test_url_is_mounted_at_calendar():
    assert reverse("workdays:calendar") == URL


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_signed_in_user_sees_the_year(client):
    client.force_login(make_user("plain"))
    response = client.get(URL, {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作日历 · 2026年" in html
    assert "2026-02-14" in html
    assert "调休上班" in html
    assert "2026-10-07" in html
    assert "全年工作日 <strong>248</strong> 天" in html
    # No editing for a plain user.
    assert "添加或修改调整" not in html
    assert 'name="action"' not in html


def test_a_year_without_data_says_so(client):
    client.force_login(make_user("plain"))
    html = client.get(URL, {"year": "2027"}).content.decode()
    assert "2027年的节假日安排尚未导入" in html


def test_post_is_forbidden_for_a_plain_user(client):
    client.force_login(make_user("plain", role=Role.OPERATOR))
    assert client.post(URL, save_post()).status_code == 403
    upload = SimpleUploadedFile("n.txt", b"YEAR 2027\n")
    assert client.post(URL, {"action": "import", "file": upload}).status_code == 403
    assert WorkdayOverride.objects.count() == 0
    assert CalendarYear.objects.count() == 0


def test_staff_adds_edits_and_deletes_an_override(client):
    staff = make_user("boss", is_staff=True)
    client.force_login(staff)
    html = client.get(URL, {"year": "2025"}).content.decode()
    assert "添加或修改调整" in html

    response = client.post(URL, save_post())
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year=2025"
    assert is_workday(date(2025, 10, 8)) is True
    override = WorkdayOverride.objects.get(date=date(2025, 10, 8))
    assert (override.name, override.updated_by) == ("演练", staff)
    log = ActionLog.objects.for_object(override).get()
    assert (log.action, log.user) == ("calendar.override_saved", staff)

    edit = client.get(URL, {"year": "2025", "edit": "2025-10-08"}).content.decode()
    assert 'value="演练"' in edit

    client.post(URL, save_post(is_workday="0", name="国庆节"))
    override.refresh_from_db()
    assert (override.is_workday, override.name) == (False, "国庆节")

    response = client.post(URL, {"action": "delete", "year": "2025", "date": "2025-10-08"})
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()


@pytest.mark.parametrize("role", [Role.PROPAGANDA, Role.IT_CENTER])
def test_propaganda_and_it_center_may_edit(client, role):
    client.force_login(make_user("officer", role=role))
    assert client.post(URL, save_post()).status_code == 302
    assert WorkdayOverride.objects.filter(date=date(2025, 10, 8), is_workday=True).exists()


def test_an_invalid_form_is_shown_again(client):
    client.force_login(make_user("boss", is_staff=True))
    response = client.post(URL, save_post(date="2025-13-40"))
    assert response.status_code == 200
    assert not WorkdayOverride.objects.exists()


def test_upload_imports_a_notice(client, notice_2027):
    client.force_login(make_user("boss", is_staff=True))
    upload = SimpleUploadedFile("2027.txt", notice_2027.encode("gbk"), content_type="text/plain")
    response = client.post(URL, {"action": "import", "year": "2027", "file": upload}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已导入2027年的节假日安排" in html
    assert "已导入国务院办公厅通知" in html
    assert is_workday(date(2027, 2, 20)) is True
    assert CalendarYear.objects.get(year=2027).source == "上传：2027.txt"


def test_a_bad_upload_names_the_line_and_imports_nothing(client):
    client.force_login(make_user("boss", is_staff=True))
    upload = SimpleUploadedFile("bad.txt", "YEAR 2027\nHOLIDAY 2027-02-13 2027-02-06 春节\n".encode())
    response = client.post(URL, {"action": "import", "year": "2027", "file": upload})
    assert response.status_code == 200
    assert "bad.txt：第2行" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_adjusting_a_package_day_prefills_its_current_state(client):
    client.force_login(make_user("boss", is_staff=True))
    html = client.get(URL, {"year": "2025", "edit": "2025-10-04"}).content.decode()
    assert 'value="2025-10-04"' in html
    assert '<option value="0" selected>放假</option>' in html
    html = client.get(URL, {"year": "2025", "edit": "2025-09-28"}).content.decode()
    assert '<option value="1" selected>上班</option>' in html


def test_admin_lists_and_saves_overrides(client):
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    for model in ("calendaryear", "workdayoverride"):
        response = client.get(f"/admin/workdays/{model}/")
        assert response.status_code == 200
    data = {"date": "2025-10-08", "is_workday": "on", "name": "演练", "source": ""}
    response = client.post("/admin/workdays/workdayoverride/add/", data)
    assert response.status_code == 302
    override = WorkdayOverride.objects.get(date=date(2025, 10, 8))
    assert override.updated_by == admin
    assert ActionLog.objects.for_object(override).get().action == "calendar.override_saved"
    assert is_workday(date(2025, 10, 8)) is True
