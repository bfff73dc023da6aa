"""Setting up sources: who may, what is checked, and that the AppSecret goes nowhere but the database."""

import pytest

from mediagov.connectors import services
from mediagov.connectors.models import Source
from mediagov.core.errors import PermissionDenied
from mediagov.core.models import ActionLog
from mediagov.registry.platforms import Platform

from ..registry.factories import register
from .conftest import APP_SECRET

pytestmark = pytest.mark.django_db


def save(world, user, **kwargs):
    kwargs.setdefault("institution", world.dut)
    return services.source_save(user=user, **kwargs)


def test_propaganda_sets_up_a_feed(world, chem_account):
    source = save(
        world, world.xuan, account=chem_account, kind="feed", url=" https://chem.example.edu.cn/rss "
    )
    assert source.url == "https://chem.example.edu.cn/rss" and source.enabled
    assert source.next_run_at is not None  # due at the next tick
    entry = ActionLog.objects.for_object(source).get()
    assert (entry.action, entry.user, entry.institution) == ("source.created", world.xuan, world.dut)


def test_unit_staff_and_other_offices_may_not_set_up_sources(world, chem_account):
    for user in (world.chem_op, world.chem_party, world.intl, world.tw_sup, world.yufe_xuan):
        with pytest.raises(PermissionDenied):
            save(world, user, account=chem_account, kind="feed", url="https://a.example/rss")
    assert not Source.objects.exists()


def test_another_institutions_account_is_refused(world):
    yufe_account = register(world, inst=world.yufe, unit=world.acc, name="会计学院官微", user=world.acc_op)
    with pytest.raises(services.SourceError, match="请选择本校的帐号"):
        save(world, world.xuan, account=yufe_account, kind="feed", url="https://a.example/rss")


def test_settings_are_checked_per_kind(world, chem_account, mech_site):
    with pytest.raises(services.SourceError, match="请填写 RSS 或 Atom 订阅地址"):
        save(world, world.xuan, account=chem_account, kind="feed")
    with pytest.raises(services.SourceError, match="请填写公众号的 AppID"):
        save(world, world.xuan, account=chem_account, kind="wechat")
    with pytest.raises(services.SourceError, match="只有微信公众号帐号可以使用微信公众号接口"):
        save(world, world.it, account=mech_site, kind="wechat", app_id="wx1")
    save(world, world.xuan, account=chem_account, kind="feed", url="https://a.example/rss")
    with pytest.raises(services.SourceError, match="已设置RSS/Atom 订阅"):
        save(world, world.xuan, account=chem_account, kind="feed", url="https://b.example/rss")


def test_only_the_it_center_sets_the_app_secret(world, chem_account):
    # The department may register the connector with its AppID, but not its secret (DUT 第四条（二）).
    source = save(world, world.xuan, account=chem_account, kind="wechat", app_id="wx1")
    with pytest.raises(PermissionDenied) as refused:
        save(world, world.xuan, source=source, app_id="wx1", app_secret=APP_SECRET)
    assert (
        str(refused.value)
        == "只有网络与信息化中心可以设置 AppSecret（《大连理工大学新媒体管理办法》第四条（二））"
    )
    with pytest.raises(PermissionDenied):
        save(world, world.xuan, source=source, app_id="wx1", clear_secret=True)
    assert Source.objects.get().app_secret == ""
    source = save(world, world.it, source=source, app_id="wx1", app_secret=APP_SECRET)
    assert Source.objects.get().app_secret == APP_SECRET
    # An empty secret keeps the saved one, whoever saves.
    save(world, world.xuan, source=source, app_id="wx1", enabled=False)
    assert Source.objects.get().app_secret == APP_SECRET
    save(world, world.it, source=source, app_id="wx1", clear_secret=True)
    assert Source.objects.get().app_secret == ""


def test_yufe_cites_its_own_article(world):
    assert services.it_center_article(world.yufe) == "《云南财经大学新媒体建设与管理办法（修订）》第四条"


def test_secret_never_reaches_the_audit_log_or_the_history(world, chem_account):
    source = save(world, world.it, account=chem_account, kind="wechat", app_id="wx1", app_secret=APP_SECRET)
    save(world, world.it, source=source, app_id="wx2", app_secret="another-" + APP_SECRET)
    entries = list(ActionLog.objects.for_object(source).order_by("id"))
    assert [e.data["secret_changed"] for e in entries] == [True, True]
    assert entries[1].data["changed"] == ["AppID"]
    for entry in entries:
        assert APP_SECRET not in str(entry.data)
    history = list(Source.history.filter(id=source.pk))
    assert len(history) == 2
    assert not hasattr(history[0], "app_secret") and not hasattr(history[0], "access_token")


def test_new_secret_or_app_id_drops_the_cached_token_and_retries_soon(world, chem_account):
    source = save(world, world.it, account=chem_account, kind="wechat", app_id="wx1", app_secret=APP_SECRET)
    Source.objects.filter(pk=source.pk).update(failures=4, access_token="TOKEN-old")
    source = save(world, world.it, source=source, app_id="wx1", app_secret="new-secret")
    stored = Source.objects.get()
    assert (stored.access_token, stored.token_expires_at, stored.failures) == ("", None, 0)
    # Disabling keeps the back-off state (nothing was repaired).
    Source.objects.filter(pk=source.pk).update(failures=2, access_token="TOKEN-x")
    save(world, world.xuan, source=source, app_id="wx1", enabled=False)
    stored = Source.objects.get()
    assert (stored.access_token, stored.failures, stored.enabled) == ("TOKEN-x", 2, False)


def test_changing_the_feed_url_forgets_the_validators(world, chem_account):
    source = save(world, world.xuan, account=chem_account, kind="feed", url="https://a.example/rss")
    Source.objects.filter(pk=source.pk).update(etag='"x"', last_modified="Mon, 09 Mar 2026 08:45:00 GMT")
    save(world, world.xuan, source=source, url="https://b.example/rss")
    stored = Source.objects.get()
    assert (stored.etag, stored.last_modified) == ("", "")


def test_feed_ignores_connector_fields(world, chem_account):
    source = save(
        world, world.xuan, account=chem_account, kind="feed", url="https://a.example/rss", app_id="wx9"
    )
    assert source.app_id == ""


def test_a_feed_serves_any_platform(world):
    account = register(world, name="学工微博", platform=Platform.WEIBO)
    source = save(world, world.xuan, account=account, kind="feed", url="https://weibo.example/rss")
    assert source.kind == "feed"
