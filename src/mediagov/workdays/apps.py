from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "mediagov.workdays"
    verbose_name = "工作日"
