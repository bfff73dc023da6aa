from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("scan/", views.scan_now, name="scan_now"),
    path("export.xlsx", views.overview_export, name="overview_export"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/export.xlsx", views.unit_export, name="unit_export"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/export.xlsx", views.account_export, name="account_export"),
    path("accounts/<int:pk>/sanction/", views.sanction_issue, name="sanction_issue"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/acknowledge/", views.finding_acknowledge, name="finding_acknowledge"),
    path("findings/<int:pk>/rectify/", views.finding_rectify, name="finding_rectify"),
    path("findings/<int:pk>/verify/", views.finding_verify, name="finding_verify"),
    path("findings/<int:pk>/reject/", views.finding_reject, name="finding_reject"),
    path("findings/<int:pk>/waive/", views.finding_waive, name="finding_waive"),
    path("sanctions/<int:pk>/", views.sanction_detail, name="sanction_detail"),
    path("sanctions/<int:pk>/lift/", views.sanction_lift, name="sanction_lift"),
]
