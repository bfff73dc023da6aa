from django.urls import path

from . import views

app_name = "activity"
urlpatterns = [
    path("posts/", views.post_list, name="post_list"),
    path("posts/import/", views.post_import, name="post_import"),
]
