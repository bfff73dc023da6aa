from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("namewatch/", views.namewatch, name="namewatch"),
    path("namewatch/<int:pk>/notice.docx", views.namewatch_notice, name="namewatch_notice"),
]
