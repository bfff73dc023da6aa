"""Read serializers for accounts and filings, and the small input serializers of the API's actions."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mediagov.activity.models import Report, ReportState
from mediagov.compliance.models import Finding, FindingState, Sanction, Severity
from mediagov.org.models import Role
from mediagov.registry.models import (
    AccountManager,
    AccountStatus,
    ApprovalStep,
    Filing,
    FilingKind,
    FilingState,
    MediaAccount,
    StepDecision,
)
from mediagov.registry.platforms import Platform

ROLE_LABELS = dict(Role.choices)


def user_name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


# ---------------------------------------------------------------- query parameters
class AccountFilterSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, help_text="平台")
    status = serializers.ChoiceField(choices=AccountStatus.choices, required=False, help_text="状态")
    unit = serializers.CharField(required=False, help_text="责任单位代码（含下级单位）")
    q = serializers.CharField(required=False, help_text="按名称、帐号ID、创建主体搜索")
    institution = serializers.CharField(required=False, help_text="学校代码")


class FilingFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=FilingState.choices, required=False, help_text="状态")
    kind = serializers.ChoiceField(choices=FilingKind.choices, required=False, help_text="备案类型")
    todo = serializers.BooleanField(required=False, default=False, help_text="只列出当前用户可以审批的备案")
    institution = serializers.CharField(required=False, help_text="学校代码")


# ---------------------------------------------------------------- inputs and errors
class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[
            (StepDecision.APPROVED, StepDecision.APPROVED.label),
            (StepDecision.RETURNED, StepDecision.RETURNED.label),
            (StepDecision.REJECTED, StepDecision.REJECTED.label),
        ],
        help_text="审批结论",
    )
    opinion = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="审批意见（退回或不同意时必填）"
    )


class DomainErrorSerializer(serializers.Serializer):
    """The body of a refused request: the message for the user and the article it cites."""

    detail = serializers.CharField()
    article = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_blank=True)


class SubmitErrorSerializer(DomainErrorSerializer):
    checks = serializers.ListField(child=serializers.DictField(), help_text="提交检查结果")


# ---------------------------------------------------------------- shared pieces
class UnitBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PersonBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    staff_no = serializers.CharField()
    name = serializers.CharField()
    on_staff = serializers.BooleanField(source="is_on_staff")


class ManagerSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display")
    staff_no = serializers.CharField(source="person.staff_no", default=None, allow_null=True)
    on_staff = serializers.BooleanField()

    class Meta:
        model = AccountManager
        fields = ["id", "role", "role_label", "name", "title", "phone", "email", "staff_no", "on_staff"]


class AllianceSerializer(serializers.Serializer):
    member = serializers.BooleanField()
    joined_on = serializers.DateField(allow_null=True)
    name = serializers.CharField(allow_blank=True, help_text="联盟/矩阵名称（政策包规定）")
    article = serializers.CharField(allow_blank=True)


# ---------------------------------------------------------------- accounts
class AccountSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code")
    owner_kind_label = serializers.CharField(source="get_owner_kind_display")
    responsible_unit = UnitBriefSerializer()
    platform_label = serializers.CharField(source="get_platform_display")
    media_type_label = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    alliance = serializers.SerializerMethodField()
    managers = ManagerSerializer(many=True)

    class Meta:
        model = MediaAccount
        fields = [
            "id",
            "institution",
            "name",
            "owner",
            "owner_kind",
            "owner_kind_label",
            "responsible_unit",
            "platform",
            "platform_label",
            "wechat_type",
            "media_type_label",
            "platform_id",
            "handle",
            "url",
            "verified",
            "foreign_related",
            "status",
            "status_label",
            "alliance",
            "managers",
        ]

    @extend_schema_field(AllianceSerializer)
    def get_alliance(self, account) -> dict:
        info = account.institution.policy.alliance
        return {
            "member": account.alliance_member,
            "joined_on": account.alliance_joined_on,
            "name": info.get("name", ""),
            "article": info.get("article", ""),
        }


class FilingBriefSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Filing
        fields = ["id", "kind", "kind_label", "state", "state_label", "due_date", "created"]


class AccountDetailSerializer(AccountSerializer):
    first_responsible = PersonBriefSerializer(allow_null=True)
    direct_responsible = PersonBriefSerializer(allow_null=True)
    guiding_teacher = PersonBriefSerializer(allow_null=True)
    app_category_label = serializers.CharField(source="get_app_category_display")
    filings = FilingBriefSerializer(many=True)
    can_file = serializers.SerializerMethodField(help_text="当前用户能否为该帐号办理备案")

    class Meta(AccountSerializer.Meta):
        fields = [
            *AccountSerializer.Meta.fields,
            "created_on",
            "planned_open_on",
            "positioning_function",
            "positioning_content",
            "positioning_audience",
            "first_responsible",
            "direct_responsible",
            "guiding_teacher",
            "is_main",
            "app_category",
            "app_category_label",
            "online_payment",
            "payment_approved_by",
            "data_integration",
            "data_integration_approval",
            "maintenance",
            "filings",
            "can_file",
            "created",
            "updated",
        ]

    def get_can_file(self, account) -> bool:
        return self.context["request"].user.has_perm("registry.file_account", account)


# ---------------------------------------------------------------- filings
class AccountBriefSerializer(serializers.ModelSerializer):
    responsible_unit = UnitBriefSerializer()
    platform_label = serializers.CharField(source="get_platform_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = MediaAccount
        fields = ["id", "name", "platform", "platform_label", "responsible_unit", "status", "status_label"]


class StepSerializer(serializers.ModelSerializer):
    role_label = serializers.SerializerMethodField()
    unit = UnitBriefSerializer(allow_null=True)
    decision_label = serializers.CharField(source="get_decision_display")
    signed_by = serializers.SerializerMethodField(help_text="签字人姓名")

    class Meta:
        model = ApprovalStep
        fields = [
            "id",
            "round",
            "order",
            "label",
            "role",
            "role_label",
            "unit",
            "article",
            "decision",
            "decision_label",
            "opinion",
            "signed_by",
            "signed_at",
        ]

    def get_role_label(self, step) -> str:
        return ROLE_LABELS.get(step.role, step.role)

    def get_signed_by(self, step) -> str | None:
        return user_name(step.signed_by)


class CurrentStepMixin(serializers.Serializer):
    current_step = serializers.SerializerMethodField(help_text="当前待审批环节（审批中时）")

    @extend_schema_field(StepSerializer(allow_null=True))
    def get_current_step(self, filing):
        step = filing.current_step()
        return StepSerializer(step).data if step else None


class FilingSerializer(CurrentStepMixin, serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code")
    account = AccountBriefSerializer()
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Filing
        fields = [
            "id",
            "institution",
            "account",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "round",
            "current_step",
            "event_date",
            "due_date",
            "due_rule",
            "due_error",
            "submitted_at",
            "decided_at",
            "created",
        ]


class DiffEntrySerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class FilingDetailSerializer(FilingSerializer):
    steps = serializers.SerializerMethodField(help_text="各轮次的审批环节，按轮次、顺序排列")
    diff = DiffEntrySerializer(many=True, help_text="变更备案的字段变更")
    checks = serializers.ListField(child=serializers.DictField(), help_text="最近一次提交检查的结果")
    created_by = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    can_decide = serializers.SerializerMethodField(help_text="当前用户能否审批当前环节")
    can_file = serializers.SerializerMethodField(help_text="当前用户能否提交或撤回该备案")

    class Meta(FilingSerializer.Meta):
        fields = [
            *FilingSerializer.Meta.fields,
            "reason",
            "diff",
            "checks",
            "steps",
            "created_by",
            "submitted_by",
            "can_decide",
            "can_file",
        ]

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, filing):
        steps = filing.steps.select_related("unit", "signed_by").order_by("round", "order")
        return StepSerializer(steps, many=True).data

    @extend_schema_field(OpenApiTypes.STR)
    def get_created_by(self, filing) -> str | None:
        return user_name(filing.created_by)

    @extend_schema_field(OpenApiTypes.STR)
    def get_submitted_by(self, filing) -> str | None:
        return user_name(filing.submitted_by)

    def get_can_decide(self, filing) -> bool:
        return self.context["request"].user.has_perm("registry.decide_filing", filing)

    def get_can_file(self, filing) -> bool:
        return self.context["request"].user.has_perm("registry.file_account", filing.account)


# ---------------------------------------------------------------- compliance
class FindingFilterSerializer(serializers.Serializer):
    institution = serializers.CharField(required=False, help_text="学校代码")
    state = serializers.ChoiceField(choices=FindingState.choices, required=False)
    active = serializers.BooleanField(required=False, help_text="只列出未关闭的问题")
    rule = serializers.CharField(required=False, help_text="规则编号，如 dut-12-two-months")
    account = serializers.IntegerField(required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    overdue = serializers.BooleanField(required=False, help_text="只列出已过整改期限的问题")


class FindingSerializer(serializers.ModelSerializer):
    account = AccountBriefSerializer(read_only=True, allow_null=True)
    discovered = serializers.DictField(
        read_only=True,
        allow_null=True,
        help_text="名称监测发现的未备案帐号（platform、name、handle、url、id），此时 account 为空；否则为空",
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    citation = serializers.CharField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "rule",
            "kind",
            "key",
            "regulation",
            "article",
            "citation",
            "account",
            "discovered",
            "title",
            "message",
            "evidence",
            "severity",
            "severity_label",
            "action",
            "responsible",
            "since",
            "due_date",
            "due_rule",
            "due_error",
            "state",
            "state_label",
            "first_seen",
            "last_seen",
            "rectification",
            "rectification_url",
            "closed_on",
            "close_note",
        ]


class FindingNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="说明（退回、豁免时必填）"
    )


class RectificationSerializer(serializers.Serializer):
    description = serializers.CharField(help_text="整改情况")
    url = serializers.URLField(required=False, allow_blank=True, default="", help_text="整改佐证链接")


class SanctionSerializer(serializers.ModelSerializer):
    account = AccountBriefSerializer(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    citation = serializers.CharField(read_only=True)

    class Meta:
        model = Sanction
        fields = [
            "id",
            "account",
            "level",
            "level_label",
            "regulation",
            "article",
            "citation",
            "reason",
            "deadline",
            "accountable",
            "previous_status",
            "state",
            "state_label",
            "findings",
            "issued_at",
            "lifted_at",
            "lift_note",
        ]


class ReportFilterSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text="所属月份 YYYY-MM")
    state = serializers.ChoiceField(choices=ReportState.choices, required=False)
    account = serializers.IntegerField(required=False)
    late = serializers.BooleanField(required=False, help_text="只列出逾期（逾期报送或逾期未报）的月报表")


class ReportSerializer(serializers.ModelSerializer):
    """A monthly report (月报表, YUFE 第十五条, annex 2) with every field of the form and both opinions."""

    account = AccountBriefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    count_differs = serializers.BooleanField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "account",
            "period",
            "state",
            "state_label",
            "unit_name",
            "platform_label",
            "account_name",
            "account_platform_id",
            "submitted_at",
            "late",
            "due_on",
            "post_count",
            "observed_count",
            "count_differs",
            "topics",
            "classified",
            "leader_name",
            "leader_title",
            "admins",
            "note",
            "unit_opinion",
            "unit_opinion_at",
            "department_opinion",
            "department_opinion_at",
        ]
        read_only_fields = fields
