"""Filing endpoints: detail, deciding, submitting and withdrawing through the same services as the pages."""

from datetime import date

import pytest
import time_machine

from mediagov.core.models import ActionLog
from mediagov.registry import services
from mediagov.registry.models import Filing, FilingKind, FilingState, StepDecision
from tests.registry.factories import file_new, register

from .conftest import ids

pytestmark = pytest.mark.django_db


def decide(api, filing, decision="approved", opinion="同意"):
    return api.post(
        f"/api/filings/{filing.pk}/decide/", {"decision": decision, "opinion": opinion}, format="json"
    )


@pytest.fixture
def filing(world):
    return file_new(world, register(world, planned_open_on=date(2026, 3, 20)))


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_detail_shows_steps_due_date_and_checks(world, client_for):
    filing = file_new(world, register(world, planned_open_on=date(2026, 3, 20)))
    body = client_for(world.chem_op).get(f"/api/filings/{filing.pk}/").json()
    assert body["state"] == "submitted" and body["state_label"] == "审批中"
    assert body["kind_label"] == "新建备案" and body["account"]["name"] == "化工学院"
    assert body["due_date"] == "2026-03-20" and body["due_rule"]
    assert isinstance(body["checks"], list) and body["diff"] == []
    steps = [(s["role"], s["role_label"], s["article"], s["decision"]) for s in body["steps"]]
    assert steps == [
        ("unit_party", "二级党组织", "第八条", "pending"),
        ("propaganda", "党委宣传部", steps[1][2], "pending"),
    ]
    assert body["steps"][0]["unit"]["code"] == "chem" and body["steps"][0]["signed_by"] is None
    assert body["current_step"]["id"] == body["steps"][0]["id"]
    assert body["created_by"] == "化工学院小陈" and body["can_file"] is True and body["can_decide"] is False


def test_decide_happy_path_through_the_chain(world, filing, client_for):
    party, xuan = client_for(world.chem_party), client_for(world.xuan)
    assert ids(party.get("/api/filings/", {"todo": 1})) == {filing.pk}
    assert ids(xuan.get("/api/filings/", {"todo": 1})) == set()  # not the propaganda step's turn yet
    assert party.get(f"/api/filings/{filing.pk}/").json()["can_decide"] is True

    response = decide(party, filing, opinion="同意开设")
    assert response.status_code == 200, response.content
    body = response.json()
    first = body["steps"][0]
    assert (first["decision"], first["decision_label"], first["opinion"]) == ("approved", "同意", "同意开设")
    assert first["signed_by"] == "化工学院党委书记" and first["signed_at"]
    assert body["state"] == "submitted" and body["current_step"]["role"] == "propaganda"
    assert ids(party.get("/api/filings/", {"todo": 1})) == set()
    assert ids(xuan.get("/api/filings/", {"todo": 1})) == {filing.pk}

    body = decide(xuan, filing).json()
    assert body["state"] == "approved" and body["current_step"] is None
    account = xuan.get(f"/api/accounts/{filing.account_id}/").json()
    assert account["status_label"] == "运营中" and account["alliance"]["member"] is True
    assert account["filings"][0]["state"] == "approved"
    log = ActionLog.objects.for_object(filing).filter(action="filing.approved").get()
    assert log.user == world.xuan


def test_self_approval_is_refused_with_403(world, client_for):
    # The propaganda officer files for 化工学院 himself, then tries to approve the propaganda step.
    filing = file_new(world, register(world, user=world.xuan), user=world.xuan)
    services.filing_decide(step=filing.current_step(), user=world.chem_party, decision=StepDecision.APPROVED)
    response = decide(client_for(world.xuan), filing)
    assert response.status_code == 403
    assert "本人" in response.json()["detail"]
    assert filing.current_step().decision == StepDecision.PENDING


