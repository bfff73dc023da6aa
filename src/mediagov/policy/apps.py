from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "mediagov.policy"
    verbose_name = "政策包"
