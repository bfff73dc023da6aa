from django.urls import path

from . import chart_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    # activity dashboards (docs/dashboards.md)
    path("activity/", chart_views.institution_activity, name="activity"),
    path("activity/posts.xlsx", chart_views.activity_posts_xlsx, name="activity_posts_xlsx"),
    path("activity/risks.xlsx", chart_views.activity_risks_xlsx, name="activity_risks_xlsx"),
    path("activity/reports.xlsx", chart_views.activity_reports_xlsx, name="activity_reports_xlsx"),
    path("activity/units/<int:pk>/", chart_views.unit_activity, name="unit_activity"),
    path(
        "activity/units/<int:pk>/posts.xlsx",
        chart_views.unit_activity_posts_xlsx,
        name="unit_activity_posts_xlsx",
    ),
    path(
        "activity/units/<int:pk>/risks.xlsx",
        chart_views.unit_activity_risks_xlsx,
        name="unit_activity_risks_xlsx",
    ),
    path(
        "activity/units/<int:pk>/reports.xlsx",
        chart_views.unit_activity_reports_xlsx,
        name="unit_activity_reports_xlsx",
    ),
    path(
        "activity/accounts/<int:pk>/timeline.xlsx",
        chart_views.account_timeline_xlsx,
        name="account_timeline_xlsx",
    ),
]
