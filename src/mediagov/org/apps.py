from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "mediagov.org"
    verbose_name = "组织"
