from django.urls import path

from . import report_views, views

app_name = "activity"
urlpatterns = [
    path("posts/", views.post_list, name="post_list"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/export/", report_views.report_month_export, name="report_month_export"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", report_views.report_submit, name="report_submit"),
    path("reports/<int:pk>/unit-opinion/", report_views.report_unit_opinion, name="report_unit_opinion"),
    path(
        "reports/<int:pk>/department-opinion/",
        report_views.report_department_opinion,
        name="report_department_opinion",
    ),
    path("reports/<int:pk>/docx/", report_views.report_docx_view, name="report_docx"),
    path("reports/<int:pk>/print/", report_views.report_print, name="report_print"),
]
