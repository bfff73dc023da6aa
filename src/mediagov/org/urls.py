from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/import/", views.person_import, name="person_import"),
    path("units/", views.unit_list, name="unit_list"),
]
