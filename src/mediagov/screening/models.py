"""Lexicons of the content screening: terms by category, each category tied to an article by the policy pack.

A `Lexicon` belongs to one institution and is versioned: every import and every edit through a service
creates a `LexiconVersion` and raises `Lexicon.version`, and every hit names the version that matched.
Protected names (DUT 第九条) are not stored here: they come from the pack's `protected_names` section.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    PROHIBITED = "prohibited", "法律法规禁止的内容"
    SCHOOL_RULES = "school_rules", "违反学校管理规定"
    SCHOOL_IMAGE = "school_image", "损害学校形象"
    COMMERCIAL_AD = "commercial_ad", "与学校无关的商业广告"
    CLASSIFIED = "classified", "涉密信息"
    SENSITIVE_TOPIC = "sensitive_topic", "重大事件、突发事件及敏感问题"
    TYPO = "typo", "错别字及错误表述"
    PROTECTED_NAME = "protected_name", "学校名称及简称"


class Severity(models.TextChoices):
    LOW = "low", "提示"
    MEDIUM = "medium", "一般"
    HIGH = "high", "严重"
    URGENT = "urgent", "紧急"


class LexiconQuerySet(models.QuerySet):
    def of(self, institution):
        return self.filter(institution=institution)


class Lexicon(models.Model):
    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="lexicons")
    name = models.CharField("名称", max_length=100)
    category = models.CharField(
        "主要类别", max_length=20, choices=Category.choices, blank=True, help_text="词条各自的类别优先"
    )
    version = models.PositiveIntegerField("当前版本", default=0)
    description = models.TextField("说明", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = LexiconQuerySet.as_manager()

    class Meta:
        verbose_name = "词库"
        verbose_name_plural = "词库"
        ordering = ["institution", "name"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="lexicon_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"


class LexiconVersion(models.Model):
    """One change of a lexicon: an import, an edit, or the demo load."""

    lexicon = models.ForeignKey(Lexicon, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    source = models.CharField("来源", max_length=255, blank=True)
    term_count = models.PositiveIntegerField("词条数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "词库版本"
        verbose_name_plural = "词库版本"
        ordering = ["lexicon", "-number"]
        constraints = [models.UniqueConstraint(fields=["lexicon", "number"], name="lexicon_version_unique")]

    def __str__(self) -> str:
        return f"{self.lexicon.name} v{self.number}"


class Term(models.Model):
    lexicon = models.ForeignKey(Lexicon, on_delete=models.CASCADE, related_name="terms")
    text = models.CharField("词条", max_length=200)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    variants = models.JSONField("变体", default=list, blank=True)
    allowlist = models.JSONField("例外", default=list, blank=True, help_text="含本词条但不算命中的词语")
    severity = models.CharField(
        "严重程度",
        max_length=10,
        choices=Severity.choices,
        blank=True,
        help_text="留空时取政策包中该类别的设置",
    )
    blocks_publication = models.BooleanField(
        "阻止发布", null=True, blank=True, help_text="留空时取政策包中该类别的设置"
    )
    correction = models.CharField("正确写法", max_length=200, blank=True, help_text="错别字类词条的更正")
    added_in = models.PositiveIntegerField("加入版本", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "词条"
        verbose_name_plural = "词条"
        ordering = ["lexicon", "category", "text"]
        constraints = [
            models.UniqueConstraint(fields=["lexicon", "text", "category"], name="term_unique_in_lexicon")
        ]

    def __str__(self) -> str:
        return self.text


class DiscoveredAccountQuerySet(models.QuerySet):
    def of(self, institution):
        return self.filter(institution=institution)

    def flagged(self):
        return self.filter(verdict__in=["unregistered_use", "impersonation"])


class DiscoveredAccount(models.Model):
    """An account found on a platform and checked by the name watch (DUT 第九条); one row per check."""

    class Verdict(models.TextChoices):
        REGISTERED = "registered", "已备案官方帐号"
        UNREGISTERED_USE = "unregistered_use", "未经审批使用学校名称"
        IMPERSONATION = "impersonation", "疑似仿冒已备案帐号"
        UNRELATED = "unrelated", "无关"

    class Source(models.TextChoices):
        IMPORT = "import", "文件导入"
        MANUAL = "manual", "手工录入"

    institution = models.ForeignKey(
        "org.Institution", on_delete=models.CASCADE, related_name="discovered_accounts"
    )
    platform = models.CharField("平台", max_length=40)  # a platform code, or the text given when unknown
    name = models.CharField("名称", max_length=200)
    handle_raw = models.CharField("帐号ID", max_length=300, blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    bio = models.TextField("简介", blank=True)
    followers = models.PositiveIntegerField("粉丝数", null=True, blank=True)
    handle = models.CharField("规范化标识", max_length=160, blank=True)
    verdict = models.CharField("结论", max_length=20, choices=Verdict.choices)
    keyword = models.CharField("受保护名称", max_length=100, blank=True)
    variant = models.CharField("变体", max_length=20, blank=True)
    matched = models.CharField("名称中的匹配文字", max_length=200, blank=True)
    account = models.ForeignKey(
        "registry.MediaAccount",
        verbose_name="匹配的已备案帐号",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.FloatField("名称相似度", null=True, blank=True)
    evidence = models.JSONField("证据", default=list, blank=True)
    article = models.CharField("依据", max_length=200, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    filename = models.CharField("导入文件", max_length=200, blank=True)
    row = models.PositiveIntegerField("行号", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = DiscoveredAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "名称监测结果"
        verbose_name_plural = "名称监测结果"
        ordering = ["-created", "row", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_verdict_display()}）"

    @property
    def flagged(self) -> bool:
        return self.verdict in (self.Verdict.UNREGISTERED_USE, self.Verdict.IMPERSONATION)


# ---------------------------------------------------------------- 先审后发: content review before publishing
class ReviewState(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过（可发布）"
    REJECTED = "rejected", "不予发布"
    WITHDRAWN = "withdrawn", "已撤回"


class ContentReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reviews of the accounts `user` may see (core.scoping); reviewers of every level are among them."""
        from mediagov.core.scoping import account_scope_q

        return self.filter(account_scope_q(user, prefix="account__"))

    def open(self):
        return self.filter(state__in=[ReviewState.DRAFT, ReviewState.IN_REVIEW, ReviewState.RETURNED])

    def returned_to(self, author):
        """`author`'s drafts returned for changes (退回修改), waiting for them to revise and resubmit."""
        return self.filter(author=author, state=ReviewState.RETURNED)


