from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "mediagov.compliance"
    label = "compliance"
    verbose_name = "合规检查"
