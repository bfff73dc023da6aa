"""ImportRun: one upload of a file to import, from preview to the end (uploaded → previewed → running → done,
or failed). The file is kept under MEDIAGOV_IMPORT_DIR; the counts and the row errors are the preview's, then
the import's."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords


@deconstructible
class ImportStorage(FileSystemStorage):
    """Uploaded import files, under settings.MEDIAGOV_IMPORT_DIR (read at each use), never served."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(settings.MEDIAGOV_IMPORT_DIR)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


def _upload_to(run: "ImportRun", filename: str) -> str:
    """<institution>/<kind>/<yyyy-mm>/<random>.<ext>: the name the user gave is kept in `filename`."""
    suffix = Path(filename).suffix.lower()
    return f"{run.institution.code}/{run.kind}/{timezone.now():%Y-%m}/{uuid.uuid4().hex}{suffix}"


class ImportKind(models.TextChoices):
    POSTS = "posts", "发布记录"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", "已上传"
    PREVIEWED = "previewed", "已预检，待确认"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "未导入"


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user, institution):
        """The runs of `institution` that `user` may see: the department sees all, others their own."""
        from mediagov.core.scoping import is_department

        runs = self.filter(institution=institution)
        return runs if is_department(user, institution) else runs.filter(created_by=user)


class ImportRun(models.Model):
    institution = models.ForeignKey("org.Institution", on_delete=models.CASCADE, related_name="import_runs")
    kind = models.CharField("导入类型", max_length=20, choices=ImportKind.choices, default=ImportKind.POSTS)
    account = models.ForeignKey(
        "registry.MediaAccount",
        verbose_name="所属帐号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="平台后台导出的文件只含一个帐号的数据",
    )
    file = models.FileField("文件", upload_to=_upload_to, storage=ImportStorage(), max_length=300)
    filename = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    layout = models.CharField("文件格式", max_length=20, blank=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    state = FSMField("状态", default=ImportState.UPLOADED, choices=ImportState.choices, protected=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    existing_count = models.PositiveIntegerField("已存在", default=0)
    duplicate_count = models.PositiveIntegerField("文件内重复", default=0)
    error_rows = models.PositiveIntegerField("有错误的行", default=0)
    error_count = models.PositiveIntegerField("问题数", default=0)
    errors = models.JSONField("问题", default=list, blank=True)  # [[row, column, message], ...] (capped)
    message = models.TextField("说明", blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField("上传时间", auto_now_add=True)
    started = models.DateTimeField("开始导入", null=True, blank=True)
    finished = models.DateTimeField("完成时间", null=True, blank=True)

    history = HistoricalRecords()
    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "导入"
        verbose_name_plural = "导入"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}导入 {self.filename}"

    # -- derived state (no database) --
    @property
    def can_confirm(self) -> bool:
        return self.state == ImportState.PREVIEWED and not self.error_rows and not self.message

    @property
    def is_running(self) -> bool:
        return self.state == ImportState.RUNNING

    @property
    def layout_label(self) -> str:
        from mediagov.activity.imports import LAYOUTS

        layout = LAYOUTS.get(self.layout)
        return layout.label if layout else ""

    @property
    def more_errors(self) -> int:
        """Problems found but not kept (an import keeps the first MAX_ERRORS)."""
        return max(self.error_count - len(self.errors), 0)

    # -- transitions --
    @transition(field=state, source=ImportState.UPLOADED, target=ImportState.PREVIEWED)
    def previewed(self):
        pass

    @transition(
        field=state,
        source=ImportState.PREVIEWED,
        target=ImportState.RUNNING,
        conditions=[lambda run: run.can_confirm],
    )
    def confirm(self):
        pass

    @transition(field=state, source=ImportState.RUNNING, target=ImportState.DONE)
    def finish(self):
        pass

    @transition(field=state, source=[ImportState.UPLOADED, ImportState.RUNNING], target=ImportState.FAILED)
    def fail(self):
        pass
