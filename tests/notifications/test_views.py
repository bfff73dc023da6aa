"""The pages: inbox, group robots (write-only secrets, test send, audit) and the delivery queue."""

import pytest
from django.db import connection
from django.urls import reverse

from mediagov.core.models import ActionLog
from mediagov.notifications.models import Delivery, DeliveryState, Notification, Webhook
from mediagov.notifications.services import notify

pytestmark = pytest.mark.django_db

DEPARTMENT_PAGES = [
    "notifications:webhook_list",
    "notifications:webhook_create",
    "notifications:delivery_list",
]


def login(client, user):
    client.force_login(user)
    return client


def robot(world, robots=None, **fields):
    values = {
        "institution": world.dut,
        "channel": "wecom",
        "name": "宣传部企业微信群",
        "url": robots.url("/wecom/a?key=ROBOT-KEY-123") if robots else "https://qyapi.weixin.qq.com/x?key=K",
    }
    values.update(fields)
    return Webhook.objects.create(**values)


def notification(world, user, key="k1", **fields):
    notify(
        institution=world.dut,
        recipients=[user],
        key=key,
        stage="due",
        title=fields.pop("title", "【今日到期】化工学院"),
        body="整改期限：2026年3月10日",
        link=fields.pop("link", ""),
        channels=["inapp"],
    )
    return Notification.objects.get(recipient=user, key=key)


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("name", DEPARTMENT_PAGES)
def test_department_pages(client, world, name):
    assert login(client, world.xuan).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", DEPARTMENT_PAGES)