class ContentReview(models.Model):
    """A draft of one account submitted for review before publishing (先审后发): screened automatically,
    then decided level by level as the institution's pack prescribes (`screening.review`)."""

    institution = models.ForeignKey(
        "org.Institution", on_delete=models.CASCADE, related_name="content_reviews"
    )
    account = models.ForeignKey(
        "registry.MediaAccount",
        verbose_name="发布帐号",
        on_delete=models.CASCADE,
        related_name="content_reviews",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撰稿人", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    links = models.JSONField("链接", default=list, blank=True)
    attachments_text = models.TextField(
        "附件文字", blank=True, help_text="粘贴的附件文字；上传的附件另行提取"
    )
    state = FSMField("状态", default=ReviewState.DRAFT, choices=ReviewState.choices, protected=True)
    round = models.PositiveIntegerField("轮次", default=0)
    report = models.JSONField("筛查报告", default=dict, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated"])

    objects = ContentReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "先审后发稿件"
        verbose_name_plural = "先审后发稿件"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"《{self.title}》（{self.account.name}）"

    # --- FSM transitions; services call these inside a transaction, after their own checks.
    @transition(field=state, source=[ReviewState.DRAFT, ReviewState.RETURNED], target=ReviewState.IN_REVIEW)
    def submit(self):
        self.submitted_at = timezone.now()
        self.round += 1

    @transition(field=state, source=ReviewState.IN_REVIEW, target=ReviewState.APPROVED)
    def approve(self):
        self.decided_at = timezone.now()

    @transition(field=state, source=ReviewState.IN_REVIEW, target=ReviewState.RETURNED)
    def return_to_author(self):
        pass

    @transition(field=state, source=ReviewState.IN_REVIEW, target=ReviewState.REJECTED)
    def reject(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=[ReviewState.DRAFT, ReviewState.IN_REVIEW, ReviewState.RETURNED],
        target=ReviewState.WITHDRAWN,
    )
    def withdraw(self):
        self.decided_at = timezone.now()

    # --- derived state
    @property
    def is_editable(self) -> bool:
        return self.state in (ReviewState.DRAFT, ReviewState.RETURNED)

    @property
    def hits(self) -> list[dict]:
        return list((self.report or {}).get("hits") or [])

    @property
    def blocking_hits(self) -> list[dict]:
        return [h for h in self.hits if h.get("blocks")]

    def current_decisions(self):
        return self.decisions.filter(round=self.round).order_by("level")

    def current_level(self):
        """The first pending level of the current round (None unless in review)."""
        if self.state != ReviewState.IN_REVIEW:
            return None
        return self.current_decisions().filter(decision=DecisionKind.PENDING).first()


class DecisionKind(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "同意发布"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不予发布"
    SKIPPED = "skipped", "未进行"


class ReviewDecision(models.Model):
    """One level of one submission round of a draft: who may decide it (from the pack), and the decision."""

    review = models.ForeignKey(ContentReview, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveIntegerField("轮次", default=1)
    level = models.PositiveIntegerField("审级")
    roles = models.JSONField("审核角色", default=list)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="审核单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField("审级名称", max_length=100)
    article = models.CharField("依据", max_length=100, blank=True)
    decision = models.CharField(
        "结论", max_length=10, choices=DecisionKind.choices, default=DecisionKind.PENDING
    )
    comment = models.TextField("审核意见", blank=True)
    override = models.BooleanField("确认放行阻止发布的命中", default=False)
    override_reason = models.TextField("放行理由", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["review", "round", "level"]
        constraints = [
            models.UniqueConstraint(fields=["review", "round", "level"], name="review_decision_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_decision_display()}）"


def _attachment_path(instance, filename: str) -> str:
    return f"reviews/{timezone.now():%Y/%m}/{filename}"


class ReviewAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments of the drafts `user` may see (`ContentReview.objects.visible_to`), removed ones too."""
        from mediagov.core.scoping import account_scope_q

        return self.filter(account_scope_q(user, prefix="review__account__"))


class ReviewAttachment(models.Model):
    """A file attached to a draft; its text is extracted on upload and screened with the draft. Never deleted:
    an attachment the author removes is marked `removed` (痕迹管理)."""

    review = models.ForeignKey(ContentReview, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to=_attachment_path, max_length=300)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sha256 = models.CharField(max_length=64)
    text = models.TextField("提取的文字", blank=True)
    removed = models.BooleanField("已移除", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ReviewAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "稿件附件"
        verbose_name_plural = "稿件附件"
        ordering = ["review", "created", "pk"]

    def __str__(self) -> str:
        return self.name


class ReviewVersion(models.Model):
    """What was submitted in one round, with the screening report of that round (previous versions are kept)."""

    review = models.ForeignKey(ContentReview, on_delete=models.CASCADE, related_name="versions")
    round = models.PositiveIntegerField("轮次")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    links = models.JSONField("链接", default=list, blank=True)
    attachments_text = models.TextField("附件文字", blank=True)
    attachments = models.JSONField("附件", default=list, blank=True)  # [{id, name, sha256}]
    report = models.JSONField("筛查报告", default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "稿件版本"
        verbose_name_plural = "稿件版本"
        ordering = ["review", "-round"]
        constraints = [models.UniqueConstraint(fields=["review", "round"], name="review_version_unique")]

    def __str__(self) -> str:
        return f"{self.title}（第{self.round}轮）"
