"""Scans, the findings they raise, and the sanctions that rest on findings (DUT 第十九条)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords


class Severity(models.TextChoices):
    LOW = "low", "提示"
    MEDIUM = "medium", "一般"
    HIGH = "high", "严重"
    URGENT = "urgent", "紧急"


SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.URGENT: 3}


class ScanTrigger(models.TextChoices):
    SCHEDULE = "schedule", "定时"
    CLI = "cli", "命令行"
    WEB = "web", "页面"


class Scan(models.Model):
    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="scans")
    as_of = models.DateField("检查日期")
    trigger = models.CharField("触发方式", max_length=10, choices=ScanTrigger.choices)
    persisted = models.BooleanField("写入结果", default=True)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    accounts = models.PositiveIntegerField("检查帐号数", default=0)
    rules = models.PositiveIntegerField("规则数", default=0)
    holding = models.PositiveIntegerField("存在问题数", default=0)
    opened = models.PositiveIntegerField("新发现", default=0)
    closed = models.PositiveIntegerField("自动关闭", default=0)
    errors = models.JSONField("规则错误", default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "合规扫描"
        verbose_name_plural = "合规扫描"

    def __str__(self) -> str:
        return f"{self.institution} {self.as_of}"


class FindingState(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已确认"
    RECTIFIED = "rectified", "已整改待核验"
    CLOSED = "closed", "核验通过已关闭"
    RESOLVED = "resolved", "问题消除自动关闭"
    WAIVED = "waived", "已豁免"


NAMEWATCH_KIND = "namewatch"  # findings of the name watch (DUT 第九条); only these may lack an account

ACTIVE_STATES = (FindingState.OPEN, FindingState.ACKNOWLEDGED, FindingState.RECTIFIED)
DONE_STATES = (FindingState.CLOSED, FindingState.RESOLVED, FindingState.WAIVED)


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from mediagov.core.scoping import finding_scope_q

        return self.filter(finding_scope_q(user))

    def active(self):
        return self.filter(state__in=ACTIVE_STATES)

    def done(self):
        return self.filter(state__in=DONE_STATES)

    def overdue(self, *, as_of):
        return self.active().filter(due_date__lt=as_of)

    def in_unit(self, unit):
        return self.filter(account__responsible_unit__path__startswith=unit.path)


class Finding(models.Model):
    """One rule broken by one account, with its citation, evidence, due date and the people who must act.

    `key` tells occurrences apart (a month, a year, a filing); a scan finds the active finding with the same
    (rule, account, key) instead of adding another, so scans are idempotent.

    A name-watch finding (`kind` "namewatch") about an account that is not in the registry (an unregistered
    use of the school's name, DUT 第九条) has no `account`: the discovered account is named in its evidence
    (`discovered_*`), and only the propaganda department sees it (`core.scoping.finding_scope_q`).
    """

    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="findings")
    account = models.ForeignKey(
        "registry.MediaAccount", on_delete=models.CASCADE, related_name="findings", null=True, blank=True
    )
    rule = models.CharField("规则", max_length=80)
    kind = models.CharField("规则类型", max_length=40)
    key = models.CharField("区分键", max_length=80, blank=True)
    regulation = models.CharField("制度", max_length=200)
    article = models.CharField("条款", max_length=100)
    title = models.CharField("问题", max_length=200)
    message = models.TextField("说明")
    evidence = models.JSONField("证据", default=dict)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    action = models.CharField("整改要求", max_length=300)
    responsible = models.JSONField("责任人", default=list)
    since = models.DateField("问题起始日期", null=True, blank=True)
    due_date = models.DateField("整改期限", null=True, blank=True)
    due_rule = models.CharField("期限依据", max_length=200, blank=True)
    due_error = models.CharField("期限无法计算的原因", max_length=200, blank=True)
    state = FSMField("状态", default=FindingState.OPEN, choices=FindingState.choices, protected=True)
    first_seen = models.DateField("首次发现")
    last_seen = models.DateField("最近一次确认存在")
    first_scan = models.ForeignKey(Scan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True)
    rectification_url = models.URLField("整改佐证链接", max_length=1000, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rectified_at = models.DateTimeField("整改提交时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closed_on = models.DateField("关闭日期（业务日期）", null=True, blank=True)
    close_note = models.TextField("关闭说明", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-first_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "account", "key"],
                condition=Q(state__in=["open", "acknowledged", "rectified"]),
                name="finding_active_unique",
            ),
            # Without an account the constraint above cannot hold (NULLs differ): one active finding per
            # (institution, rule, key) among those.
            models.UniqueConstraint(
                fields=["institution", "rule", "key"],
                condition=Q(account__isnull=True, state__in=["open", "acknowledged", "rectified"]),
                name="finding_unlinked_active_unique",
            ),
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(kind=NAMEWATCH_KIND),
                name="finding_account_or_namewatch",
            ),
        ]
        indexes = [models.Index(fields=["institution", "state"], name="finding_inst_state")]
        verbose_name = "问题"
        verbose_name_plural = "问题"

    def __str__(self) -> str:
        return f"{self.subject} · {self.title}"

    @property
    def citation(self) -> str:
        return f"《{self.regulation}》{self.article}"

    @property
    def discovered(self) -> dict | None:
        """The discovered account of an account-less name-watch finding: {"id", "platform", "name", "handle",
        "url"} from its evidence; None for a finding of a registered account."""
        if self.account_id is not None:
            return None
        ev = self.evidence if isinstance(self.evidence, dict) else {}
        return {
            "id": ev.get("discovered_id"),
            "platform": ev.get("discovered_platform", ""),
            "name": ev.get("discovered_name", ""),
            "handle": ev.get("discovered_handle", ""),
            "url": ev.get("discovered_url", ""),
        }

    @property
    def subject(self) -> str:
        """What the finding is about, in words: the registered account, or the discovered one."""
        found = self.discovered
        if found is None:
            return str(self.account) if self.account_id else ""
        handle = f"（{found['handle']}）" if found["handle"] else ""
        return f"{found['platform']}“{found['name']}”{handle}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    # --- FSM transitions; services call these after their permission checks.
    @transition(field=state, source=FindingState.OPEN, target=FindingState.ACKNOWLEDGED)
    def acknowledge(self):
        pass

    @transition(
        field=state, source=[FindingState.OPEN, FindingState.ACKNOWLEDGED], target=FindingState.RECTIFIED
    )
    def rectify(self):
        pass

    @transition(field=state, source=FindingState.RECTIFIED, target=FindingState.CLOSED)
    def verify(self):
        pass

    @transition(field=state, source=FindingState.RECTIFIED, target=FindingState.ACKNOWLEDGED)
    def reject_rectification(self):
        pass

    @transition(field=state, source=list(ACTIVE_STATES), target=FindingState.WAIVED)
    def waive(self):
        pass

    @transition(field=state, source=list(ACTIVE_STATES), target=FindingState.RESOLVED)
    def resolve(self):
        pass


class SanctionLevel(models.TextChoices):
    """The ladder of DUT 第十九条, in order."""

    RECTIFY = "rectify", "责令整改"
    SUSPEND = "suspend", "关停整改"
    CANCEL = "cancel", "注销账号"


SANCTION_RANK = {SanctionLevel.RECTIFY: 1, SanctionLevel.SUSPEND: 2, SanctionLevel.CANCEL: 3}


class SanctionState(models.TextChoices):
    ACTIVE = "active", "执行中"
    ESCALATED = "escalated", "已升级"
    LIFTED = "lifted", "已解除（恢复运营）"
    FINAL = "final", "已执行完毕"


class SanctionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from mediagov.core.scoping import account_scope_q

        return self.filter(account_scope_q(user, "account__"))

    def active(self):
        return self.filter(state=SanctionState.ACTIVE)


class Sanction(models.Model):
    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="sanctions")
    account = models.ForeignKey("registry.MediaAccount", on_delete=models.CASCADE, related_name="sanctions")
    level = models.CharField("处理措施", max_length=10, choices=SanctionLevel.choices)
    findings = models.ManyToManyField(Finding, related_name="sanctions", verbose_name="依据问题")
    regulation = models.CharField("制度", max_length=200)
    article = models.CharField("条款", max_length=100)
    reason = models.TextField("处理理由")
    deadline = models.DateField("整改期限", null=True, blank=True)
    accountable = models.JSONField("问责对象", default=list)
    previous_status = models.CharField("处理前帐号状态", max_length=20)
    state = FSMField("状态", default=SanctionState.ACTIVE, choices=SanctionState.choices, protected=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("决定时间", auto_now_add=True)
    escalated_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_from"
    )
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lift_note = models.TextField("解除说明", blank=True)
    history = HistoricalRecords()

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = "处理决定"
        verbose_name_plural = "处理决定"

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.account}"

    @property
    def citation(self) -> str:
        return f"《{self.regulation}》{self.article}"

    @transition(field=state, source=SanctionState.ACTIVE, target=SanctionState.ESCALATED)
    def escalate(self):
        pass

    @transition(field=state, source=SanctionState.ACTIVE, target=SanctionState.LIFTED)
    def lift(self):
        pass

    @transition(field=state, source=SanctionState.ACTIVE, target=SanctionState.FINAL)
    def finalise(self):
        pass
