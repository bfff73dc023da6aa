from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "mediagov.registry"
    verbose_name = "帐号台账与备案"
