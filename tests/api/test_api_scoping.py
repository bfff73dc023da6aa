"""Every endpoint reads through `visible_to`: out of scope is absent from lists and a 404 on detail."""

import pytest

from mediagov.api.views import ScopedViewSetMixin
from mediagov.registry.models import AccountStatus
from mediagov.registry.platforms import Platform
from tests.registry.factories import file_new, register

from .conftest import ids, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(world):
    chem = register(world, name="化工学院")
    lab = register(world, unit=world.chem_lab, name="精细化工实验室", platform=Platform.WEIBO)
    mech = register(
        world, unit=world.mech, name="机械工程学院", user=world.mech_op, direct_responsible=world.p_mech
    )
    acc = register(world, inst=world.yufe, unit=world.acc, name="云财会计学院", user=world.acc_op)
    filings = {
        "chem": file_new(world, chem),
        "mech": file_new(world, mech, user=world.mech_op),
        "acc": file_new(world, acc, user=world.acc_op),
    }
    return {"chem": chem, "lab": lab, "mech": mech, "acc": acc, "filings": filings}


def test_mech_operator_sees_only_mech(world, accounts, client_for):
    api = client_for(world.mech_op)
    assert names(api.get("/api/accounts/")) == {"机械工程学院"}
    for key in ("chem", "lab", "acc"):
        assert api.get(f"/api/accounts/{accounts[key].pk}/").status_code == 404
    assert api.get(f"/api/accounts/{accounts['mech'].pk}/").status_code == 200
    assert ids(api.get("/api/filings/")) == {accounts["filings"]["mech"].pk}
    chem_filing = accounts["filings"]["chem"]
    assert api.get(f"/api/filings/{chem_filing.pk}/").status_code == 404
    # Actions on an out-of-scope filing are 404 too, before any permission or domain check.
    for verb in ("decide/", "submit/", "withdraw/", "decide.json", "submit.json", "withdraw.json"):
        response = api.post(f"/api/filings/{chem_filing.pk}/{verb}", {"decision": "approved"}, format="json")
        assert response.status_code == 404, verb
    assert api.get(f"/api/accounts/{accounts['chem'].pk}.json").status_code == 404


def test_unit_scope_includes_sub_units(world, accounts, client_for):
    assert names(client_for(world.chem_op).get("/api/accounts/")) == {"化工学院", "精细化工实验室"}


def test_yufe_users_see_nothing_of_dut(world, accounts, client_for):
    for user in (world.yufe_xuan, world.acc_op, world.acc_head):
        api = client_for(user)
        assert names(api.get("/api/accounts/")) == {"云财会计学院"}
        assert ids(api.get("/api/filings/")) == {accounts["filings"]["acc"].pk}
        for key in ("chem", "lab", "mech"):
            assert api.get(f"/api/accounts/{accounts[key].pk}/").status_code == 404
        for key in ("chem", "mech"):
            assert api.get(f"/api/filings/{accounts['filings'][key].pk}/").status_code == 404
        # Filtering by the other institution's code does not widen the scope.
        assert names(api.get("/api/accounts/", {"institution": "dut"})) == set()


def test_dut_department_sees_every_dut_account_and_no_yufe_one(world, accounts, client_for):
    api = client_for(world.xuan)
    assert names(api.get("/api/accounts/")) == {"化工学院", "精细化工实验室", "机械工程学院"}
    assert api.get(f"/api/accounts/{accounts['acc'].pk}/").status_code == 404


def test_stranger_sees_empty_lists(world, accounts, client_for):
    api = client_for(world.stranger)
    for url in ("/api/accounts/", "/api/filings/", "/api/filings/?todo=1"):
        response = api.get(url)
        assert response.status_code == 200
        assert response.json()["count"] == 0 and response.json()["results"] == []
    assert api.get(f"/api/accounts/{accounts['chem'].pk}/").status_code == 404


def test_account_filters(world, accounts, client_for):
    api = client_for(world.xuan)
    assert names(api.get("/api/accounts/", {"platform": "weibo"})) == {"精细化工实验室"}
    assert names(api.get("/api/accounts/", {"unit": "chem"})) == {"化工学院", "精细化工实验室"}
    assert names(api.get("/api/accounts/", {"unit": "chem-lab"})) == {"精细化工实验室"}
    assert names(api.get("/api/accounts/", {"unit": "no-such-unit"})) == set()
    assert names(api.get("/api/accounts/", {"q": "机械"})) == {"机械工程学院"}
    assert names(api.get("/api/accounts/", {"status": AccountStatus.ACTIVE})) == set()
    assert len(names(api.get("/api/accounts/", {"status": AccountStatus.PENDING}))) == 3
    bad = api.get("/api/accounts/", {"status": "bogus"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_filing_filters(world, accounts, client_for):
    api = client_for(world.xuan)
    assert len(ids(api.get("/api/filings/", {"state": "submitted", "kind": "new"}))) == 2
    assert ids(api.get("/api/filings/", {"state": "approved"})) == set()
    assert api.get("/api/filings/", {"kind": "bogus"}).status_code == 400


def test_account_detail_has_team_status_label_and_alliance(world, client_for):
    account = register(
        world,
        name="化工学院研究生会",
        managers=[
            {"role": "leader", "name": "张三", "person": world.p_chem.pk, "phone": "0411-1"},
            {"role": "admin", "name": "学生小王", "phone": "139"},
        ],
    )
    body = client_for(world.chem_op).get(f"/api/accounts/{account.pk}/").json()
    assert body["status"] == "pending" and body["status_label"] == "申请中"
    assert body["platform_label"] == "微信公众号" and body["responsible_unit"]["code"] == "chem"
    assert [(m["role_label"], m["name"], m["on_staff"]) for m in body["managers"]] == [
        ("管理员", "学生小王", False),
        ("负责人", "张三", True),
    ]  # the model's order: by role code, then id
    assert body["alliance"] == {
        "member": False,
        "joined_on": None,
        "name": "大连理工大学新媒体联盟",
        "article": "第十七条",
    }
    assert body["direct_responsible"]["name"] == "张三" and body["can_file"] is True
    listed = client_for(world.chem_op).get("/api/accounts/").json()["results"][0]
    assert listed["managers"] and listed["alliance"]["member"] is False


def test_scope_is_read_in_one_place():
    with pytest.raises(TypeError, match="refine_queryset"):

        class Sneaky(ScopedViewSetMixin):
            def get_queryset(self):  # pragma: no cover - the class statement itself fails
                return None
