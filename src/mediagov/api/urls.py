"""API routes: /api/accounts/, /api/filings/, /api/findings/, /api/sanctions/, /api/reports/, the OpenAPI schema and its Swagger UI (sidecar assets)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(use_regex_path=False)
router.register("accounts", views.AccountViewSet, basename="account")
router.register("filings", views.FilingViewSet, basename="filing")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("sanctions", views.SanctionViewSet, basename="sanction")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated]),
        name="docs",
    ),
    path("", include(router.urls)),
]