@pytest.mark.parametrize("user", ["chem_op", "mech_head", "it", "stranger"])
def test_department_pages_are_403_for_everyone_else(client, world, name, user):
    assert login(client, getattr(world, user)).get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "notifications:inbox",
        "notifications:webhook_list",
        "notifications:webhook_create",
        "notifications:delivery_list",
    ],
)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_object_pages_for_unit_users_other_institution_and_anonymous(client, world):
    hook = robot(world)
    notify(
        institution=world.dut, recipients=[], key="k", stage="due", title="t", body="b", channels=["wecom"]
    )
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED)
    urls = [
        ("get", reverse("notifications:webhook_edit", args=[hook.pk])),
        ("post", reverse("notifications:webhook_edit", args=[hook.pk])),
        ("post", reverse("notifications:webhook_test", args=[hook.pk])),
        ("post", reverse("notifications:delivery_retry", args=[delivery.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 302  # anonymous: to the login page
        assert getattr(login(client, world.chem_op), method)(url).status_code == 403
        assert getattr(login(client, world.yufe_xuan), method)(url).status_code == 404  # another school's
        client.logout()
    assert Delivery.objects.get().state == DeliveryState.FAILED
    assert not ActionLog.objects.filter(action__startswith="webhook.").exists()


def test_post_only_views_refuse_get(client, world):
    hook = robot(world)
    login(client, world.xuan)
    assert client.get(reverse("notifications:webhook_test", args=[hook.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


# ---------------------------------------------------------------- inbox


def test_inbox_shows_own_notifications_unread_first(client, world):
    old = notification(world, world.chem_op, key="old", title="旧通知")
    notification(world, world.chem_op, key="new", title="新通知")
    notification(world, world.mech_op, key="other", title="别人的通知")
    Notification.objects.filter(pk=Notification.objects.get(key="new").pk).update(read_at="2026-03-01T00:00Z")
    html = login(client, world.chem_op).get(reverse("notifications:inbox")).content.decode()
    assert "别人的通知" not in html
    assert html.index("旧通知") < html.index("新通知")  # unread first, though older
    assert f'id="notification-{old.pk}"' in html


def test_bell_shows_the_unread_count(client, world):
    notification(world, world.chem_op, key="a")
    notification(world, world.chem_op, key="b")
    html = login(client, world.chem_op).get(reverse("notifications:inbox")).content.decode()
    assert 'id="nav-notifications"' in html and 'text-danger">2</span>' in html


def test_mark_one_read_only_for_the_recipient(client, world):
    mine = notification(world, world.chem_op)
    theirs = notification(world, world.mech_op)
    login(client, world.chem_op)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("notifications:read", args=[mine.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:inbox")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405


def test_open_marks_read_and_follows_the_link(client, world):
    n = notification(world, world.chem_op, link="/registry/filings/1/")
    response = login(client, world.chem_op).post(reverse("notifications:read", args=[n.pk]), {"open": "1"})
    assert response.url == "/registry/filings/1/"


def test_mark_all_read(client, world):
    notification(world, world.chem_op, key="a")
    notification(world, world.chem_op, key="b")
    other = notification(world, world.mech_op, key="a")
    login(client, world.chem_op).post(reverse("notifications:read_all"))
    assert not Notification.objects.unread().filter(recipient=world.chem_op).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404


def test_anonymous_cannot_mark(client, world):
    n = notification(world, world.chem_op)
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 302
    assert client.post(reverse("notifications:read_all")).status_code == 302


# ---------------------------------------------------------------- robots


def test_create_robot_secret_at_rest_and_write_only(client, world):
    login(client, world.xuan)
    url = "https://oapi.dingtalk.com/robot/send?access_token=TOKEN-0123456789"
    response = client.post(
        reverse("notifications:webhook_create"),
        {
            "name": "机械学院钉钉群",
            "channel": "dingtalk",
            "unit": world.mech.pk,
            "url": url,
            "secret": "SEC-abc-42",
            "enabled": "on",
        },
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "notifications:webhook_edit", args=[hook.pk]
    )
    assert (hook.url, hook.secret, hook.unit, hook.enabled) == (url, "SEC-abc-42", world.mech, True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT url, secret FROM notifications_webhook WHERE id = %s", [hook.pk])
        raw_url, raw_secret = cursor.fetchone()
    assert raw_url.startswith("fernet:") and "TOKEN-0123456789" not in raw_url
    assert raw_secret.startswith("fernet:") and "SEC-abc" not in raw_secret

    for page in ("notifications:webhook_list", "notifications:webhook_edit"):
        args = [hook.pk] if page.endswith("edit") else []
        html = client.get(reverse(page, args=args)).content.decode()
        assert "TOKEN-0123456789" not in html and "SEC-abc-42" not in html
        assert "已设置（不显示）" in html

    log = ActionLog.objects.get(action="webhook.created")
    assert log.user == world.xuan and log.data["url_changed"] is True and log.data["unit"] == "机械工程学院"
    assert "TOKEN" not in str(log.data) and "SEC-abc" not in str(log.data)


def test_edit_with_empty_fields_keeps_url_and_secret(client, world):
    hook = robot(
        world,
        channel="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=OLD",
        secret="SEC-old",
    )
    login(client, world.xuan)
    edit = reverse("notifications:webhook_edit", args=[hook.pk])
    client.post(edit, {"name": "改名了", "channel": "dingtalk", "unit": "", "url": "", "secret": ""})
    hook.refresh_from_db()
    assert (hook.name, hook.url, hook.secret, hook.enabled) == (
        "改名了",
        "https://oapi.dingtalk.com/robot/send?access_token=OLD",
        "SEC-old",
        False,  # the unchecked box disables it
    )
    log = ActionLog.objects.get(action="webhook.updated")
    assert log.data["changed"] == ["name", "enabled"] and log.data["url_changed"] is False

    client.post(
        edit,
        {
            "name": "改名了",
            "channel": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=NEW",
            "clear_secret": "on",
            "enabled": "on",
        },
    )
    hook.refresh_from_db()
    assert hook.url.endswith("NEW") and hook.secret == "" and hook.enabled
    assert ActionLog.objects.filter(action="webhook.updated").count() == 2


def test_create_requires_a_url_and_wecom_takes_no_secret(client, world):
    login(client, world.xuan)
    response = client.post(
        reverse("notifications:webhook_create"),
        {"name": "群", "channel": "wecom", "secret": "SEC-x", "enabled": "on"},
    )
    assert response.status_code == 200
    assert "请填写 Webhook 地址" in response.content.decode()
    assert "企业微信群机器人不使用加签密钥" in response.content.decode()
    assert not Webhook.objects.exists()


def test_unit_of_another_institution_is_refused(client, world):
    login(client, world.xuan)
    response = client.post(
        reverse("notifications:webhook_create"),
        {
            "name": "群",
            "channel": "wecom",
            "url": "https://qyapi.weixin.qq.com/x?key=1",
            "unit": world.acc.pk,
        },
    )
    assert response.status_code == 200 and not Webhook.objects.exists()


def test_test_send_shows_the_result_and_is_audited(client, world, robots):
    hook = robot(world, robots)
    login(client, world.xuan)
    response = client.post(reverse("notifications:webhook_test", args=[hook.pk]), follow=True)
    assert "测试消息已发送" in response.content.decode()
    (request,) = robots.to("/wecom/a")
    assert "测试" in request.payload["markdown"]["content"]

    robots.set("/wecom/a", "errcode", 93000, "invalid webhook url")
    html = client.post(reverse("notifications:webhook_test", args=[hook.pk]), follow=True).content.decode()
    assert "errcode=93000" in html and "ROBOT-KEY-123" not in html
    results = list(
        ActionLog.objects.filter(action="webhook.tested").order_by("id").values_list("data", flat=True)
    )
    assert [r["ok"] for r in results] == [True, False]
    assert "测试群机器人" in html  # the audit trail on the robot's page


# ---------------------------------------------------------------- deliveries


def test_delivery_list_shows_robot_name_never_its_url(client, world, robots):
    robot(world, robots)
    notify(
        institution=world.dut,
        recipients=[world.chem_op],
        key="k",
        stage="due",
        title="【今日到期】",
        body="b",
    )
    html = login(client, world.xuan).get(reverse("notifications:delivery_list")).content.decode()
    assert "宣传部企业微信群" in html and "10001@example.edu.cn" in html
    assert "ROBOT-KEY-123" not in html and "/wecom/a" not in html
    filtered = client.get(reverse("notifications:delivery_list") + "?channel=email").content.decode()
    assert "宣传部企业微信群" not in filtered


def test_yufe_department_sees_only_its_deliveries(client, world):
    notify(institution=world.dut, recipients=[world.chem_op], key="k", stage="due", title="t", body="b")
    html = login(client, world.yufe_xuan).get(reverse("notifications:delivery_list")).content.decode()
    assert "10001@example.edu.cn" not in html


def test_retry_makes_a_failed_delivery_pending_again(client, world, robots):
    hook = robot(world, robots)
    notify(
        institution=world.dut, recipients=[], key="k", stage="due", title="t", body="b", channels=["wecom"]
    )
    delivery = Delivery.objects.get(webhook=hook)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED, attempts=6, last_error="errcode=93000"
    )
    login(client, world.xuan)
    html = client.get(reverse("notifications:delivery_list")).content.decode()
    assert reverse("notifications:delivery_retry", args=[delivery.pk]) in html
    response = client.post(reverse("notifications:delivery_retry", args=[delivery.pk]), follow=True)
    assert "已重新加入发送队列" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert ActionLog.objects.filter(action="delivery.retried", user=world.xuan).exists()
    again = client.post(reverse("notifications:delivery_retry", args=[delivery.pk]), follow=True)
    assert "只有发送失败的推送可以重试" in again.content.decode()
