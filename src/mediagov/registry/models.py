from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from mediagov.org.models import Unit, UnitKind

from .platforms import Platform


class AccountStatus(models.TextChoices):
    PENDING = "pending", "申请中"
    ACTIVE = "active", "运营中"
    RECTIFYING = "rectifying", "整改中"
    SUSPENDED = "suspended", "关停整改"
    CANCELLED = "cancelled", "已注销"


class WechatType(models.TextChoices):
    SUBSCRIPTION = "subscription", "订阅号"
    SERVICE = "service", "服务号"
    ENTERPRISE = "enterprise", "企业号"


class AppCategory(models.TextChoices):
    SERVICE = "service", "服务型"
    EDUCATION = "education", "教育型"
    WORK = "work", "工作型"


class MediaAccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        from mediagov.core.scoping import account_scope_q

        return self.filter(account_scope_q(user))

    def alive(self):
        return self.exclude(status=AccountStatus.CANCELLED)

    def alliance(self):
        return self.filter(alliance_member=True).exclude(status=AccountStatus.CANCELLED)


class MediaAccount(models.Model):
    """An official account on an outside platform, or a mobile app: one row of the ledger (台账)."""

    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="accounts")
    name = models.CharField("帐号名称", max_length=100)
    owner = models.CharField("创建主体", max_length=100)
    owner_kind = models.CharField(
        "主体类别", max_length=20, choices=UnitKind.choices, default=UnitKind.COLLEGE
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="accounts"
    )
    platform = models.CharField("平台", max_length=20, choices=Platform.choices)
    wechat_type = models.CharField("微信类型", max_length=20, choices=WechatType.choices, blank=True)
    platform_id = models.CharField("原始ID/帐号ID", max_length=120, blank=True)
    handle = models.CharField("规范化标识", max_length=160, blank=True, db_index=True)
    url = models.URLField("主页链接", max_length=500, blank=True)
    created_on = models.DateField("创建时间", null=True, blank=True)
    planned_open_on = models.DateField("拟开通日期", null=True, blank=True)
    verified = models.BooleanField("是否认证", default=False)
    positioning_function = models.CharField("功能定位", max_length=300, blank=True)
    positioning_content = models.CharField("内容定位", max_length=300, blank=True)
    positioning_audience = models.CharField("受众定位", max_length=300, blank=True)
    first_responsible = models.ForeignKey(
        "org.Person",
        verbose_name="第一责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    direct_responsible = models.ForeignKey(
        "org.Person",
        verbose_name="直接责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directly_responsible_for",
    )
    guiding_teacher = models.ForeignKey(
        "org.Person",
        verbose_name="指导教师",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_main = models.BooleanField("主体账户", default=True)
    app_category = models.CharField("移动客户端类型", max_length=20, choices=AppCategory.choices, blank=True)
    online_payment = models.BooleanField("开通在线支付", default=False)
    payment_approved_by = models.CharField("在线支付批准部门", max_length=100, blank=True)
    data_integration = models.BooleanField("对接学校业务数据", default=False)
    data_integration_approval = models.CharField(
        "数据对接审批（网络与信息化中心）", max_length=200, blank=True
    )
    foreign_related = models.BooleanField("涉外", default=False)
    maintenance = models.CharField("维护方式", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=AccountStatus.choices, default=AccountStatus.PENDING
    )
    alliance_member = models.BooleanField("新媒体联盟/矩阵成员", default=False)
    alliance_joined_on = models.DateField("加入联盟日期", null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated"])

    objects = MediaAccountQuerySet.as_manager()

    class Meta:
        ordering = ["institution", "responsible_unit__path", "platform", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "platform", "handle"],
                condition=~models.Q(handle=""),
                name="account_platform_handle_unique",
            )
        ]
        verbose_name = "新媒体帐号"
        verbose_name_plural = "新媒体帐号"

    def __str__(self) -> str:
        return f"{self.name}（{self.get_platform_display()}）"

    @property
    def media_type_label(self) -> str:
        if self.platform == Platform.WECHAT and self.wechat_type:
            return f"微信{self.get_wechat_type_display()}"
        return self.get_platform_display()

    @property
    def is_app(self) -> bool:
        return self.platform == Platform.APP


class ManagerRole(models.TextChoices):
    LEADER = "leader", "负责人"
    ADMIN = "admin", "管理员"


