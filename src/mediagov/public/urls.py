"""Public pages (no login): /public/, /public/<code>/, /public/<code>/verify/."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.directory, name="directory"),
    path("<slug:code>/verify/", views.verify, name="verify"),
]
