from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "mediagov.dashboard"
    verbose_name = "工作台"
