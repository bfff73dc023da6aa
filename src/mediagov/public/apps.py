from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "mediagov.public"
    verbose_name = "公众查询"