def test_wrong_step_holder_gets_403(world, filing, client_for):
    # Both see the filing (institution-wide roles) but the current step is 化工学院's party committee.
    for user in (world.xuan, world.it):
        response = decide(client_for(user), filing)
        assert response.status_code == 403, user
        label = filing.current_step().label
        assert response.json()["detail"] == f"您不是“{label}”环节的审批人"
    # The operator who filed it sees it too, and may not decide either.
    assert decide(client_for(world.chem_op), filing).status_code == 403
    filing = Filing.objects.get(pk=filing.pk)  # the FSM field is protected: no refresh_from_db
    assert filing.state == FilingState.SUBMITTED
    assert filing.current_step().decision == StepDecision.PENDING


def test_return_needs_an_opinion(world, filing, client_for):
    party = client_for(world.chem_party)
    response = decide(party, filing, "returned", "  ")
    assert response.status_code == 400
    assert response.json()["detail"] == "退回或不同意时须填写意见"
    assert set(response.json()) == {"detail", "article", "code"}
    response = decide(party, filing, "returned", "媒体定位不清晰，请补充")
    assert response.status_code == 200
    assert response.json()["state"] == "returned" and response.json()["state_label"] == "退回修改"
    assert [s["decision"] for s in response.json()["steps"]] == ["returned", "skipped"]


def test_bad_decision_value_and_no_pending_step_are_400(world, filing, client_for):
    party = client_for(world.chem_party)
    response = party.post(f"/api/filings/{filing.pk}/decide/", {"decision": "maybe"}, format="json")
    assert response.status_code == 400 and "decision" in response.json()
    services.filing_withdraw(filing=filing, user=world.chem_op)
    response = decide(party, filing)
    assert response.status_code == 400 and "没有待审批" in response.json()["detail"]


def test_submit_and_withdraw_need_the_file_permission(world, client_for):
    account = register(world)
    draft = services.filing_create(account=account, kind=FilingKind.NEW, user=world.chem_op)
    # The IT center sees every account of DUT but files for none.
    response = client_for(world.it).post(f"/api/filings/{draft.pk}/submit/")
    assert response.status_code == 403 and response.json()["detail"] == "您无权为该帐号办理备案"

    op = client_for(world.chem_op)
    response = op.post(f"/api/filings/{draft.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted" and len(response.json()["steps"]) == 2
    response = op.post(f"/api/filings/{draft.pk}/submit/")
    assert response.status_code == 400 and "不能提交" in response.json()["detail"]

    assert client_for(world.it).post(f"/api/filings/{draft.pk}/withdraw/").status_code == 403
    response = op.post(f"/api/filings/{draft.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    response = op.post(f"/api/filings/{draft.pk}/withdraw/")
    assert response.status_code == 400 and response.json()["detail"] == "备案已办结，不能撤回"


def test_blocked_submission_returns_the_checks(world, client_for):
    register(world, name="化工学院")
    second = register(world, name="化工学院新闻")  # a second main WeChat account of the same unit
    draft = services.filing_create(account=second, kind=FilingKind.NEW, user=world.chem_op)
    response = client_for(world.chem_op).post(f"/api/filings/{draft.pk}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("不能提交") and body["article"]
    assert any(c["level"] == "error" and c["code"] == "quota.main_account" for c in body["checks"])
    assert Filing.objects.get(pk=draft.pk).state == FilingState.DRAFT


def test_change_filing_detail_has_the_diff(world, filing, client_for):
    services.filing_decide(step=filing.current_step(), user=world.chem_party, decision=StepDecision.APPROVED)
    services.filing_decide(step=filing.current_step(), user=world.xuan, decision=StepDecision.APPROVED)
    filing.account.refresh_from_db()
    change = services.filing_create(
        account=filing.account,
        kind=FilingKind.CHANGE,
        user=world.chem_op,
        proposed={"name": "化工学院研究生"},
    )
    body = client_for(world.chem_op).get(f"/api/filings/{change.pk}/").json()
    assert body["diff"] == [
        {"field": "name", "label": "帐号名称", "old": "化工学院", "new": "化工学院研究生"}
    ]
    assert body["due_date"] and "第十一条" in body["due_rule"]
