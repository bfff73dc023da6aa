"""API of 先审后发: drafts in review with their screening report and decision trail, and deciding a level.

Read through the same scope as the pages (`ContentReview.objects.visible_to`); deciding calls
`screening.reviews.content_review_decide`, so the API refuses exactly what the pages refuse.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from mediagov.screening import reviews
from mediagov.screening.models import ContentReview, DecisionKind, ReviewDecision, ReviewState

from .serializers import DomainErrorSerializer
from .views import ScopedViewSetMixin


class ReviewFilterSerializer(serializers.Serializer):
    institution = serializers.CharField(required=False, help_text="学校代码，如 dut")
    state = serializers.ChoiceField(choices=ReviewState.choices, required=False, help_text="稿件状态")
    todo = serializers.BooleanField(required=False, default=False, help_text="只列出当前轮到我审核的稿件")


class ReviewDecisionSerializer(serializers.ModelSerializer):
    decision_label = serializers.CharField(source="get_decision_display")
    unit = serializers.CharField(source="unit.name", default=None)
    reviewer = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField(help_text="依据（办法及条款）")

    class Meta:
        model = ReviewDecision
        fields = [
            "round",
            "level",
            "label",
            "roles",
            "unit",
            "citation",
            "decision",
            "decision_label",
            "comment",
            "override",
            "override_reason",
            "reviewer",
            "decided_at",
        ]

    def get_reviewer(self, obj) -> str | None:
        return (obj.reviewer.get_full_name() or obj.reviewer.username) if obj.reviewer else None

    def get_citation(self, obj) -> str:
        return obj.review.institution.policy.cite(obj.article)


class ReviewSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code")
    account = serializers.CharField(source="account.name")
    account_id = serializers.IntegerField()
    author = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display")
    current_level = serializers.SerializerMethodField(help_text="当前待审核的审级（审核中时）")
    hits = serializers.SerializerMethodField(help_text="筛查命中数")
    blocking = serializers.SerializerMethodField(help_text="阻止发布的命中数")

    class Meta:
        model = ContentReview
        fields = [
            "id",
            "institution",
            "account_id",
            "account",
            "author",
            "title",
            "state",
            "state_label",
            "round",
            "current_level",
            "hits",
            "blocking",
            "submitted_at",
            "decided_at",
            "created",
        ]

    def get_author(self, obj) -> str:
        return obj.author.get_full_name() or obj.author.username

    def get_current_level(self, obj) -> dict | None:
        level = obj.current_level()
        return ReviewDecisionSerializer(level).data if level else None

    def get_hits(self, obj) -> int:
        return len(obj.hits)

    def get_blocking(self, obj) -> int:
        return len(obj.blocking_hits)


class ReviewDetailSerializer(ReviewSerializer):
    body = serializers.CharField()
    links = serializers.ListField(child=serializers.CharField())
    attachments_text = serializers.CharField()
    report = serializers.DictField(
        help_text="提交时的筛查报告：hits（field、term、category、article、start、end、lexicon、version …）"
    )
    decisions = serializers.SerializerMethodField(help_text="各轮次、各审级的审核记录")

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "body", "links", "attachments_text", "report", "decisions"]

    def get_decisions(self, obj) -> list[dict]:
        rows = obj.decisions.select_related("reviewer", "unit", "review__institution").order_by(
            "round", "level"
        )
        return ReviewDecisionSerializer(rows, many=True).data


class ReviewDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[
            (DecisionKind.APPROVED, DecisionKind.APPROVED.label),
            (DecisionKind.RETURNED, DecisionKind.RETURNED.label),
            (DecisionKind.REJECTED, DecisionKind.REJECTED.label),
        ],
        help_text="审核结论",
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="审核意见（退回、不予发布时必填）"
    )
    override = serializers.BooleanField(required=False, default=False, help_text="确认放行阻止发布的命中")
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="放行理由（有阻止发布的命中时同意须填写）"
    )


@extend_schema_view(
    list=extend_schema(summary="先审后发稿件列表", parameters=[ReviewFilterSerializer]),
    retrieve=extend_schema(summary="稿件详情（正文、筛查报告、审核记录）"),
)
class ReviewViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Drafts of the accounts the user may see; deciding the current level calls the screening service."""

    scoped_model = ContentReview
    serializer_class = ReviewSerializer
    lookup_value_converter = "int"

    def get_serializer_class(self):
        return ReviewSerializer if self.action == "list" else ReviewDetailSerializer

    def refine_queryset(self, queryset):
        return queryset.select_related("institution", "account", "author")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.list_params(ReviewFilterSerializer)
        if params.get("institution"):
            queryset = queryset.filter(institution__code=params["institution"])
        if params.get("state"):
            queryset = queryset.filter(state=params["state"])
        if params.get("todo"):
            queryset = reviews.reviews_to_decide(self.request.user, queryset)
        return queryset

    @extend_schema(
        summary="审核当前审级",
        request=ReviewDecideSerializer,
        responses={
            200: ReviewDetailSerializer,
            400: OpenApiResponse(DomainErrorSerializer, description="顺序、状态不允许，或缺少意见、放行理由"),
            403: OpenApiResponse(DomainErrorSerializer, description="本人稿件或不是当前审级的审核人"),
            404: OpenApiResponse(description="稿件不存在或不在您的可见范围内"),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, **kwargs):
        """Approve (an override with a reason when the report has blocking hits), return, or reject."""
        review = self.get_object()
        data = ReviewDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = reviews.content_review_decide(review=review, user=request.user, **data.validated_data)
        return Response(ReviewDetailSerializer(review).data)
