from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/parse-url/", views.url_parse, name="url_parse"),
    path("accounts/export.xlsx", views.ledger_export, name="ledger_export"),
    path("accounts/import/", views.ledger_import, name="ledger_import"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/change/", views.filing_change, name="filing_change"),
    path("accounts/<int:pk>/cancel/", views.filing_cancel, name="filing_cancel"),
    path("filings/", views.filing_list, name="filing_list"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/decide/", views.filing_decide, name="filing_decide"),
    path("filings/<int:pk>/submit/", views.filing_submit, name="filing_submit"),
    path("filings/<int:pk>/withdraw/", views.filing_withdraw, name="filing_withdraw"),
    path("filings/<int:pk>/form.docx", views.filing_form_docx, name="filing_form_docx"),
]
