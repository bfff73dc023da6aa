from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
]
