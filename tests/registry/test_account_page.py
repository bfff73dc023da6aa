"""The account page shows its audit trail: who, when, from where, and field changes in the forms' words."""

import pytest
from django.urls import reverse

from mediagov.registry import services
from mediagov.registry.models import StepDecision

from .factories import file_new, register

pytestmark = pytest.mark.django_db


def test_history_shows_decisions_with_address_and_field_changes_as_labels(client, world):
    account = register(world)
    filing = file_new(world, account)
    for user in (world.chem_party, world.xuan):
        services.filing_decide(
            step=filing.current_step(), user=user, decision=StepDecision.APPROVED, opinion="同意"
        )
    client.force_login(world.xuan)
    html = client.get(
        reverse("registry:account_detail", args=[account.pk]), REMOTE_ADDR="10.1.2.3"
    ).content.decode()
    assert "字段变更：状态" in html
    assert '<span class="diff-old">申请中</span> → <span class="diff-new">运营中</span>' in html
    assert "pending" not in html.split('id="history"')[1]
    assert "审批通过" in html and "宣传部王老师" in html


def test_history_records_the_request_address(client, world):
    account = register(world)
    client.force_login(world.chem_op)
    response = client.post(
        reverse(
            "registry:filing_withdraw",
            args=[services.filing_create(account=account, kind="new", user=world.chem_op).pk],
        ),
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302
    html = client.get(reverse("registry:account_detail", args=[account.pk])).content.decode()
    assert "撤回备案" in html and "10.9.8.7" in html


def test_filing_list_pages_keep_their_tab(client, world):
    for i in range(51):
        services.filing_create(
            account=register(world, name=f"化工学院{i}号", is_main=False), kind="new", user=world.chem_op
        )
    client.force_login(world.xuan)
    html = client.get(reverse("registry:filing_list") + "?tab=all&kind=new").content.decode()
    pager = html[html.index("pagination") :]
    assert "?tab=all&amp;kind=new&page=2" in pager, pager[:400]
