"""The REST API: accounts and filings, read through the user's scope; actions call the registry services.

Scope is read in one place: `ScopedViewSetMixin.get_queryset` starts from `Model.objects.visible_to(user)`
(which reads `mediagov.core.scoping`). Subclasses narrow that queryset in `refine_queryset`; they may not
override `get_queryset`. An object outside the user's scope is therefore a 404, never a 403.

Domain errors of the services become `{"detail", "article", "code"}`: 403 for a role problem
(`mediagov.core.errors.PermissionDenied`), 400 for anything else the regulation or the state refuses.
"""

from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mediagov.activity.models import Report
from mediagov.activity.reports import parse_period
from mediagov.compliance import services as compliance
from mediagov.compliance.models import Finding, Sanction
from mediagov.core.errors import DomainError
from mediagov.core.errors import PermissionDenied as DomainPermissionDenied
from mediagov.org.models import Unit
from mediagov.registry import services
from mediagov.registry.models import AccountManager, Filing, FilingState, MediaAccount

from .permissions import CanFileAccount
from .serializers import (
    AccountDetailSerializer,
    AccountFilterSerializer,
    AccountSerializer,
    DecisionSerializer,
    DomainErrorSerializer,
    FilingDetailSerializer,
    FilingFilterSerializer,
    FilingSerializer,
    FindingFilterSerializer,
    FindingNoteSerializer,
    FindingSerializer,
    RectificationSerializer,
    ReportFilterSerializer,
    ReportSerializer,
    SanctionSerializer,
    SubmitErrorSerializer,
)


def domain_error_body(exc: DomainError) -> dict:
    return {"detail": exc.message, "article": exc.article, "code": exc.code}


class ScopedViewSetMixin:
    """Every queryset of the API starts from `scoped_model.objects.visible_to(request.user)`."""

    scoped_model: type = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__}: narrow the scoped queryset in refine_queryset(), not get_queryset()"
            )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no rows
            return self.scoped_model.objects.none()
        return self.refine_queryset(self.scoped_model.objects.visible_to(self.request.user))

    def refine_queryset(self, queryset):
        return queryset

    def handle_exception(self, exc):
        if isinstance(exc, DomainError):
            code = (
                status.HTTP_403_FORBIDDEN
                if isinstance(exc, DomainPermissionDenied)
                else status.HTTP_400_BAD_REQUEST
            )
            return Response(domain_error_body(exc), status=code)
        return super().handle_exception(exc)

    def list_params(self, serializer_class) -> dict:
        """The validated query parameters of a list request (400 on a bad value)."""
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data


