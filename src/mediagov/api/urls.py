"""API routes: /api/accounts/, /api/filings/, /api/findings/, /api/sanctions/, /api/reports/, /api/reviews/ (先审后发), the OpenAPI schema and its Swagger UI (sidecar assets)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from mediagov.public import api as public_api

from . import reviews, views

app_name = "api"

router = DefaultRouter(use_regex_path=False)
router.register("accounts", views.AccountViewSet, basename="account")
router.register("filings", views.FilingViewSet, basename="filing")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("sanctions", views.SanctionViewSet, basename="sanction")
router.register("reports", views.ReportViewSet, basename="report")
router.register("reviews", reviews.ReviewViewSet, basename="review")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated]),
        name="docs",
    ),
    # Public (no login, rate-limited): mediagov.public.api
    path("public/institutions/", public_api.InstitutionsView.as_view(), name="public-institutions"),
    path("public/directory/", public_api.DirectoryView.as_view(), name="public-directory"),
    path("public/verify/", public_api.VerifyView.as_view(), name="public-verify"),
    path("", include(router.urls)),
]
