"""/api/findings/ and /api/sanctions/: scoped reads and the finding lifecycle over the same services."""

from datetime import date

import pytest
import time_machine

from mediagov.compliance.models import Finding, FindingState, SanctionLevel
from mediagov.compliance.services import sanction_issue, scan_run
from mediagov.org.models import Role

from ..compliance.builders import live_account
from ..conftest import make_user
from .conftest import ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(world):
    with time_machine.travel(date(2026, 11, 22), tick=False):
        chem = live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
        mech = live_account(
            world,
            "机械学院官微",
            created_on=date(2024, 1, 1),
            unit=world.mech,
            direct_responsible=world.p_mech,
        )
        scan_run(world.dut, as_of=date(2026, 11, 22))
    return (
        Finding.objects.get(account=chem, rule="dut-12-two-months"),
        Finding.objects.get(account=mech, rule="dut-12-two-months"),
    )


def test_findings_are_scoped(world, found, client_for):
    chem, mech = found
    assert {chem.pk, mech.pk} <= ids(client_for(world.xuan).get("/api/findings/"))
    mine = ids(client_for(world.chem_op).get("/api/findings/"))
    assert chem.pk in mine and mech.pk not in mine
    assert client_for(world.chem_op).get(f"/api/findings/{mech.pk}/").status_code == 404
    assert ids(client_for(world.yufe_xuan).get("/api/findings/")) == set()
    assert client_for().get("/api/findings/").status_code in (401, 403)


def test_filters(world, found, client_for):
    chem, _ = found
    api = client_for(world.xuan)
    assert ids(api.get("/api/findings/", {"rule": "dut-12-two-months", "account": chem.account_id})) == {
        chem.pk
    }
    assert api.get("/api/findings/", {"state": "nonsense"}).status_code == 400


def test_lifecycle_over_the_api(world, found, client_for):
    chem, _ = found
    xuan2 = make_user("xuan2", "宣传部李老师", (world.dut, Role.PROPAGANDA, None))
    op = client_for(world.chem_op)
    body = op.post(f"/api/findings/{chem.pk}/acknowledge/", {}, format="json").json()
    assert body["state"] == "acknowledged" and body["citation"].endswith("第十二条")
    r = op.post(f"/api/findings/{chem.pk}/rectify/", {"description": ""}, format="json")
    assert r.status_code == 400
    r = op.post(f"/api/findings/{chem.pk}/rectify/", {"description": "已恢复更新"}, format="json")
    assert r.json()["state"] == "rectified"
    r = op.post(f"/api/findings/{chem.pk}/verify/", {}, format="json")
    assert r.status_code == 403 and r.json()["detail"]
    r = client_for(xuan2).post(f"/api/findings/{chem.pk}/verify/", {"note": "属实"}, format="json")
    assert r.json()["state"] == "closed"
    assert Finding.objects.get(pk=chem.pk).state == FindingState.CLOSED


def test_waive_needs_the_department_and_a_reason(world, found, client_for):
    _, mech = found
    assert client_for(world.mech_op).post(f"/api/findings/{mech.pk}/waive/", {"note": "x"}).status_code == 403
    assert client_for(world.xuan).post(f"/api/findings/{mech.pk}/waive/", {"note": ""}).status_code == 400
    r = client_for(world.xuan).post(f"/api/findings/{mech.pk}/waive/", {"note": "学院已撤销"}, format="json")
    assert r.json()["state"] == "waived"


def test_sanctions_are_scoped(world, found, client_for):
    chem, _ = found
    sanction = sanction_issue(
        account=chem.account,
        level=SanctionLevel.RECTIFY,
        findings=[chem],
        reason="连续未更新",
        by=world.xuan,
        deadline=date(2026, 12, 7),
    )
    assert ids(client_for(world.chem_op).get("/api/sanctions/")) == {sanction.pk}
    assert ids(client_for(world.mech_op).get("/api/sanctions/")) == set()
    body = client_for(world.xuan).get(f"/api/sanctions/{sanction.pk}/").json()
    assert body["level_label"] == "责令整改" and body["findings"] == [chem.pk]
