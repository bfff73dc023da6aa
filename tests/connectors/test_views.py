"""Source pages: who gets them, the write-only AppSecret, running now, and the status box on the account."""

import pytest

from mediagov.activity.models import Post
from mediagov.connectors.models import Source
from mediagov.core.models import ActionLog

from ..registry.factories import register
from .conftest import APP_ID, APP_SECRET, feed_source, wechat_source

pytestmark = pytest.mark.django_db

CITATION = "《大连理工大学新媒体管理办法》第四条（二）"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_department_and_it_center_list_their_sources_others_may_not(client, world, feeds, chem_account):
    feed_source(chem_account, feeds.url("/rss.xml"))
    yufe_account = register(world, inst=world.yufe, unit=world.acc, name="会计学院官微", user=world.acc_op)
    feed_source(yufe_account, feeds.url("/atom.xml"))
    for user in (world.xuan, world.it):
        client.force_login(user)
        page = html(client.get("/connectors/"))
        assert "化工学院官微" in page and "会计学院官微" not in page
        assert CITATION in page
    for user in (world.chem_op, world.intl, world.stranger):
        client.force_login(user)
        assert client.get("/connectors/").status_code == 403


def test_department_creates_a_feed_and_runs_it_now(client, world, feeds, chem_account):
    client.force_login(world.xuan)
    form = html(client.get(f"/connectors/new/?account={chem_account.pk}"))
    assert 'name="app_secret"' not in form and "AppSecret 由网络与信息化中心设置" in form
    response = client.post(
        "/connectors/new/",
        {"account": chem_account.pk, "kind": "feed", "url": feeds.url("/rss.xml"), "enabled": "on"},
    )
    source = Source.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/connectors/{source.pk}/"
    page = html(client.post(f"/connectors/{source.pk}/run/", follow=True))
    assert "获取完成：读取3条，新增3条发布记录" in page
    assert Post.objects.filter(account=chem_account).count() == 3
    assert "新增数据来源" in page  # the source's own history


def test_bad_settings_are_shown_not_saved(client, world, chem_account):
    client.force_login(world.xuan)
    page = html(
        client.post("/connectors/new/", {"account": chem_account.pk, "kind": "wechat", "enabled": "on"})
    )
    assert "请填写公众号的 AppID" in page
    assert not Source.objects.exists()


def test_it_center_sets_the_secret_which_is_never_shown_again(client, world, wechat, chem_account):
    client.force_login(world.it)
    response = client.post(
        "/connectors/new/",
        {
            "account": chem_account.pk,
            "kind": "wechat",
            "app_id": APP_ID,
            "app_secret": APP_SECRET,
            "api_base": wechat.base,
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.app_secret == APP_SECRET
    page = html(client.get(f"/connectors/{source.pk}/"))
    assert 'name="app_secret"' in page and "当前：已设置（不显示）" in page
    # Run it so that a token is cached too; neither appears anywhere.
    html(client.post(f"/connectors/{source.pk}/run/", follow=True))
    token = Source.objects.get().access_token
    assert token.startswith("TOKEN-")
    pages = [
        client.get("/connectors/"),
        client.get(f"/connectors/{source.pk}/"),
        client.get(f"/registry/accounts/{chem_account.pk}/"),
        client.get(f"/api/accounts/{chem_account.pk}/"),
    ]
    client.force_login(world.xuan)
    pages += [client.get(f"/connectors/{source.pk}/"), client.get(f"/registry/accounts/{chem_account.pk}/")]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert APP_SECRET not in body and token not in body
    for entry in ActionLog.objects.all():
        assert APP_SECRET not in str(entry.data) and token not in str(entry.data)


def test_department_cannot_slip_a_secret_in(client, world, wechat, chem_account):
    source = wechat_source(chem_account, wechat.base)
    client.force_login(world.xuan)
    page = html(client.get(f"/connectors/{source.pk}/"))
    assert 'name="app_secret"' not in page and "已设置（不显示）" in page and CITATION in page
    response = client.post(
        f"/connectors/{source.pk}/",
        {"app_id": APP_ID, "app_secret": "attacker-secret", "clear_secret": "on", "enabled": "on"},
    )
    assert response.status_code == 302
    assert Source.objects.get().app_secret == APP_SECRET


def test_sources_outside_scope_are_404_and_unit_staff_get_403(client, world, feeds, chem_account):
    source = feed_source(chem_account, feeds.url("/rss.xml"))
    client.force_login(world.mech_op)
    assert client.get(f"/connectors/{source.pk}/").status_code == 404
    assert client.post(f"/connectors/{source.pk}/run/").status_code == 404
    client.force_login(world.chem_op)
    assert client.get(f"/connectors/{source.pk}/").status_code == 403
    assert client.post(f"/connectors/{source.pk}/run/").status_code == 403
    client.force_login(world.yufe_xuan)
    assert client.get(f"/connectors/{source.pk}/").status_code == 404
    assert feeds.hits("/rss.xml") == []


def test_account_page_shows_feed_status_to_whoever_sees_the_account(client, world, feeds, chem_account):
    client.force_login(world.chem_op)
    assert "未设置订阅或平台接口" in html(client.get(f"/registry/accounts/{chem_account.pk}/"))
    source = feed_source(chem_account, feeds.url("/error500"))
    from mediagov.connectors import services

    services.source_run(source=source)
    page = html(client.get(f"/registry/accounts/{chem_account.pk}/"))
    assert "RSS/Atom 订阅" in page and "订阅源服务器返回 HTTP 500" in page and "下次获取" in page
    assert f"/connectors/{source.pk}/" not in page  # unit staff see the status, not the settings
    client.force_login(world.xuan)
    assert f"/connectors/{source.pk}/" in html(client.get(f"/registry/accounts/{chem_account.pk}/"))


def test_list_filters_by_status(client, world, feeds, chem_account, mech_site):
    from mediagov.connectors import services

    broken = feed_source(chem_account, feeds.url("/error500"))
    services.source_run(source=broken)
    feed_source(mech_site, feeds.url("/atom.xml"))
    client.force_login(world.xuan)
    page = html(client.get("/connectors/?status=error"))
    assert "化工学院官微" in page and "机械学院新闻网" not in page
    page = html(client.get("/connectors/?status=never"))
    assert "化工学院官微" not in page and "机械学院新闻网" in page


def test_source_page_shows_the_error_and_the_systems_entries(client, world, wechat, chem_account):
    from mediagov.connectors import services

    source = wechat_source(chem_account, wechat.base)
    wechat.fail_next("batchget", 40164, "invalid ip 1.2.3.4, not in whitelist")
    services.source_run(source=source)
    client.force_login(world.it)
    page = html(client.get(f"/connectors/{source.pk}/"))
    assert "errcode 40164：invalid ip 1.2.3.4, not in whitelist" in page and "IP 白名单" in page
    assert "系统 数据来源获取出错" in page
