"""/api/reports/: the monthly reports (月报表) the user may see, read-only, filtered by month, state, late."""

from datetime import date

import pytest
import time_machine

from mediagov.activity.models import Report
from mediagov.activity.reports import report_submit, reports_prefill

from ..activity.report_builders import post_on, reporting_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(world):
    official = reporting_account(world, "会计学院官微")
    video = reporting_account(world, "会计学院视频号", platform_id="gh_acc_video")
    post_on(official, date(2026, 3, 2), "学院召开教学工作会议")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        reports_prefill(institution=world.yufe)
    with time_machine.travel(date(2026, 4, 8), tick=False):
        report_submit(report=Report.objects.get(account=official), user=world.acc_op)
    return Report.objects.get(account=official), Report.objects.get(account=video)


def test_reports_in_scope_with_every_field(client_for, world, reports):
    official, video = reports
    rows = client_for(world.acc_head).get("/api/reports/").json()["results"]
    assert [r["account_name"] for r in rows] == ["会计学院官微", "会计学院视频号"]
    row = rows[0]
    assert row["period"] == "2026-03-01" and row["state"] == "submitted" and row["late"] is True
    assert (row["post_count"], row["observed_count"], row["count_differs"]) == (1, 1, False)
    assert row["unit_name"] == "会计学院" and row["leader_name"] == "周六"
    assert [a["name"] for a in row["admins"]] == ["小王", "小李"]
    assert client_for(world.xuan).get("/api/reports/").json()["results"] == []  # DUT sees none of YUFE's
    assert client_for(world.xuan).get(f"/api/reports/{official.pk}/").status_code == 404


def test_filters(client_for, world, reports):
    official, video = reports
    api = client_for(world.yufe_xuan)

    def got(query):
        response = api.get(f"/api/reports/?{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert got("state=prefilled") == [video.pk]
    assert got("period=2026-02") == []
    assert got(f"period=2026-03&account={official.account_id}") == [official.pk]
    with time_machine.travel(date(2026, 4, 8), tick=False):
        assert got("late=true") == [official.pk, video.pk]
    assert api.get("/api/reports/?period=2026-13").status_code == 400
    assert api.post("/api/reports/", {}).status_code == 405  # read-only
