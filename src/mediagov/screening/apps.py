from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "mediagov.screening"
    verbose_name = "内容筛查"
