"""Two workers at once: nobody is notified twice and no delivery is sent twice.

SQLite has no row locks (SELECT … FOR UPDATE SKIP LOCKED), so these races run on PostgreSQL only; the
sequential idempotency is covered on both databases by test_reminders.py and test_notify.py.
"""

import threading

import pytest
from django.db import connection

from mediagov.notifications.models import Delivery, DeliveryState, Notification, Webhook
from mediagov.notifications.services import delivery_send_due, notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs row locks (SELECT … FOR UPDATE SKIP LOCKED): PostgreSQL only")


def together(n: int, work) -> list:
    """Run work(i) in n threads released at the same instant; return their results (or exceptions)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=20)
            results[i] = work(i)
        except Exception as exc:  # handed back to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_two_workers_never_send_the_same_delivery(postgres_only, world, robots):
    Webhook.objects.create(institution=world.dut, channel="wecom", name="群", url=robots.url("/w"))
    robots.set("/w", "slow", 0.05)  # each send takes a moment, so the workers overlap
    for i in range(12):
        notify(institution=world.dut, recipients=[], key=f"k{i}", stage="due", title="t", body="b")
    results = together(2, lambda i: delivery_send_due())
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.sent for r in results) == 12
    assert len(robots.to("/w")) == 12
    assert Delivery.objects.filter(state=DeliveryState.SENT, attempts=1).count() == 12


def test_two_workers_notifying_at_once_notify_once(postgres_only, world):
    Webhook.objects.create(institution=world.dut, channel="wecom", name="群", url="https://example.invalid/w")
    recipients = [world.chem_op, world.xuan, world.mech_op]

    def work(i):
        return notify(
            institution=world.dut,
            recipients=recipients,
            key="finding:1:due",
            stage="due",
            title="t",
            body="b",
        )

    results = together(4, work)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 3
    assert Notification.objects.count() == 3
    # chem_op's and mech_op's e-mails, one robot message
    assert Delivery.objects.count() == 3
