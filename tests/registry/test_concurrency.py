"""Two approvers deciding the same step at once: exactly one decision wins, the chain advances once.

`services.filing_decide` locks the filing row (SELECT … FOR UPDATE) and claims the step with a conditional
update. SQLite has no row locks and serialises writers differently, so the race runs on PostgreSQL only;
the sequential refusal runs on both databases.
"""

import threading
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from mediagov.core.errors import DomainError
from mediagov.core.models import ActionLog
from mediagov.org.models import Membership, Role
from mediagov.registry import services
from mediagov.registry.models import AccountStatus, ApprovalStep, Filing, FilingState, StepDecision
from mediagov.registry.services import FilingError
from mediagov.workdays.services import calendar_cache_clear

from .factories import file_new, register

ROUNDS = 10
# The log entries one step decision writes: approving a step, or ending the round by return or rejection.
STEP_ACTIONS = ("filing.step_approved", "filing.returned", "filing.rejected")

_serial = count(1)


def second_approver(username: str, role: str, inst, unit=None):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(user=user, institution=inst, role=role, unit=unit)
    return user


@pytest.fixture
def postgres_only():
    """Skip before the world is built: the race needs PostgreSQL's row locks."""
    if connection.vendor != "postgresql":
        pytest.skip("the race needs row locks (SELECT … FOR UPDATE): PostgreSQL only, set DATABASE_URL")


@pytest.fixture
def approvers(world):
    """Two unit-party approvers of 化工学院 and two propaganda officers, so each step has two holders."""
    calendar_cache_clear()
    world.chem_party2 = second_approver("chem_party2", Role.UNIT_PARTY, world.dut, world.chem)
    world.xuan2 = second_approver("xuan2", Role.PROPAGANDA, world.dut)
    yield world
    calendar_cache_clear()


def submitted_filing(w):
    n = next(_serial)
    # Not a main account (主体账户), so any number of them pass the one-main-account-per-platform check.
    account = register(w, name=f"化工学院并发测试{n}", platform_id=f"gh_race{n:06d}", is_main=False)
    return file_new(w, account)


def fresh(filing) -> Filing:
    """Re-read a filing (its FSM-protected state cannot be refreshed in place)."""
    return Filing.objects.get(pk=filing.pk)


def step_actions(filing) -> list[str]:
    return list(
        ActionLog.objects.for_object(filing).filter(action__in=STEP_ACTIONS).values_list("action", flat=True)
    )


