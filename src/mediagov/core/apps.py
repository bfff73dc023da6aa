from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mediagov.core"
    verbose_name = "基础"
