"""The Celery path: the beat's run_due spreads due sources over the tick; source_run wraps the service."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from mediagov.activity.models import Post
from mediagov.celery import app
from mediagov.connectors import services, tasks
from mediagov.connectors.models import Source

from ..registry.factories import register
from .conftest import feed_source, fresh, wechat_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    """apply_async runs the task in this process (the countdown is not waited for)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_beat_entry_runs_run_due_every_tick():
    entry = django_settings.CELERY_BEAT_SCHEDULE["connectors-run-due"]
    assert entry == {"task": "connectors.run_due", "schedule": float(django_settings.MEDIAGOV_CONNECTOR_TICK)}


def test_run_due_spreads_due_sources_and_runs_them(
    world, feeds, wechat, chem_account, mech_site, eager, django_capture_on_commit_callbacks
):
    due = [feed_source(mech_site, feeds.url("/atom.xml")), wechat_source(chem_account, wechat.base)]
    later = feed_source(
        register(world, name="化工学院学生会", platform="weibo"),
        feeds.url("/rss.xml"),
        next_run_at=timezone.now() + timedelta(minutes=30),
    )
    off = feed_source(
        register(world, name="化工学院团委", platform="douyin"), feeds.url("/rss.xml"), enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = tasks.run_due.apply().get()
    tick = services.tick()
    assert out["enqueued"] == 2
    assert out["countdowns"] == {s.pk: services.spread(s.pk, tick) for s in due}
    assert all(0 <= c < tick for c in out["countdowns"].values())
    # Each enqueued run ran (eagerly) and set its own next run one interval on.
    assert Post.objects.filter(account=mech_site).count() == 2
    assert Post.objects.filter(account=chem_account).count() == 45
    for source in due:
        source = fresh(source)
        assert source.status == "ok"
        assert source.next_run_at == source.last_run_at + services.poll_interval()
    assert fresh(later).last_run_at is None and fresh(off).last_run_at is None
    # Nothing is due any more: a second beat enqueues nothing, and nothing new is added.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_due.apply().get() == {"enqueued": 0, "countdowns": {}}
    assert Post.objects.count() == 47


def test_enqueueing_moves_the_next_run_so_two_beats_enqueue_once(world, feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/rss.xml"))
    seen = []
    now = timezone.now()
    first = services.sources_enqueue_due(now=now, enqueue=lambda pk, c: seen.append((pk, c)))
    second = services.sources_enqueue_due(
        now=now + timedelta(minutes=5), enqueue=lambda pk, c: seen.append(pk)
    )
    assert first == [(source.pk, services.spread(source.pk, services.tick()))] and second == []
    assert seen == first
    # A lost task (worker died) is picked up again one interval later.
    assert fresh(source).next_run_at == now + services.poll_interval()
    later = services.sources_enqueue_due(now=now + services.poll_interval(), enqueue=lambda pk, c: None)
    assert [pk for pk, _ in later] == [source.pk]


def test_backing_off_source_is_not_due_until_its_time(world, feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/error500"))
    now = timezone.now()
    services.source_run(source=source, now=now)
    assert services.sources_enqueue_due(now=now + timedelta(minutes=4), enqueue=lambda *a: None) == []
    assert len(services.sources_enqueue_due(now=now + timedelta(minutes=5), enqueue=lambda *a: None)) == 1


def test_source_run_task_wraps_the_service_and_skips_a_deleted_source(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/rss.xml"))
    out = tasks.source_run.apply((source.pk,)).get()
    assert (out["outcome"], out["added"]) == ("ok", 3)
    assert tasks.source_run.apply((source.pk,)).get()["added"] == 0
    Source.objects.filter(pk=source.pk).delete()
    assert tasks.source_run.apply((source.pk,)).get()["outcome"] == "skipped"