def race(step, *contenders) -> list[tuple]:
    """Run filing_decide for each (user, decision) in its own thread, all released at the same instant.

    Returns one (user, decision, filing or None, error or None) per contender.
    """
    barrier = threading.Barrier(len(contenders))
    results: list = [None] * len(contenders)

    def decide(i, user, decision):
        try:
            # A stuck lock must fail the test, not hang the suite.
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")
            barrier.wait(timeout=20)
            filing = services.filing_decide(step=step, user=user, decision=decision, opinion=f"{user}的意见")
            results[i] = (user, decision, filing, None)
        except Exception as exc:  # handed back to the test, which asserts on it
            results[i] = (user, decision, None, exc)
        finally:
            connection.close()  # each thread has its own connection; do not leak it past the test

    threads = [
        threading.Thread(target=decide, args=(i, user, decision), name=f"decide-{user}")
        for i, (user, decision) in enumerate(contenders)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a decision thread did not finish"
    return results


def one_winner(results):
    winners = [r for r in results if r[3] is None]
    losers = [r for r in results if r[3] is not None]
    assert len(winners) == 1, f"expected exactly one winner, got {[(str(r[0]), r[3]) for r in results]}"
    for _user, _decision, _filing, exc in losers:
        assert isinstance(exc, FilingError), f"the losing decision raised {type(exc).__name__}: {exc}"
        assert "已经处理" in exc.message
    return winners[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_on_one_step_have_exactly_one_winner(postgres_only, approvers):
    w = approvers
    party = [w.chem_party, w.chem_party2]
    propaganda = [w.xuan, w.xuan2]
    for i in range(ROUNDS):
        filing = submitted_filing(w)
        first = filing.current_step()
        assert first.role == Role.UNIT_PARTY
        # Alternate who goes first in the thread list, and race approve-vs-reject or approve-vs-approve.
        a, b = party if i % 2 == 0 else party[::-1]
        other = StepDecision.REJECTED if i % 3 == 0 else StepDecision.APPROVED
        winner, decision, _, _ = one_winner(race(first, (a, StepDecision.APPROVED), (b, other)))

        first.refresh_from_db()
        filing = fresh(filing)
        assert first.decision == decision and first.signed_by == winner and first.signed_at
        assert first.opinion == f"{winner}的意见"
        assert filing.steps.exclude(signed_by=None).count() == 1
        assert filing.round == 1 and filing.steps.count() == 2
        assert len(step_actions(filing)) == 1
        if decision == StepDecision.REJECTED:
            assert filing.state == FilingState.REJECTED
            assert step_actions(filing) == ["filing.rejected"]
            assert filing.steps.get(order=2).decision == StepDecision.SKIPPED
            continue
        assert filing.state == FilingState.SUBMITTED
        assert step_actions(filing) == ["filing.step_approved"]
        last = filing.current_step()
        assert last.role == Role.PROPAGANDA and last.decision == StepDecision.PENDING

        # The last step: two propaganda officers approve at once; the filing is approved exactly once.
        x, y = propaganda if i % 2 == 0 else propaganda[::-1]
        winner, _, _, _ = one_winner(race(last, (x, StepDecision.APPROVED), (y, StepDecision.APPROVED)))
        filing = fresh(filing)
        last.refresh_from_db()
        assert filing.state == FilingState.APPROVED
        assert last.signed_by == winner and last.decision == StepDecision.APPROVED
        assert filing.steps.exclude(signed_by=None).count() == 2
        assert step_actions(filing) == ["filing.step_approved"] * 2
        approved = ActionLog.objects.for_object(filing).filter(action="filing.approved")
        assert approved.count() == 1
        status_changes = ActionLog.objects.for_object(filing.account).filter(action="account.status_changed")
        assert status_changes.count() == 1
        filing.account.refresh_from_db()
        assert filing.account.status == AccountStatus.ACTIVE and filing.account.alliance_member


@pytest.mark.django_db
def test_a_second_decision_on_a_decided_step_is_refused(approvers):
    w = approvers
    filing = submitted_filing(w)
    stale = filing.current_step()  # both approvers loaded the page showing this step
    services.filing_decide(step=stale, user=w.chem_party, decision=StepDecision.APPROVED, opinion="同意")

    for user, decision in (
        (w.chem_party2, StepDecision.REJECTED),
        (w.chem_party2, StepDecision.APPROVED),
        (w.chem_party, StepDecision.APPROVED),
    ):
        with pytest.raises(FilingError, match="已经处理"):
            services.filing_decide(step=stale, user=user, decision=decision, opinion="重复签署")

    stale.refresh_from_db()
    filing = fresh(filing)
    assert stale.signed_by == w.chem_party and stale.opinion == "同意"
    assert filing.state == FilingState.SUBMITTED and filing.current_step().role == Role.PROPAGANDA
    assert step_actions(filing) == ["filing.step_approved"]

    # Once the filing is approved, its last step cannot be signed again either.
    last = filing.current_step()
    services.filing_decide(step=last, user=w.xuan, decision=StepDecision.APPROVED)
    with pytest.raises(DomainError):
        services.filing_decide(step=last, user=w.xuan2, decision=StepDecision.APPROVED)
    assert ApprovalStep.objects.filter(filing=filing).exclude(signed_by=None).count() == 2
    assert ActionLog.objects.for_object(filing).filter(action="filing.approved").count() == 1
