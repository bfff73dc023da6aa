"""Reminders and escalations: an in-app Notification per recipient, and a Delivery per outside channel.

`key` makes sending idempotent: the reminder job may run any number of times, a (recipient, key) pair is
notified once, and a (channel, target, key) message is delivered once. Deliveries that fail are retried
with back-off by `delivery_send_due`, each on its own, so one broken channel never holds up the others.
"""

from django.conf import settings
from django.db import models

from mediagov.core.crypto import EncryptedTextField


class Channel(models.TextChoices):
    INAPP = "inapp", "站内消息"
    EMAIL = "email", "电子邮件"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=160)
    stage = models.CharField("提醒阶段", max_length=30)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    finding = models.ForeignKey(
        "compliance.Finding", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    filing = models.ForeignKey(
        "registry.Filing", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"

    def __str__(self) -> str:
        return self.title


class WebhookQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)


class Webhook(models.Model):
    """A WeCom or DingTalk group robot of the institution (unit empty) or of one unit and its sub-units.

    The webhook URL carries the robot's key and DingTalk's signing secret is a secret: both are encrypted
    at rest and never shown again after they are saved.
    """

    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="webhooks")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(
        "渠道",
        max_length=10,
        choices=[(Channel.WECOM, Channel.WECOM.label), (Channel.DINGTALK, Channel.DINGTALK.label)],
    )
    name = models.CharField("名称", max_length=100)
    url = EncryptedTextField("Webhook 地址")
    secret = EncryptedTextField("加签密钥（钉钉）", blank=True)
    enabled = models.BooleanField("启用", default=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["institution", "channel", "name"]
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.name}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One message on one outside channel (an e-mail address or a group robot), sent once."""

    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    target = models.CharField("发送对象", max_length=200)  # an e-mail address, or "webhook:<id>"
    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=160)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    state = models.CharField(
        "状态", max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "target", "key"], name="delivery_once")]
        verbose_name = "外部推送"
        verbose_name_plural = "外部推送"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}: {self.title}"
