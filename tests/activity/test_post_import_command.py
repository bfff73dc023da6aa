"""`mediagov import posts FILE --institution CODE [--dry-run]`: output, exit status, the console script."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mediagov.activity.models import Post

from .builders import csv_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WX = ["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", "迎新季", "", ""]
WEIBO = ["微博", "1234567890", "2026-10-05", "秋季运动会", "", ""]


def write(tmp_path, rows, name="posts.csv", **kwargs) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, **kwargs))
    return path


def test_import_then_again(w, tmp_path, capsys):
    path = write(tmp_path, [WX, WEIBO, WX])
    call_command("import_data", "posts", str(path), "--institution", "dut")
    out = capsys.readouterr().out
    assert "新增 2 条，已存在 0 条" in out and "文件内重复 1 行（只计一次）" in out
    call_command("import_data", "posts", str(path), "--institution", "dut")
    assert "新增 0 条，已存在 2 条" in capsys.readouterr().out
    assert Post.objects.count() == 2


def test_dry_run(w, tmp_path, capsys):
    path = write(tmp_path, [WX])
    call_command("import_data", "posts", str(path), "--institution", "dut", "--dry-run")
    out = capsys.readouterr().out
    assert "试运行：检查通过，未写入数据库" in out and "新增 1 条，已存在 0 条" in out
    assert Post.objects.count() == 0


def test_ignored_headers_are_listed(w, tmp_path, capsys):
    path = write(
        tmp_path, [WX + ["9"]], headers=["平台", "帐号ID", "发布时间", "标题", "链接", "正文", "阅读量"]
    )
    call_command("import_data", "posts", str(path), "--institution", "dut")
    assert "已忽略未识别的列：阅读量" in capsys.readouterr().out


def test_every_error_on_stderr_and_exit_1(w, tmp_path, capsys):
    bad = [
        WX,
        ["微博", "999", "2026-10-05", "无此帐号", "", ""],
        ["微博", "1234567890", "昨天", "", "", ""],
    ]
    path = write(tmp_path, bad, name="bad.csv")
    with pytest.raises(SystemExit) as exc:
        call_command("import_data", "posts", str(path), "--institution", "dut")
    assert exc.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "bad.csv：第3行“帐号ID”：未找到已登记的微博帐号“999”，请核对帐号ID或先在帐号台账中登记该帐号",
        "bad.csv：第4行“发布时间”：无法识别的时间“昨天”，请使用2026-10-03 08:00、2026/10/3 8:00或2026-10-03（即0点）格式",
        "bad.csv：第4行“标题”：不能为空",
    ]
    assert Post.objects.count() == 0


def test_empty_file_exits_1(w, tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exc:
        call_command("import_data", "posts", str(path), "--institution", "dut")
    assert exc.value.code == 1
    assert capsys.readouterr().err.splitlines() == ["empty.csv：文件为空"]


def test_unknown_institution_and_missing_file(w, tmp_path):
    path = write(tmp_path, [WX])
    with pytest.raises(CommandError, match="未找到代码为“nope”的学校"):
        call_command("import_data", "posts", str(path), "--institution", "nope")
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_data", "posts", str(tmp_path / "none.csv"), "--institution", "dut")


SETUP = """
from mediagov.org.models import Institution, Person, Unit
from mediagov.registry.models import MediaAccount
inst = Institution.objects.create(code="dut", name="大连理工大学")
unit = Unit.objects.create(institution=inst, code="chem", name="化工学院")
for platform, platform_id, handle in [
    ("wechat", "gh_0123456789ab", "gh_0123456789ab"),
    ("weibo", "1234567890", "1234567890"),
    ("bilibili", "12345", "12345"),
]:
    MediaAccount.objects.create(
        institution=inst, name=platform, platform=platform, platform_id=platform_id, handle=handle,
        responsible_unit=unit, owner=unit.name,
    )
"""


def test_console_script(tmp_path):
    mediagov = Path(sys.executable).with_name("mediagov")
    if not mediagov.exists():
        pytest.skip("the mediagov console script is not installed")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        MEDIAGOV_VAR_DIR=str(tmp_path / "var"),
        PYTHONIOENCODING="utf-8",
    )

    def mediagov_run(*args):
        return subprocess.run(
            [str(mediagov), *args], env=env, capture_output=True, text=True, encoding="utf-8", timeout=300
        )

    for args in (["migrate", "--noinput"], ["shell", "-c", SETUP]):
        step = mediagov_run(*args)
        assert step.returncode == 0, step.stderr
    posts = FIXTURES / "posts-gbk.csv"
    done = mediagov_run("import", "posts", str(posts), "--institution", "dut")
    assert done.returncode == 0, done.stderr
    assert "新增 3 条，已存在 0 条" in done.stdout
    again = mediagov_run("import", "posts", str(posts), "--institution", "dut")
    assert again.returncode == 0 and "新增 0 条，已存在 3 条" in again.stdout

    bad = write(tmp_path, [["微博", "999", "2026-10-05", "无此帐号", "", ""]], name="bad.csv")
    failed = mediagov_run("import", "posts", str(bad), "--institution", "dut")
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        "bad.csv：第2行“帐号ID”：未找到已登记的微博帐号“999”，请核对帐号ID或先在帐号台账中登记该帐号"
    ]


# --- back-office exports and progress -------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def test_export_with_account(w, capsys):
    sample = SAMPLES / "posts-wechat-sample.csv"
    args = ["import_data", "posts", str(sample), "--institution", "dut"]
    call_command(*args, "--account", "wechat:gh_0123456789AB")
    out = capsys.readouterr().out
    assert (
        "文件格式：微信公众号后台“发表记录”导出（帐号：化工学院）" in out and "新增 3 条，已存在 0 条" in out
    )
    assert Post.objects.filter(account=w.wx).count() == 3
    with pytest.raises(SystemExit):
        call_command(*args)  # no --account
    assert "请指定它属于哪个帐号（网页上选择帐号；命令行用 --account 平台:帐号ID）" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command(*args, "--account", "微博:1234567890")
    assert "所选帐号“机械工程学院”是微博帐号，而该文件是微信公众号后台" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command(*args, "--account", "gh_0123456789ab")
    assert "请写成 平台:帐号ID" in capsys.readouterr().err


def test_progress_on_stderr(w, tmp_path, capsys, monkeypatch):
    from mediagov.activity import imports

    monkeypatch.setattr(imports, "STAGE_CHUNK", 10)
    body = "正文" * 100  # 600 bytes a row: the file is read in many blocks
    rows = [["微信公众号", "gh_0123456789ab", "2026-10-03 08:00", f"第{i}条", "", body] for i in range(100)]
    path = write(tmp_path, rows)
    call_command("import_data", "posts", str(path), "--institution", "dut")
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines and all(line.startswith("导入进度：") for line in lines)
    percents = [int(line[5:8]) for line in lines]
    assert percents == sorted(set(percents)) and percents[-1] == 100 and len(percents) > 3
    assert "已读取 100 行" in lines[-1] and lines[-1].endswith("，正在写入数据库…")
    assert "新增 100 条，已存在 0 条" in captured.out
    call_command("import_data", "posts", str(path), "--institution", "dut", "--dry-run")
    assert capsys.readouterr().err.splitlines()[-1].endswith("，正在核对已有记录…")
    call_command("import_data", "posts", str(path), "--institution", "dut", "--no-progress")
    assert capsys.readouterr().err == ""
