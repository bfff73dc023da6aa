"""Derived state and schedule arithmetic, without the database."""

from datetime import UTC, datetime, timedelta

from mediagov.connectors import services
from mediagov.connectors.base import REGISTRY, kind_choices, load_connectors
from mediagov.connectors.models import Source, SourceStatus

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def test_status_reads_enabled_last_run_and_failures():
    assert Source(enabled=False, last_run_at=NOW, failures=3).status == SourceStatus.DISABLED
    assert Source(enabled=True).status == SourceStatus.NEVER
    assert Source(enabled=True, last_run_at=NOW).status == SourceStatus.OK
    source = Source(enabled=True, last_run_at=NOW, failures=2)
    assert source.status == SourceStatus.ERROR and source.status_label == "出错（退避重试中）"


def test_backoff_doubles_from_five_minutes_up_to_the_cap(settings):
    settings.MEDIAGOV_CONNECTOR_BACKOFF_MAX = 6 * 3600
    minutes = [services.backoff(n) / timedelta(minutes=1) for n in range(0, 9)]
    assert minutes == [0, 5, 10, 20, 40, 80, 160, 320, 360]
    assert services.backoff(10_000) == timedelta(hours=6)


def test_spread_is_deterministic_within_the_window_and_scatters_neighbours():
    offsets = [services.spread(pk, 300) for pk in range(1, 101)]
    assert offsets == [services.spread(pk, 300) for pk in range(1, 101)]
    assert all(0 <= o < 300 for o in offsets)
    assert len(set(offsets)) > 90  # a hundred consecutive ids land on (nearly) distinct seconds
    assert services.spread(7, 1) == 0


def test_feed_and_wechat_are_registered_connectors():
    load_connectors()
    assert {"feed", "wechat"} <= set(REGISTRY)
    assert dict(kind_choices())["wechat"] == "微信公众号接口"
    assert REGISTRY["feed"].post_source == "feed" and REGISTRY["wechat"].post_source == "connector"
