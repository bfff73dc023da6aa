from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from mediagov.core.views import switch_institution

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:home", permanent=False)),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch-institution/", switch_institution, name="switch_institution"),
    path("registry/", include("mediagov.registry.urls")),
    path("activity/", include("mediagov.activity.urls")),
    path("imports/", include("mediagov.imports.urls")),
    path("org/", include("mediagov.org.urls")),
    path("calendar/", include("mediagov.workdays.urls")),
    path("dashboard/", include("mediagov.dashboard.urls")),
    path("compliance/", include("mediagov.compliance.urls")),
    path("screening/", include("mediagov.screening.urls")),
    path("notifications/", include("mediagov.notifications.urls")),
    path("connectors/", include("mediagov.connectors.urls")),
    path("public/", include("mediagov.public.urls")),
    path("api/", include("mediagov.api.urls")),
    path("admin/", admin.site.urls),
]
