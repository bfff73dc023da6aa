from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mediagov.notifications"
    label = "notifications"
    verbose_name = "提醒与通知"
