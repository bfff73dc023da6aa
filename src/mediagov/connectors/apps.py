from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "mediagov.connectors"
    label = "connectors"
    verbose_name = "数据来源（订阅与平台接口）"

    def ready(self):
        from .base import load_connectors

        load_connectors()
