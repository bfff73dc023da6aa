from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ActionLogQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class ActionLog(models.Model):
    """One entry of the audit trail (痕迹管理): who did what to which object, when, from where."""

    institution = models.ForeignKey(
        "org.Institution", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    obj = GenericForeignKey("content_type", "object_id")
    action = models.CharField("动作", max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    objects = ActionLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}"

    @property
    def label(self) -> str:
        from .audit import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)
