from django.urls import path

from . import views

app_name = "connectors"

urlpatterns = [
    path("", views.source_list, name="source_list"),
    path("new/", views.source_create, name="source_create"),
    path("<int:pk>/", views.source_edit, name="source_edit"),
    path("<int:pk>/run/", views.source_run, name="source_run"),
]
