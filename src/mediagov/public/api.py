"""Public API (no login): the institutions, an institution's directory and the "is this official?" check.

No authentication (so no session or CSRF), AllowAny, and a per-address rate (`PublicRateThrottle`). The
answers are the pages' answers (`mediagov.public.services`), with the same public fields only.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mediagov.org.models import Institution
from mediagov.registry.models import AccountStatus
from mediagov.registry.platforms import Platform

from . import services
from .throttles import THROTTLED_MESSAGE, PublicRateThrottle


class PublicAccountSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="帐号名称")
    platform = serializers.ChoiceField(choices=Platform.choices, help_text="平台代码")
    platform_label = serializers.CharField(help_text="平台（中文）")
    platform_id = serializers.CharField(help_text="原始ID/帐号ID")
    url = serializers.CharField(help_text="主页链接")
    unit = serializers.CharField(help_text="责任单位")
    status = serializers.ChoiceField(choices=AccountStatus.choices, help_text="状态代码")
    status_label = serializers.CharField(help_text="状态（运营中、整改中、关停整改、已注销）")
    verified = serializers.BooleanField(help_text="是否认证")
    last_activity = serializers.DateField(allow_null=True, help_text="最近一次发布的日期")


class PublicInstitutionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class DirectorySerializer(serializers.Serializer):
    institution = PublicInstitutionSerializer()
    count = serializers.IntegerField()
    accounts = PublicAccountSerializer(many=True)


class VerifySerializer(serializers.Serializer):
    query = serializers.CharField()
    verdict = serializers.ChoiceField(
        choices=["official", "cancelled", "ambiguous", "not_found"],
        help_text="official 官方帐号；cancelled 已注销；ambiguous 无完全一致者，accounts 为名称相近的帐号；"
        "not_found 未找到备案记录",
    )
    official = serializers.BooleanField()
    message = serializers.CharField()
    matched_by = serializers.CharField(help_text="url、platform_id、name，或空")
    accounts = PublicAccountSerializer(many=True)
    institution = PublicInstitutionSerializer()


class PublicErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


INSTITUTION = OpenApiParameter("institution", str, required=True, description="学校代码（如 dut、yufe）")


def _institution_json(inst: Institution) -> dict:
    return {"code": inst.code, "name": inst.name, "short_name": inst.short_name}


class PublicAPIView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    pagination_class = None

    def throttled(self, request, wait):
        raise Throttled(wait, detail=THROTTLED_MESSAGE)

    def institution(self, request) -> Institution | Response:
        code = request.query_params.get("institution", "").strip()
        if not code:
            return Response({"detail": "请提供 institution（学校代码）参数"}, status=400)
        inst = Institution.objects.filter(code=code).first()
        if inst is None:
            return Response({"detail": f"没有代码为“{code}”的学校"}, status=404)
        return inst


class InstitutionsView(PublicAPIView):
    @extend_schema(
        operation_id="public_institutions",
        summary="公开：学校列表",
        auth=[],
        responses={200: PublicInstitutionSerializer(many=True)},
        tags=["public"],
    )
    def get(self, request):
        return Response([_institution_json(i) for i in services.public_institutions()])


class DirectoryView(PublicAPIView):
    @extend_schema(
        operation_id="public_directory",
        summary="公开：学校的官方帐号目录",
        description="经备案审批、仍在运营（运营中、整改中、关停整改）的帐号，按责任单位、平台排序。",
        auth=[],
        parameters=[
            INSTITUTION,
            OpenApiParameter("platform", str, description="平台代码，如 wechat、weibo"),
            OpenApiParameter("q", str, description="名称、单位或帐号ID中包含的文字"),
        ],
        responses={
            200: DirectorySerializer,
            400: PublicErrorSerializer,
            404: PublicErrorSerializer,
            429: OpenApiResponse(PublicErrorSerializer, description="访问过于频繁"),
        },
        tags=["public"],
    )
    def get(self, request):
        inst = self.institution(request)
        if isinstance(inst, Response):
            return inst
        rows = services.directory_accounts(
            inst,
            platform=request.query_params.get("platform", "").strip(),
            q=request.query_params.get("q", "").strip(),
        )
        return Response(
            {
                "institution": _institution_json(inst),
                "count": len(rows),
                "accounts": [r.as_dict() for r in rows],
            }
        )


class VerifyView(PublicAPIView):
    @extend_schema(
        operation_id="public_verify",
        summary="公开：查验帐号是否为学校备案的官方帐号",
        description="q 可为帐号主页链接、帐号ID或帐号名称（不区分全角半角、大小写、繁简与空格）。",
        auth=[],
        parameters=[
            INSTITUTION,
            OpenApiParameter("q", str, required=True, description="主页链接、帐号ID或帐号名称"),
        ],
        responses={
            200: VerifySerializer,
            400: PublicErrorSerializer,
            404: PublicErrorSerializer,
            429: OpenApiResponse(PublicErrorSerializer, description="访问过于频繁"),
        },
        tags=["public"],
    )
    def get(self, request):
        inst = self.institution(request)
        if isinstance(inst, Response):
            return inst
        q = request.query_params.get("q", "").strip()
        if not q:
            return Response({"detail": "请提供 q 参数（主页链接、帐号ID或帐号名称）"}, status=400)
        body = services.account_verify(inst, q).as_dict()
        body["institution"] = _institution_json(inst)
        return Response(body)
