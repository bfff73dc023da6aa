"""The WeChat Official Account connector against a local fake of the documented API."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from mediagov.activity.models import Post, PostSource
from mediagov.connectors import services
from mediagov.connectors.kinds.wechat import next_quota_reset
from mediagov.connectors.models import Source

from .conftest import APP_SECRET, fresh, published_item, wechat_source

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")


def test_pages_over_every_published_message(wechat, chem_account):
    wechat.published[3] = published_item(3, articles=3)  # one publish, three articles
    wechat.published[5]["content"]["news_item"][0]["is_deleted"] = True
    source = wechat_source(chem_account, wechat.base)
    result = services.source_run(source=source)
    assert result.outcome == "ok"
    assert result.added == 45 + 2 - 1
    assert [body["offset"] for _, body in wechat.batchget_calls] == [0, 20, 40]
    assert all(body["count"] == 20 and body["no_content"] == 1 for _, body in wechat.batchget_calls)
    post = Post.objects.get(url="https://mp.weixin.qq.com/s/ART0003-2")
    assert post.title == "推文3-2：化工学院新闻" and post.text == "第3条推送的第2篇摘要"
    assert post.source == PostSource.CONNECTOR
    assert post.published_at.timestamp() == wechat.published[3]["update_time"]
    assert not Post.objects.filter(url="https://mp.weixin.qq.com/s/ART0005-0").exists()
    assert fresh(source).last_item_at.timestamp() == wechat.published[0]["update_time"]


def test_second_run_reuses_the_token_and_adds_nothing(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    assert services.source_run(source=source).added == 45
    calls = len(wechat.batchget_calls)
    second = services.source_run(source=source)
    assert (second.outcome, second.added) == ("ok", 0)
    assert wechat.token_hits == 1
    # Incremental: 45 messages an hour apart; page 2 reaches back more than a day behind the newest, so the
    # run stops there instead of reading page 3.
    assert [body["offset"] for _, body in wechat.batchget_calls[calls:]] == [0, 20]
    assert Post.objects.count() == 45


def test_incremental_run_stops_at_the_first_page_older_than_what_was_seen(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    services.source_run(source=source)
    newest = published_item(0)
    newest["article_id"] = "NEW"
    newest["update_time"] = wechat.published[0]["update_time"] + 7 * 86400
    newest["content"]["news_item"][0]["url"] = "https://mp.weixin.qq.com/s/NEW"
    wechat.published.insert(0, newest)
    assert services.source_run(source=source).added == 1
    calls = len(wechat.batchget_calls)
    # The newest seen is now a week ahead of the rest: page 1 already reaches back past it.
    assert services.source_run(source=source).added == 0
    assert [body["offset"] for _, body in wechat.batchget_calls[calls:]] == [0]


def test_token_is_cached_encrypted_and_refreshed_before_it_expires(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.source_run(source=source, now=start)
    stored = fresh(source)
    assert stored.access_token.startswith("TOKEN-")
    assert stored.token_expires_at == start + timedelta(seconds=7200)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_secret, access_token FROM connectors_source WHERE id = %s", [source.pk])
        raw_secret, raw_token = cursor.fetchone()
    assert raw_secret.startswith("fernet:") and APP_SECRET not in raw_secret
    assert raw_token.startswith("fernet:") and stored.access_token not in raw_token
    # Still valid 1h54m later (more than 5 minutes left): no new token.
    services.source_run(source=source, now=start + timedelta(minutes=114))
    assert wechat.token_hits == 1
    # Within the 5-minute margin: refreshed before it expires.
    services.source_run(source=source, now=start + timedelta(minutes=116))
    assert wechat.token_hits == 2
    assert fresh(source).token_expires_at == start + timedelta(minutes=116, seconds=7200)


@pytest.mark.parametrize(("state", "errcode"), [("invalid", 40001), ("expired", 42001)])
def test_invalid_or_expired_token_is_refreshed_and_retried_once(wechat, chem_account, state, errcode):
    source = wechat_source(chem_account, wechat.base)
    services.source_run(source=source)
    wechat.mark_tokens(state)  # e.g. another system fetched a token with the same AppSecret
    calls = len(wechat.batchget_calls)
    wechat.published.insert(0, {**published_item(99), "update_time": wechat.published[0]["update_time"] + 60})
    result = services.source_run(source=fresh(source))
    assert (result.outcome, result.added) == ("ok", 1)
    assert wechat.token_hits == 2
    first, retry = wechat.batchget_calls[calls : calls + 2]
    assert first[0] != retry[0] and first[1] == retry[1]


def test_40014_also_refreshes_the_token(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    wechat.fail_next("batchget", 40014, "invalid access_token")
    result = services.source_run(source=source)
    assert result.outcome == "ok" and result.added == 45
    assert wechat.token_hits == 2


def test_token_error_twice_is_reported_not_looped(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    wechat.fail_next("batchget", 42001, "access_token expired", times=5)
    result = services.source_run(source=source)
    assert result.outcome == "error"
    assert len(wechat.batchget_calls) == 2 and wechat.token_hits == 2
    assert "errcode 42001" in fresh(source).last_error


def test_rate_limit_pushes_the_next_run_past_midnight_and_keeps_earlier_pages(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    now = datetime(2026, 3, 10, 15, 0, tzinfo=CHINA)
    # Page 1 is read, then the quota runs out on page 2.
    wechat.fail_next("batchget", 45009, "reach max api daily quota limit", after=1)
    result = services.source_run(source=source, now=now)
    assert result.outcome == "error"
    source = fresh(source)
    assert "errcode 45009" in source.last_error and "reach max api daily quota limit" in source.last_error
    assert "次日零点后自动重试" in source.last_error
    reset = datetime(2026, 3, 11, 0, 5, tzinfo=CHINA)
    assert next_quota_reset(now) == reset
    assert reset <= source.next_run_at < reset + timedelta(seconds=services.tick())
    # The first page's posts are kept; the newest seen is not moved on (the run was not complete).
    assert Post.objects.filter(account=chem_account).count() == 20
    assert source.last_item_at is None


def test_other_errcodes_are_a_clear_message_on_the_source_and_the_account(
    client, world, wechat, chem_account
):
    source = wechat_source(chem_account, wechat.base)
    wechat.fail_next("batchget", 48001, "api unauthorized rid: 6601")
    result = services.source_run(source=source)
    assert result.outcome == "error"
    message = fresh(source).last_error
    assert message == (
        "微信接口返回错误（errcode 48001：api unauthorized rid: 6601）："
        "该公众号未获得此接口权限（未认证的公众号无法读取已发布消息列表）"
    )
    assert wechat.token_hits == 1 and len(wechat.batchget_calls) == 1  # not retried
    client.force_login(world.chem_op)
    html = client.get(f"/registry/accounts/{chem_account.pk}/").content.decode()
    assert "errcode 48001" in html and "出错（退避重试中）" in html


def test_wrong_app_secret_is_reported_from_the_token_endpoint(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base, secret="wrong-secret")
    result = services.source_run(source=source)
    assert result.outcome == "error"
    assert "errcode 40125" in result.message and "AppSecret 无效" in result.message
    assert "wrong-secret" not in result.message
    assert wechat.batchget_calls == []


def test_no_secret_yet_is_a_config_error_without_any_request(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base, secret="")
    result = services.source_run(source=source)
    assert result.outcome == "error" and "尚未设置 AppSecret" in result.message
    assert wechat.token_hits == 0


def test_busy_is_retried_later_with_back_off(wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    now = timezone.now()
    wechat.fail_next("batchget", -1, "system error")
    result = services.source_run(source=source, now=now)
    assert result.outcome == "error" and result.next_run_at == now + timedelta(minutes=5)


def test_api_base_defaults_to_the_setting(wechat, chem_account, settings):
    settings.MEDIAGOV_WECHAT_API_BASE = wechat.base
    source = wechat_source(chem_account, "")
    assert services.source_run(source=source).added == 45
    assert Source.objects.get().api_base == ""
