"""RSS/Atom feeds against a local feed server: parsing, conditional GET, errors, back-off, idempotence."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from mediagov.activity.models import Post, PostSource
from mediagov.connectors import services
from mediagov.core.models import ActionLog

from .conftest import ETAG, LAST_MODIFIED, feed_source, fresh

pytestmark = pytest.mark.django_db


def test_rss_feed_adds_dated_items_as_feed_posts(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/rss.xml"))
    result = services.source_run(source=source)
    assert (result.outcome, result.received, result.added) == ("ok", 3, 3)
    posts = list(Post.objects.filter(account=chem_account).order_by("published_at"))
    assert [p.title for p in posts] == [
        "化工学院召开2026年新媒体工作会议",
        "精细化工国家重点实验室开放日",
        "学院学生获全国化工设计竞赛一等奖",
    ]
    first = posts[0]
    assert first.source == PostSource.FEED
    assert first.url == "https://chem.example.edu.cn/news/2026/0302.html"
    assert first.text == "3月2日上午，化工学院召开新媒体工作会议。"  # tags stripped
    assert first.published_at == datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    source = fresh(source)
    assert source.status == "ok" and source.failures == 0 and source.last_error == ""
    assert source.last_item_at == datetime(2026, 3, 9, 8, 45, tzinfo=UTC)
    assert (source.last_added, source.posts_added) == (3, 3)
    assert source.next_run_at == source.last_run_at + services.poll_interval()
    # One audit entry for the batch, on the account.
    logs = ActionLog.objects.for_object(chem_account).filter(action="post.added")
    assert [(e.data["source"], e.data["created"]) for e in logs] == [("feed", 3)]


def test_atom_feed_uses_published_else_updated(feeds, mech_site):
    source = feed_source(mech_site, feeds.url("/atom.xml"))
    assert services.source_run(source=source).added == 2
    posts = {p.title: p for p in Post.objects.filter(account=mech_site)}
    forum = posts["机械工程学院举办智能制造论坛"]
    assert forum.published_at == datetime(2026, 3, 6, 1, 0, tzinfo=UTC)
    assert forum.text == "论坛邀请了十余位专家。"
    defence = posts["机械工程学院2026届毕业设计答辩安排"]
    assert defence.published_at == datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
    assert defence.text == "答辩安排如下。"


def test_two_runs_add_nothing_new(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/rss.xml"))
    assert services.source_run(source=source).added == 3
    second = services.source_run(source=source)
    assert (second.outcome, second.received, second.added) == ("ok", 3, 0)
    assert Post.objects.filter(account=chem_account).count() == 3
    assert ActionLog.objects.filter(action="post.added").count() == 1
    assert fresh(source).posts_added == 3


def test_conditional_get_sends_validators_and_304_adds_nothing(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/conditional.xml"))
    assert services.source_run(source=source).added == 3
    source = fresh(source)
    assert (source.etag, source.last_modified) == (ETAG, LAST_MODIFIED)
    result = services.source_run(source=source)
    assert (result.outcome, result.received, result.added) == ("ok", 0, 0)
    first, second = feeds.hits("/conditional.xml")
    assert "If-None-Match" not in first
    assert second["If-None-Match"] == ETAG and second["If-Modified-Since"] == LAST_MODIFIED
    assert fresh(source).last_success_at is not None


def test_malformed_feed_is_an_error_on_the_source(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/broken.xml"))
    result = services.source_run(source=source)
    assert result.outcome == "error"
    source = fresh(source)
    assert source.status == "error" and source.failures == 1
    assert "无法解析为 RSS/Atom" in source.last_error
    assert Post.objects.count() == 0
    assert ActionLog.objects.for_object(source).get().action == "source.failed"


def test_truncated_feed_keeps_the_entries_it_could_read(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/truncated.xml"))
    result = services.source_run(source=source)
    assert (result.outcome, result.added) == ("ok", 1)
    assert Post.objects.get().title == "团委开展志愿服务活动"


def test_server_error_backs_off_exponentially_with_a_cap(feeds, chem_account, settings):
    settings.MEDIAGOV_CONNECTOR_BACKOFF_MAX = 3600
    source = feed_source(chem_account, feeds.url("/error500"))
    now = timezone.now()
    waits = []
    for n in range(6):
        moment = now + timedelta(hours=n)
        result = services.source_run(source=source, now=moment)
        assert result.outcome == "error"
        waits.append((result.next_run_at - moment).total_seconds() / 60)
    assert waits == [5, 10, 20, 40, 60, 60]
    source = fresh(source)
    assert source.failures == 6 and "HTTP 500" in source.last_error
    # Only the first failure is an audit entry; repeats are counted on the source.
    assert ActionLog.objects.for_object(source).filter(action="source.failed").count() == 1
    # Fixed: the next run succeeds, resets the count and records the recovery.
    source.url = feeds.url("/rss.xml")
    source.save()
    result = services.source_run(source=source, now=now + timedelta(hours=7))
    assert result.outcome == "ok"
    source = fresh(source)
    assert (source.failures, source.last_error, source.status) == (0, "", "ok")
    assert ActionLog.objects.for_object(source).filter(action="source.recovered").count() == 1


def test_missing_feed_says_so(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/gone"))
    services.source_run(source=source)
    assert "订阅地址不存在（HTTP 404）" in fresh(source).last_error


def test_timeout_is_an_error_not_a_hang(feeds, chem_account, settings):
    settings.MEDIAGOV_CONNECTOR_TIMEOUT = 1
    feeds.delay = 3
    source = feed_source(chem_account, feeds.url("/slow.xml"))
    result = services.source_run(source=source)
    assert result.outcome == "error"
    assert "超时" in fresh(source).last_error


def test_unreachable_host_is_an_error(chem_account):
    source = feed_source(chem_account, "http://127.0.0.1:9/feed.xml")
    result = services.source_run(source=source)
    assert result.outcome == "error" and "无法连接订阅源" in result.message


def test_a_running_or_disabled_source_is_skipped(feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/rss.xml"))
    now = timezone.now()
    source.__class__.objects.filter(pk=source.pk).update(claimed_until=now + timedelta(minutes=5))
    assert services.source_run(source=source, now=now).outcome == "skipped"
    assert feeds.hits("/rss.xml") == []
    source.__class__.objects.filter(pk=source.pk).update(claimed_until=None, enabled=False)
    result = services.source_run(source=source, now=now)
    assert (result.outcome, result.message) == ("skipped", "已停用")
    assert feeds.hits("/rss.xml") == []