@extend_schema_view(
    list=extend_schema(summary="帐号列表（台账）", parameters=[AccountFilterSerializer]),
    retrieve=extend_schema(summary="帐号详情"),
)
class AccountViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Media accounts the user may see, with their management team and alliance membership."""

    scoped_model = MediaAccount
    serializer_class = AccountSerializer
    lookup_value_converter = "int"

    def get_serializer_class(self):
        return AccountDetailSerializer if self.action == "retrieve" else AccountSerializer

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("institution", "responsible_unit").prefetch_related(
            Prefetch("managers", queryset=AccountManager.objects.select_related("person"))
        )
        if self.action == "retrieve":
            queryset = queryset.select_related(
                "first_responsible", "direct_responsible", "guiding_teacher"
            ).prefetch_related("filings")
        return queryset

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.list_params(AccountFilterSerializer)
        if params.get("institution"):
            queryset = queryset.filter(institution__code=params["institution"])
        if params.get("platform"):
            queryset = queryset.filter(platform=params["platform"])
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        if params.get("unit"):
            paths = Unit.objects.filter(code=params["unit"]).values_list("path", flat=True)
            subtree = Q(pk__in=[])
            for path in paths:
                subtree |= Q(responsible_unit__path__startswith=path)
            queryset = queryset.filter(subtree)
        if params.get("q", "").strip():
            q = params["q"].strip()
            queryset = queryset.filter(
                Q(name__icontains=q)
                | Q(platform_id__icontains=q)
                | Q(handle__icontains=q)
                | Q(owner__icontains=q)
            )
        return queryset


FILING_ACTION_RESPONSES = {
    200: FilingDetailSerializer,
    400: OpenApiResponse(DomainErrorSerializer, description="规定或当前状态不允许"),
    403: OpenApiResponse(DomainErrorSerializer, description="无权办理"),
    404: OpenApiResponse(description="备案不存在或不在您的可见范围内"),
}


@extend_schema_view(
    list=extend_schema(summary="备案列表", parameters=[FilingFilterSerializer]),
    retrieve=extend_schema(summary="备案详情（审批环节、字段变更、提交检查、截止日期）"),
)
class FilingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Filings of the accounts the user may see; deciding, submitting and withdrawing call the services."""

    scoped_model = Filing
    serializer_class = FilingSerializer
    lookup_value_converter = "int"

    def get_serializer_class(self):
        return FilingSerializer if self.action == "list" else FilingDetailSerializer

    def get_permissions(self):
        if self.action in ("submit", "withdraw"):
            return [IsAuthenticated(), CanFileAccount()]
        return super().get_permissions()

    def refine_queryset(self, queryset):
        return queryset.select_related(
            "institution",
            "account",
            "account__institution",
            "account__responsible_unit",
            "created_by",
            "submitted_by",
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.list_params(FilingFilterSerializer)
        if params.get("institution"):
            queryset = queryset.filter(institution__code=params["institution"])
        if params.get("state"):
            queryset = queryset.filter(state=params["state"])
        if params.get("kind"):
            queryset = queryset.filter(kind=params["kind"])
        if params.get("todo"):
            user = self.request.user
            candidates = queryset.filter(state=FilingState.SUBMITTED).exclude(
                Q(created_by=user) | Q(submitted_by=user)
            )
            ids = [f.pk for f in candidates if user.has_perm("registry.decide_filing", f)]
            queryset = queryset.filter(pk__in=ids)
        return queryset

    def _done(self, filing) -> Response:
        return Response(self.get_serializer(filing).data)

    @extend_schema(summary="审批当前环节", request=DecisionSerializer, responses=FILING_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, **kwargs):
        """Sign the current step: approve, return for revision, or reject (the last two need an opinion)."""
        filing = self.get_object()
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        step = filing.current_step()
        if step is None:
            raise DomainError("该备案当前没有待审批的环节")
        filing = services.filing_decide(step=step, user=request.user, **decision.validated_data)
        return self._done(filing)

    @extend_schema(
        summary="提交备案（运行提交检查，通过后进入审批）",
        request=None,
        responses={
            **FILING_ACTION_RESPONSES,
            400: OpenApiResponse(SubmitErrorSerializer, description="提交检查未通过或当前状态不能提交"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """Run the pack's checks; a blocking check refuses the submission and its results come back."""
        filing = self.get_object()
        try:
            filing = services.filing_submit(filing=filing, user=request.user)
        except DomainPermissionDenied:
            raise
        except DomainError as exc:
            filing.refresh_from_db(fields=["checks"])
            return Response(
                {**domain_error_body(exc), "checks": filing.checks}, status=status.HTTP_400_BAD_REQUEST
            )
        return self._done(filing)

    @extend_schema(summary="撤回备案", request=None, responses=FILING_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, **kwargs):
        """Withdraw an open filing; its pending steps are skipped."""
        filing = self.get_object()
        filing = services.filing_withdraw(filing=filing, user=request.user)
        return self._done(filing)


# ---------------------------------------------------------------- compliance
FINDING_ACTION_RESPONSES = {
    200: FindingSerializer,
    400: OpenApiResponse(DomainErrorSerializer, description="当前状态不允许或缺少说明"),
    403: OpenApiResponse(DomainErrorSerializer, description="无权办理"),
    404: OpenApiResponse(description="问题不存在或不在您的可见范围内"),
}


@extend_schema_view(
    list=extend_schema(summary="合规问题列表", parameters=[FindingFilterSerializer]),
    retrieve=extend_schema(summary="合规问题详情（依据条款、证据、整改期限、责任人）"),
)
class FindingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Findings of the accounts the user may see; the lifecycle actions call the compliance services."""

    scoped_model = Finding
    serializer_class = FindingSerializer
    lookup_value_converter = "int"

    def refine_queryset(self, queryset):
        return queryset.select_related("institution", "account", "account__responsible_unit")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.list_params(FindingFilterSerializer)
        if params.get("institution"):
            queryset = queryset.filter(institution__code=params["institution"])
        for key in ("state", "rule", "severity"):
            if params.get(key):
                queryset = queryset.filter(**{key: params[key]})
        if params.get("account"):
            queryset = queryset.filter(account_id=params["account"])
        if params.get("active"):
            queryset = queryset.active()
        if params.get("overdue"):
            queryset = queryset.overdue(as_of=timezone.localdate())
        return queryset

    def _done(self, finding) -> Response:
        return Response(self.get_serializer(finding).data)

    @extend_schema(summary="确认问题", request=FindingNoteSerializer, responses=FINDING_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None, **kwargs):
        body = FindingNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            compliance.finding_acknowledge(
                self.get_object(), by=request.user, note=body.validated_data["note"]
            )
        )

    @extend_schema(summary="报告整改", request=RectificationSerializer, responses=FINDING_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None, **kwargs):
        body = RectificationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            compliance.finding_rectify(self.get_object(), by=request.user, **body.validated_data)
        )

    @extend_schema(
        summary="核验整改并关闭（党委宣传部）",
        request=FindingNoteSerializer,
        responses=FINDING_ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None, **kwargs):
        body = FindingNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            compliance.finding_verify(self.get_object(), by=request.user, note=body.validated_data["note"])
        )

    @extend_schema(
        summary="退回整改（党委宣传部）", request=FindingNoteSerializer, responses=FINDING_ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"], url_path="reject")
    def reject(self, request, pk=None, **kwargs):
        body = FindingNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            compliance.finding_reject_rectification(
                self.get_object(), by=request.user, note=body.validated_data["note"]
            )
        )

    @extend_schema(
        summary="豁免问题（党委宣传部）", request=FindingNoteSerializer, responses=FINDING_ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None, **kwargs):
        body = FindingNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            compliance.finding_waive(self.get_object(), by=request.user, reason=body.validated_data["note"])
        )


@extend_schema_view(
    list=extend_schema(summary="处理决定列表"), retrieve=extend_schema(summary="处理决定详情")
)
class SanctionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Sanctions (责令整改、关停整改、注销账号) of the accounts the user may see."""

    scoped_model = Sanction
    serializer_class = SanctionSerializer
    lookup_value_converter = "int"

    def refine_queryset(self, queryset):
        return queryset.select_related("account", "account__responsible_unit").prefetch_related("findings")


@extend_schema_view(
    list=extend_schema(summary="月报表列表", parameters=[ReportFilterSerializer]),
    retrieve=extend_schema(summary="月报表详情"),
)
class ReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly reports (月报表) of the accounts the user may see, newest month first."""

    scoped_model = Report
    serializer_class = ReportSerializer
    lookup_value_converter = "int"

    def refine_queryset(self, queryset):
        queryset = queryset.monthly().select_related("account", "account__responsible_unit")
        if self.action == "list":
            params = self.list_params(ReportFilterSerializer)
            if params.get("period"):
                queryset = queryset.filter(period=parse_period(params["period"]))  # ReportError: 400
            if params.get("state"):
                queryset = queryset.filter(state=params["state"])
            if params.get("account"):
                queryset = queryset.filter(account_id=params["account"])
            if params.get("late"):
                queryset = queryset.late(today=timezone.localdate())
        return queryset.order_by("-period", "account__responsible_unit__path", "account__name", "id")