class AccountManager(models.Model):
    """A member of an account's management team (管理队伍)."""

    account = models.ForeignKey(MediaAccount, on_delete=models.CASCADE, related_name="managers")
    role = models.CharField("角色", max_length=10, choices=ManagerRole.choices, default=ManagerRole.ADMIN)
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=60, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    email = models.EmailField("邮箱", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["account", "role", "id"]
        verbose_name = "管理队伍成员"
        verbose_name_plural = "管理队伍"

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def on_staff(self) -> bool:
        return bool(self.person_id and self.person.is_on_staff)


class FilingKind(models.TextChoices):
    NEW = "new", "新建备案"
    LEGACY = "legacy", "补交备案"
    CHANGE = "change", "变更备案"
    CANCEL = "cancel", "注销备案"


class FilingState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "审批中"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "不予通过"
    WITHDRAWN = "withdrawn", "已撤回"


class FilingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from mediagov.core.scoping import account_scope_q

        return self.filter(account_scope_q(user, prefix="account__"))

    def open(self):
        return self.filter(state__in=[FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED])

    def overdue(self, *, as_of):
        return self.open().filter(due_date__lt=as_of)

    def due_within(self, *, start, end):
        return self.open().filter(due_date__gte=start, due_date__lte=end)


class Filing(models.Model):
    """A filing (备案) of one account that passes the approval chain its institution's pack prescribes."""

    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="filings")
    account = models.ForeignKey(MediaAccount, on_delete=models.CASCADE, related_name="filings")
    kind = models.CharField("备案类型", max_length=10, choices=FilingKind.choices)
    state = FSMField("状态", default=FilingState.DRAFT, choices=FilingState.choices, protected=True)
    event_date = models.DateField("起算日期", null=True, blank=True)
    due_date = models.DateField("截止日期", null=True, blank=True)
    due_rule = models.CharField("期限依据", max_length=200, blank=True)
    due_error = models.CharField("期限无法计算的原因", max_length=200, blank=True)
    proposed = models.JSONField("拟变更内容", default=dict, blank=True)
    diff = models.JSONField("字段变更", default=list, blank=True)
    reason = models.TextField("说明", blank=True)
    checks = models.JSONField("提交检查", default=list, blank=True)
    round = models.PositiveIntegerField("轮次", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = FilingQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "备案"
        verbose_name_plural = "备案"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.account.name}"

    # --- FSM transitions; services call these inside a transaction, after their own checks.
    @transition(field=state, source=[FilingState.DRAFT, FilingState.RETURNED], target=FilingState.SUBMITTED)
    def submit(self, *, by):
        self.submitted_by = by
        self.submitted_at = timezone.now()
        if self.first_submitted_at is None:
            self.first_submitted_at = self.submitted_at
        self.round += 1

    @transition(field=state, source=FilingState.SUBMITTED, target=FilingState.APPROVED)
    def approve(self):
        self.decided_at = timezone.now()

    @transition(field=state, source=FilingState.SUBMITTED, target=FilingState.RETURNED)
    def return_for_revision(self):
        pass

    @transition(field=state, source=FilingState.SUBMITTED, target=FilingState.REJECTED)
    def reject(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=[FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED],
        target=FilingState.WITHDRAWN,
    )
    def withdraw(self):
        self.decided_at = timezone.now()

    # --- derived state
    @property
    def is_open(self) -> bool:
        return self.state in (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED)

    def is_overdue(self, as_of) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < as_of

    def current_steps(self):
        return self.steps.filter(round=self.round).order_by("order")

    def current_step(self):
        if self.state != FilingState.SUBMITTED:
            return None
        return self.current_steps().filter(decision=StepDecision.PENDING).first()

    @property
    def blocking_checks(self) -> list[dict]:
        return [c for c in self.checks if c.get("level") == "error"]


class StepDecision(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "同意"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不同意"
    SKIPPED = "skipped", "未进行"


class ApprovalStep(models.Model):
    """One step of a filing's approval chain, for one submission round."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField()
    role = models.CharField("审批角色", max_length=20)
    unit = models.ForeignKey(Unit, verbose_name="审批单位", null=True, blank=True, on_delete=models.PROTECT)
    label = models.CharField("环节", max_length=100)
    article = models.CharField("依据", max_length=100, blank=True)
    decision = models.CharField(
        "结论", max_length=10, choices=StepDecision.choices, default=StepDecision.PENDING
    )
    opinion = models.TextField("意见", blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签字人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField("签字时间", null=True, blank=True)

    class Meta:
        ordering = ["filing", "round", "order"]
        constraints = [models.UniqueConstraint(fields=["filing", "round", "order"], name="step_order_unique")]
        verbose_name = "审批环节"
        verbose_name_plural = "审批环节"

    def __str__(self) -> str:
        return f"{self.label}（{self.get_decision_display()}）"
