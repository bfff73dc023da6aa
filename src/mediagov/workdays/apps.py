from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "mediagov.workdays"
    verbose_name = "工作日"

    def ready(self) -> None:
        from . import signals  # noqa: F401
