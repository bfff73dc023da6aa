"""What each account published (Post) and the reports it owes (Report).

Posts arrive from imports (this issue), and from platform exports, feeds and connectors (the next). The
compliance rules read them only through aggregates (`compliance.snapshot`), so ten million rows stay cheap.
"""

import hashlib
from datetime import UTC

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords


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
    # No index of its own: the (account, published_at) index and the (account, fingerprint) constraint both
    # lead with the account, and a third index costs every imported post (docs/performance.md).
    account = models.ForeignKey(
        "registry.MediaAccount", on_delete=models.CASCADE, related_name="posts", db_index=False
    )
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


class ReportState(models.TextChoices):
    PREFILLED = "prefilled", "待报送"
    SUBMITTED = "submitted", "待单位意见"
    UNIT_REVIEWED = "unit_reviewed", "待宣传部意见"
    REVIEWED = "reviewed", "已办结"


class ReportQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def monthly(self):
        return self.filter(kind=ReportKind.MONTHLY)

    def visible_to(self, user):
        from mediagov.core.scoping import account_scope_q

        return self.filter(account_scope_q(user, prefix="account__"))

    def of_month(self, period):
        return self.filter(kind=ReportKind.MONTHLY, period=period)

    def late(self, *, today):
        """Submitted after the window, or not submitted and the window has closed."""
        return self.filter(
            models.Q(late=True) | models.Q(submitted_at__isnull=True, due_on__isnull=False, due_on__lt=today)
        )

    def queue_order(self):
        """Classified reports first (YUFE 第十一条: they go straight to the propaganda department), then by unit."""
        return self.order_by(
            "-classified", "account__responsible_unit__path", "account__name", "period", "id"
        )


# The report's history, kept also when a report is saved as its proxy `MonthlyReport` (signals name the class
# saved, and simple-history listens to `Report`'s only).
REPORT_HISTORY = HistoricalRecords()


class Report(models.Model):
    """A report an account owes for a period: the 月报表 (YUFE 第十五条, annex 2) or the annual review (年检).

    `period` is the first day of the month (monthly) or of the year (annual). The compliance rule
    `report_window` reads `submitted_at` against the pack's window; only submitting sets it, so a prefilled
    report that was never submitted counts as not submitted.

    A monthly report is prefilled on the 1st (`activity.reports.reports_prefill`) with every field of annex 2,
    copied from the registry and the month's posts so that the report keeps what was true that month. The
    count of posts mediagov observed (`observed_count`) is kept apart from the count the unit declares
    (`post_count`, 发布信息数量); the rule `report_count_mismatch` compares them.
    """

    account = models.ForeignKey("registry.MediaAccount", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("报表类型", max_length=10, choices=ReportKind.choices)
    period = models.DateField("所属期间")
    state = FSMField("状态", default=ReportState.PREFILLED, choices=ReportState.choices, protected=True)
    # Annex 2 as prefilled: 建设单位, 媒体平台, 帐号名称, 帐号ID and 管理人员 (负责人、职务、管理员).
    unit_name = models.CharField("建设单位", max_length=100, blank=True)
    platform_label = models.CharField("媒体平台", max_length=40, blank=True)
    account_name = models.CharField("帐号名称", max_length=100, blank=True)
    account_platform_id = models.CharField("帐号ID", max_length=120, blank=True)
    leader_name = models.CharField("负责人", max_length=50, blank=True)
    leader_title = models.CharField("职务", max_length=60, blank=True)
    admins = models.JSONField("管理员", default=list, blank=True)  # [{name, title, phone}]
    observed_count = models.PositiveIntegerField("系统统计发布数量", null=True, blank=True)
    post_count = models.PositiveIntegerField("发布信息数量", null=True, blank=True)
    topics = models.TextField("主题及内容", blank=True)
    classified = models.BooleanField("是否涉密", default=False)
    note = models.TextField("说明", blank=True)
    due_on = models.DateField("报送截止日", null=True, blank=True)
    prefilled_at = models.DateTimeField("生成时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late = models.BooleanField("逾期报送", default=False)
    unit_opinion = models.TextField("单位意见", blank=True)
    unit_opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_opinion_at = models.DateTimeField("单位意见时间", null=True, blank=True)
    department_opinion = models.TextField("党委宣传部意见", blank=True)
    department_opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department_opinion_at = models.DateTimeField("宣传部意见时间", null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    history = REPORT_HISTORY

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "account"]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "period"], name="report_period_unique")
        ]
        indexes = [models.Index(fields=["kind", "period"], name="report_kind_period")]
        verbose_name = "报表"
        verbose_name_plural = "报表"

    def __str__(self) -> str:
        label = f"{self.period:%Y年%m月}" if self.kind == ReportKind.MONTHLY else f"{self.period:%Y年}"
        return f"{self.account} {label}{self.get_kind_display()}"

    @property
    def institution(self):
        return self.account.institution

    # --- FSM transitions; services call these inside a transaction, after their own checks.
    @transition(field=state, source=ReportState.PREFILLED, target=ReportState.SUBMITTED)
    def submit(self, *, by, at, late: bool):
        self.submitted_by, self.submitted_at, self.late = by, at, late

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.UNIT_REVIEWED)
    def sign_unit_opinion(self, *, by, at, opinion: str):
        self.unit_opinion, self.unit_opinion_by, self.unit_opinion_at = opinion, by, at

    @transition(
        field=state,
        source=[ReportState.SUBMITTED, ReportState.UNIT_REVIEWED],
        target=ReportState.REVIEWED,
        conditions=[lambda report: report.awaits_department],
    )
    def sign_department_opinion(self, *, by, at, opinion: str):
        self.department_opinion, self.department_opinion_by, self.department_opinion_at = opinion, by, at

    # --- derived state
    @property
    def awaits_department(self) -> bool:
        """After the unit's opinion; a classified report at once (it goes straight to the department)."""
        return self.state == ReportState.UNIT_REVIEWED or (
            self.state == ReportState.SUBMITTED and self.classified
        )

    @property
    def awaits_unit(self) -> bool:
        return self.state == ReportState.SUBMITTED

    @property
    def editable(self) -> bool:
        return self.state == ReportState.PREFILLED

    def is_late(self, today) -> bool:
        """Submitted after the window, or still not submitted after it closed."""
        if self.submitted_at is not None:
            return self.late
        return self.due_on is not None and today > self.due_on

    @property
    def count_differs(self) -> bool:
        return (
            self.post_count is not None
            and self.observed_count is not None
            and self.post_count != self.observed_count
        )


class MonthlyReportManager(models.Manager.from_queryset(ReportQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=ReportKind.MONTHLY)


class MonthlyReport(Report):
    """The 月报表 (YUFE 第十五条, annex 2): the monthly reports among `Report` (docs/decisions.md)."""

    objects = MonthlyReportManager()

    class Meta:
        proxy = True
        verbose_name = "新媒体管理月报表"
        verbose_name_plural = "新媒体管理月报表"

    def save(self, *args, **kwargs):
        self.kind = ReportKind.MONTHLY
        super().save(*args, **kwargs)


models.signals.post_save.connect(REPORT_HISTORY.post_save, sender=MonthlyReport, weak=False)
models.signals.post_delete.connect(REPORT_HISTORY.post_delete, sender=MonthlyReport, weak=False)
