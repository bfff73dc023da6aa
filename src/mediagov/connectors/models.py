"""Where posts come from automatically: a `Source` is one feed or one platform connector of one account.

Settings (the address, the AppID, the AppSecret) are edited through `services.source_save` and kept in
django-simple-history, except the secrets. Run state (the last success and error, the back-off, the cached
access token, the feed's ETag) is written by `services.source_run` with `update()`, so polling does not
fill the history.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from mediagov.core.crypto import EncryptedTextField

from .base import kind_choices


class SourceStatus(models.TextChoices):
    DISABLED = "disabled", "已停用"
    NEVER = "never", "尚未获取"
    OK = "ok", "正常"
    ERROR = "error", "出错（退避重试中）"


class SourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sources of the accounts `user` may see (scoped by institution and unit)."""
        from mediagov.core.scoping import account_scope_q

        return self.filter(account_scope_q(user, "account__"))

    def enabled(self):
        return self.filter(enabled=True)

    def due(self, now):
        """Enabled sources whose next run has come (or that never ran)."""
        return self.enabled().filter(models.Q(next_run_at__isnull=True) | models.Q(next_run_at__lte=now))


class Source(models.Model):
    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "registry.MediaAccount",
        verbose_name="帐号",
        on_delete=models.CASCADE,
        related_name="connector_sources",
    )
    kind = models.CharField("类型", max_length=20, choices=kind_choices)
    enabled = models.BooleanField("启用", default=True)
    url = models.URLField("订阅地址（RSS/Atom）", max_length=1000, blank=True)
    app_id = models.CharField("AppID", max_length=64, blank=True)
    app_secret = EncryptedTextField("AppSecret", blank=True)
    api_base = models.CharField("接口地址", max_length=300, blank=True)

    # Run state (services.source_run).
    access_token = EncryptedTextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_run_at = models.DateTimeField("最近获取", null=True, blank=True)
    last_success_at = models.DateTimeField("最近成功", null=True, blank=True)
    last_error_at = models.DateTimeField("最近出错", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    next_run_at = models.DateTimeField("下次获取", null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_item_at = models.DateTimeField("最新一条的发布时间", null=True, blank=True)
    last_added = models.PositiveIntegerField("最近新增", default=0)
    posts_added = models.PositiveIntegerField("累计新增", default=0)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(
        excluded_fields=[
            "app_secret",
            "access_token",
            "token_expires_at",
            "etag",
            "last_modified",
            "last_run_at",
            "last_success_at",
            "last_error_at",
            "last_error",
            "failures",
            "next_run_at",
            "claimed_until",
            "last_item_at",
            "last_added",
            "posts_added",
        ]
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["institution", "account__name", "kind"]
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="source_account_kind_unique")]
        verbose_name = "数据来源"
        verbose_name_plural = "数据来源"

    def __str__(self) -> str:
        return f"{self.account.name} · {self.get_kind_display()}"

    @property
    def status(self) -> str:
        if not self.enabled:
            return SourceStatus.DISABLED
        if self.last_run_at is None:
            return SourceStatus.NEVER
        return SourceStatus.ERROR if self.failures else SourceStatus.OK

    @property
    def status_label(self) -> str:
        return SourceStatus(self.status).label

    @property
    def has_secret(self) -> bool:
        return bool(self.app_secret)
