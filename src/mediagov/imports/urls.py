from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("posts/", views.post_upload, name="post_upload"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/confirm/", views.run_confirm, name="run_confirm"),
    path("<int:pk>/errors.csv", views.run_errors_csv, name="run_errors"),
]
