from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mediagov.api"
    verbose_name = "API"
