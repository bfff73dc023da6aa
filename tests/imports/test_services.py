"""Import runs: upload and preview write nothing; confirm enqueues; the task imports all or nothing, once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mediagov.activity import imports as post_imports
from mediagov.activity.models import Post
from mediagov.core.errors import ImportFileError
from mediagov.core.models import ActionLog
from mediagov.imports import services
from mediagov.imports.models import ImportRun, ImportState
from mediagov.imports.services import ImportRunError, import_run_progress
from mediagov.imports.tasks import run_execute

from ..activity.builders import csv_bytes
from .builders import WECHAT_SAMPLE

WX = ["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "迎新季", "", ""]
WX2 = ["公众号", "gh_0123456789AB", "2026/10/8 20:30", "返校须知", "", ""]
WEIBO = ["微博", "1234567890", "2026-10-05", "秋季运动会", "", ""]
BAD = ["微博", "1234567890", "昨天", "时间不对", "", ""]


def upload(w, data: bytes, name="posts.csv", user=None, account=None) -> ImportRun:
    return services.import_run_upload(
        institution=w.dut,
        upload=SimpleUploadedFile(name, data),
        user=user or w.xuan,
        account=account,
    )


def previewed(w, data: bytes, **kwargs) -> ImportRun:
    return services.import_run_preview(run=upload(w, data, **kwargs))


def actions(run) -> list[str]:
    logs = ActionLog.objects.filter(content_type__model="importrun", object_id=str(run.pk))
    return list(logs.order_by("pk").values_list("action", flat=True))


def test_upload_keeps_the_file_under_the_import_dir(w, import_dir):
    run = upload(w, csv_bytes([WX]), name="十月发布记录.csv")
    assert run.state == ImportState.UPLOADED and run.filename == "十月发布记录.csv"
    path = import_dir / run.file.name
    assert path.is_file() and path.read_bytes() == csv_bytes([WX])
    assert run.file.name.startswith("dut/posts/") and run.file.name.endswith(".csv")
    assert actions(run) == ["import.uploaded"]
    with pytest.raises(ValueError):
        run.file.url  # noqa: B018  (never served)


def test_upload_size_limit(w, settings):
    settings.MEDIAGOV_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError, match="文件过大（.*），上限为10 字节"):
        upload(w, csv_bytes([WX]))
    assert not ImportRun.objects.exists()


def test_preview_counts_and_writes_nothing(w):
    services.import_run_preview(run=upload(w, csv_bytes([WX])))
    services.import_run_confirm(run=ImportRun.objects.get(), user=w.xuan)
    services.import_run_execute(run_id=ImportRun.objects.get().pk)
    run = previewed(w, csv_bytes([WX, WX2, WX2, WEIBO]))
    assert run.state == ImportState.PREVIEWED and run.can_confirm
    assert (run.rows, run.created_count, run.existing_count, run.duplicate_count, run.error_rows) == (
        4,
        2,
        1,
        1,
        0,
    )
    assert (run.layout, run.encoding) == ("generic", "utf-8")
    assert Post.objects.count() == 1
    assert actions(run) == ["import.uploaded", "import.previewed"]
    assert run.history.count() == 2  # created, previewed


def test_preview_with_errors_fails_and_cannot_be_confirmed(w):
    run = previewed(w, csv_bytes([WX, BAD, WEIBO]))
    assert run.state == ImportState.FAILED and not run.can_confirm
    assert run.errors == [
        [
            3,
            "发布时间",
            "无法识别的时间“昨天”，请使用2026-10-03 08:00、2026/10/3 8:00或2026-10-03（即0点）格式",
        ]
    ]
    assert (run.rows, run.created_count, run.error_rows, run.error_count, run.message) == (3, 2, 1, 1, "")
    with pytest.raises(ImportRunError, match="预检未通过，不能导入"):
        services.import_run_confirm(run=run, user=w.xuan)
    assert Post.objects.count() == 0
    assert actions(run) == ["import.uploaded", "import.failed"]


def test_preview_of_an_unusable_file_records_why(w):
    run = previewed(w, "日期,阅读量\n2026-10-03,1\n".encode())
    assert run.state == ImportState.FAILED
    assert run.message.startswith("无法识别文件格式")
    assert len(run.errors) == 4  # what each layout needs
    run = previewed(w, WECHAT_SAMPLE.read_bytes())  # an export without its account
    assert run.state == ImportState.FAILED and "请指定它属于哪个帐号" in run.message


def test_preview_of_an_export_for_its_account(w):
    run = previewed(w, WECHAT_SAMPLE.read_bytes(), name="群发记录.csv", account=w.wx)
    assert (run.state, run.layout, run.created_count) == (ImportState.PREVIEWED, "wechat", 3)


def test_confirm_then_the_task_imports_everything(w, django_capture_on_commit_callbacks):
    run = previewed(w, csv_bytes([WX, WX2, WEIBO]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.import_run_confirm(run=run, user=w.xuan)
    assert run.state == ImportState.RUNNING and len(callbacks) == 1  # enqueued once committed
    assert import_run_progress(run).percent == 0
    assert Post.objects.count() == 0
    done = services.import_run_execute(run_id=run.pk)
    assert done.state == ImportState.DONE and done.progress == 100
    assert (done.created_count, done.existing_count) == (3, 0)
    assert done.started and done.finished and done.finished >= done.started
    assert Post.objects.count() == 3
    assert actions(run) == ["import.uploaded", "import.previewed", "import.confirmed", "import.done"]
    assert ActionLog.objects.filter(action="post.imported").count() == 1
    assert import_run_progress(done) == services.Progress(100, 3)
    with pytest.raises(ImportRunError, match="该导入已确认"):
        services.import_run_confirm(run=done, user=w.xuan)


def test_a_run_runs_once(w):
    run = services.import_run_confirm(run=previewed(w, csv_bytes([WX])), user=w.xuan)
    assert services.import_run_execute(run_id=run.pk).state == ImportState.DONE
    assert services.import_run_execute(run_id=run.pk) is None  # claimed already
    assert run_execute.apply(args=[run.pk]).get() == {"run": run.pk, "claimed": False}
    assert Post.objects.count() == 1


def test_the_import_is_all_or_nothing(w):
    """The file changed on disk after its preview (or the data did): nothing is written, the run fails."""
    run = services.import_run_confirm(run=previewed(w, csv_bytes([WX, WEIBO])), user=w.xuan)
    with open(run.file.path, "wb") as f:
        f.write(csv_bytes([WX, WEIBO, BAD]))
    failed = services.import_run_execute(run_id=run.pk)
    assert failed.state == ImportState.FAILED and failed.error_rows == 1
    assert failed.errors[0][:2] == [4, "发布时间"]
    assert Post.objects.count() == 0
    assert actions(run)[-1] == "import.failed"


def test_reimporting_the_same_file_adds_nothing(w):
    for _ in range(2):
        run = services.import_run_confirm(run=previewed(w, csv_bytes([WX, WEIBO])), user=w.xuan)
        services.import_run_execute(run_id=run.pk)
    runs = list(ImportRun.objects.order_by("pk").values_list("created_count", "existing_count"))
    assert runs == [(2, 0), (0, 2)]
    assert Post.objects.count() == 2


def test_progress_is_written_while_the_import_runs(w, monkeypatch):
    monkeypatch.setattr(post_imports, "STAGE_CHUNK", 2)
    rows = [
        ["微信公众号", "gh_0123456789ab", f"2026-10-0{1 + i % 9} 08:00", f"第{i}条", "", ""] for i in range(9)
    ]
    run = services.import_run_confirm(run=previewed(w, csv_bytes(rows)), user=w.xuan)
    seen = []
    write = services._progress_write

    def spy(run_id, percent, rows):
        seen.append((percent, rows))
        write(run_id, percent, rows)
        if run_id == run.pk:  # what the page would read in the middle of the import
            seen.append(import_run_progress(ImportRun.objects.get(pk=run_id)))

    monkeypatch.setattr(services, "_progress_write", spy)
    services.import_run_execute(run_id=run.pk)
    written = [s for s in seen if isinstance(s, tuple)]
    assert [r for _, r in written] == [2, 4, 6, 8, 9]
    percents = [p for p, _ in written]
    assert percents == sorted(percents) and percents[-1] == services.PROGRESS_READ_SHARE
    assert [p.rows for p in seen if isinstance(p, services.Progress)] == [2, 4, 6, 8, 9]
    assert import_run_progress(ImportRun.objects.get(pk=run.pk)) == services.Progress(100, 9)


def test_the_celery_task_path(w, django_capture_on_commit_callbacks, eager_celery):
    run = previewed(w, csv_bytes([WX, WEIBO]))
    with django_capture_on_commit_callbacks(execute=True):
        services.import_run_confirm(run=run, user=w.xuan)
    run = ImportRun.objects.get(pk=run.pk)
    assert run.state == ImportState.DONE and run.created_count == 2
    assert Post.objects.count() == 2


def test_the_task_reports_its_run(w):
    run = services.import_run_confirm(run=previewed(w, csv_bytes([WX])), user=w.xuan)
    outcome = run_execute.apply(args=[run.pk]).get()
    assert outcome["claimed"] and outcome["state"] == "done" and outcome["created"] == 1


def test_unit_staff_previews_only_their_accounts(w):
    run = previewed(w, csv_bytes([WX, WEIBO]), user=w.chem_op)
    assert run.state == ImportState.FAILED
    assert run.errors == [[3, "帐号ID", "无权导入该帐号的发布记录"]]
    ok = previewed(w, WECHAT_SAMPLE.read_bytes(), user=w.chem_op, account=w.wx)
    assert ok.state == ImportState.PREVIEWED


def test_visible_to(w):
    mine = upload(w, csv_bytes([WX]), user=w.chem_op)
    theirs = upload(w, csv_bytes([WEIBO]), user=w.mech_op)
    assert set(ImportRun.objects.visible_to(w.chem_op, w.dut)) == {mine}
    assert set(ImportRun.objects.visible_to(w.xuan, w.dut)) == {mine, theirs}
    assert set(ImportRun.objects.visible_to(w.yufe_xuan, w.yufe)) == set()
