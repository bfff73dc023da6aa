from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "mediagov.activity"
    label = "activity"
    verbose_name = "发布记录"
