"""Import runs: upload → preview (nothing written) → confirm → the import as a background job.

`import_run_upload` stores the file and `import_run_preview` checks it with a dry run of the import service
(counts and row errors, nothing written). `import_run_confirm` moves a clean preview to `running` and enqueues
`imports.run_execute` after the commit; the task (`import_run_execute`) claims the run with a conditional
UPDATE, runs the import (all or nothing), and records the outcome. Progress is written to a small file beside
the uploads while the import's transaction is open (a row update would not be seen until it commits) and read
by `import_run_progress` for the page's progress bar.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from mediagov.activity.imports import PostImportResult, post_import
from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError, ImportFileError
from mediagov.core.tabular import _human_size
from mediagov.org.models import Institution
from mediagov.registry.models import MediaAccount

from .models import ImportKind, ImportRun, ImportState

log = logging.getLogger(__name__)

# Percent of the bar for reading, checking and staging the rows; the rest is the one sorted insert and the
# commit, about 40 % of a large import's time (docs/performance.md), shown as "writing".
PROGRESS_READ_SHARE = 60


class ImportRunError(DomainError):
    pass


def _record(run: ImportRun, result: PostImportResult | None) -> None:
    if result is None:
        return
    run.rows = result.rows
    run.created_count = result.created
    run.existing_count = result.skipped_existing
    run.duplicate_count = result.duplicates
    run.error_rows = result.error_rows
    run.layout = result.layout or run.layout
    run.encoding = result.encoding or run.encoding


def _record_error(run: ImportRun, exc: ImportFileError) -> None:
    run.errors = [list(e) for e in exc.errors]
    run.error_count = getattr(exc, "error_count", len(exc.errors))
    result = getattr(exc, "result", None)
    _record(run, result)
    if result is None or not result.error_rows:
        run.message = exc.message  # a problem with the file as a whole
    else:
        run.message = ""
        run.error_rows = result.error_rows


def import_run_upload(
    *,
    institution: Institution,
    upload: UploadedFile,
    user,
    account: MediaAccount | None = None,
    kind: str = ImportKind.POSTS,
) -> ImportRun:
    """Store an uploaded file as a new run (state `uploaded`). Refuses files over MEDIAGOV_IMPORT_MAX_BYTES."""
    limit = settings.MEDIAGOV_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportFileError(f"文件过大（{_human_size(upload.size)}），上限为{_human_size(limit)}")
    if account is not None and account.institution_id != institution.pk:
        raise ImportRunError("所选帐号不属于本校")
    with transaction.atomic():
        run = ImportRun(
            institution=institution,
            kind=kind,
            account=account,
            filename=os.path.basename(upload.name or "")[:255],
            size=upload.size,
            created_by=user,
        )
        run.file.save(run.filename or "upload", upload, save=False)
        run.save()
        log_action(run, "import.uploaded", user=user, data={"file": run.filename, "size": run.size})
    return run


def import_run_preview(*, run: ImportRun) -> ImportRun:
    """Check the run's file with a dry run: counts (new, already imported, duplicates) and row errors.
    A clean file is `previewed` (it may be confirmed); a file with any error is `failed`."""
    if run.state != ImportState.UPLOADED:
        raise ImportRunError("该文件已预检")
    try:
        with run.file.open("rb") as source:
            result = post_import(
                institution=run.institution,
                path=source,
                filename=run.filename,
                account=run.account,
                user=run.created_by,
                dry_run=True,
                max_bytes=settings.MEDIAGOV_IMPORT_MAX_BYTES,
            )
    except ImportFileError as exc:
        _record_error(run, exc)
        run.fail()
        run.finished = timezone.now()
    else:
        _record(run, result)
        run.previewed()
    with transaction.atomic():
        run.save()
        log_action(
            run,
            "import.previewed" if run.state == ImportState.PREVIEWED else "import.failed",
            user=run.created_by,
            data=_summary(run),
        )
    return run


def import_run_confirm(*, run: ImportRun, user) -> ImportRun:
    """Confirm a clean preview: the run is `running` and the import is enqueued once this commits."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not run.can_confirm:
            raise ImportRunError(
                "预检未通过，不能导入"
                if run.state in (ImportState.PREVIEWED, ImportState.FAILED)
                else "该导入已确认"
            )
        run.confirm()
        run.progress = 0
        run.save()
        log_action(run, "import.confirmed", user=user, data={"file": run.filename})
        transaction.on_commit(lambda: _enqueue(run.pk))
    _progress_write(run.pk, 0, 0)
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import run_execute

    run_execute.delay(run_id)


def import_run_execute(*, run_id: int) -> ImportRun | None:
    """Run a confirmed import (the Celery task's body). Claims the run with a conditional UPDATE, so two
    workers never run it twice; returns None when another worker has it, or it is not confirmed."""
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportState.RUNNING, started__isnull=True).update(
        started=timezone.now()
    )
    if not claimed:
        return None
    run = ImportRun.objects.select_related("institution", "account", "created_by").get(pk=run_id)
    total = run.rows or 0

    def progress(rows: int, fraction: float | None) -> None:
        if fraction is None:
            fraction = rows / total if total else 0.0
        _progress_write(run.pk, int(min(fraction, 1.0) * PROGRESS_READ_SHARE), rows)

    try:
        with run.file.open("rb") as source:
            result = post_import(
                institution=run.institution,
                path=source,
                filename=run.filename,
                account=run.account,
                user=run.created_by,
                progress=progress,
            )
    except ImportFileError as exc:
        _record_error(run, exc)
        run.fail()
    except Exception as exc:
        log.exception("import run %s failed", run.pk)
        run.message = f"导入时发生内部错误，未导入任何数据（{type(exc).__name__}），请联系管理员"
        run.fail()
    else:
        _record(run, result)
        run.errors, run.error_count, run.message = [], 0, ""
        run.progress = 100
        run.finish()
    run.finished = timezone.now()
    with transaction.atomic():
        run.save()
        log_action(
            run,
            "import.done" if run.state == ImportState.DONE else "import.failed",
            user=run.created_by,
            data=_summary(run),
        )
    _progress_path(run.pk).unlink(missing_ok=True)
    return run


def _summary(run: ImportRun) -> dict:
    return {
        "file": run.filename,
        "layout": run.layout,
        "rows": run.rows,
        "created": run.created_count,
        "skipped_existing": run.existing_count,
        "duplicates": run.duplicate_count,
        "error_rows": run.error_rows,
        **({"message": run.message} if run.message else {}),
    }


# --- progress ---------------------------------------------------------------------------------------------


@dataclass
class Progress:
    percent: int
    rows: int

    @property
    def writing(self) -> bool:
        """Every row is read and checked; the database is inserting them and committing."""
        return PROGRESS_READ_SHARE <= self.percent < 100


def _progress_path(run_id: int) -> Path:
    return Path(settings.MEDIAGOV_IMPORT_DIR) / "progress" / f"{run_id}.json"


def _progress_write(run_id: int, percent: int, rows: int) -> None:
    path = _progress_path(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"percent": percent, "rows": rows}), encoding="utf-8")
    os.replace(tmp, path)


def import_run_progress(run: ImportRun) -> Progress:
    """How far a run is: from the progress file while it runs, from the run when it is over."""
    if run.state == ImportState.RUNNING:
        try:
            data = json.loads(_progress_path(run.pk).read_text(encoding="utf-8"))
            return Progress(int(data["percent"]), int(data["rows"]))
        except (OSError, ValueError, KeyError):
            return Progress(0, 0)
    if run.state == ImportState.DONE:
        return Progress(100, run.rows)
    return Progress(run.progress, 0)
