"""What each account published (Post) and the reports it owes (Report).

Posts arrive from imports (this issue), and from platform exports, feeds and connectors (the next). The
compliance rules read them only through aggregates (`compliance.snapshot`), so ten million rows stay cheap.
"""

import hashlib
from datetime import UTC

from django.conf import settings
from django.db import models


class PostSource(models.TextChoices):
    IMPORT = "import", "文件导入"
    EXPORT = "export", "平台后台导出"
    FEED = "feed", "RSS/Atom"
    CONNECTOR = "connector", "平台接口"
    MANUAL = "manual", "手工录入"


class PostQuerySet(models.QuerySet):
    def of_institution(self, institution):
        return self.filter(account__institution=institution)

    def between(self, start, end):
        """Posts published in [start, end) (datetimes)."""
        return self.filter(published_at__gte=start, published_at__lt=end)


def post_fingerprint(account_id: int, published_at, title: str, url: str) -> str:
    """What makes two rows the same post: its link when it has one, else its time (in UTC) and title."""
    if url and url.strip():
        basis = url.strip()
    else:
        moment = published_at.astimezone(UTC) if published_at.tzinfo else published_at
        basis = f"{moment.isoformat()}|{title.strip()}"
    return hashlib.sha256(f"{account_id}|{basis}".encode()).hexdigest()[:40]


class Post(models.Model):
    account = models.ForeignKey("registry.MediaAccount", on_delete=models.CASCADE, related_name="posts")
    published_at = models.DateTimeField("发布时间")
    title = models.CharField("标题", max_length=500)
    url = models.URLField("链接", max_length=1000, blank=True)
    text = models.TextField("正文/摘要", blank=True)
    source = models.CharField("来源", max_length=12, choices=PostSource.choices, default=PostSource.IMPORT)
    fingerprint = models.CharField(max_length=40)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "fingerprint"], name="post_fingerprint_unique")
        ]
        indexes = [models.Index(fields=["account", "published_at"], name="post_account_published")]
        verbose_name = "发布记录"
        verbose_name_plural = "发布记录"

    def __str__(self) -> str:
        return f"{self.published_at:%Y-%m-%d} {self.title}"


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", "月报表"
    ANNUAL = "annual", "年度审核（年检）"


class ReportQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class Report(models.Model):
    """A report an account owes for a period: the 月报表 (YUFE 第十五条) or the annual review (年检).

    `period` is the first day of the month (monthly) or of the year (annual). The compliance rule
    `report_window` reads `submitted_at` against the pack's window.
    """

    account = models.ForeignKey("registry.MediaAccount", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("报表类型", max_length=10, choices=ReportKind.choices)
    period = models.DateField("所属期间")
    post_count = models.PositiveIntegerField("发布信息数量", null=True, blank=True)
    topics = models.TextField("主题及内容", blank=True)
    classified = models.BooleanField("是否涉密", default=False)
    note = models.TextField("说明", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "account"]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "period"], name="report_period_unique")
        ]
        verbose_name = "报表"
        verbose_name_plural = "报表"

    def __str__(self) -> str:
        label = f"{self.period:%Y年%m月}" if self.kind == ReportKind.MONTHLY else f"{self.period:%Y年}"
        return f"{self.account} {label}{self.get_kind_display()}"
