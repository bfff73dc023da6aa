"""The `mediagov calendar` command. `calendar due` is a contract used by outside checks: keep it exact."""

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mediagov.workdays.models import CalendarYear, WorkdayOverride


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["2025-09-30", "--working-days", "3"], "2025-10-11\n"),
        (["2026-02-12", "--working-days", "3"], "2026-02-24\n"),
        (["2025-09-30", "--calendar-days", "3"], "2025-10-03\n"),
        (["2025-09-30", "--weeks", "2"], "2025-10-14\n"),
        (["2025-10-09", "--working-days", "1", "--before"], "2025-09-30\n"),
        (["2025-10-09", "--working-days", "-1"], "2025-09-30\n"),
        (["2025-10-01", "--working-days", "0"], "2025-10-01\n"),
    ],
)
def test_due_prints_the_date(args, expected):
    assert run("due", *args) == expected


@pytest.mark.django_db
def test_due_json():
    out = run("due", "2025-09-30", "--working-days", "3", "--json")
    assert out == '{"due": "2025-10-11"}\n'
    assert json.loads(out) == {"due": "2025-10-11"}


@pytest.mark.django_db
def test_due_for_a_year_without_data_fails_naming_it():
    with pytest.raises(CommandError) as caught:
        run("due", "2026-12-30", "--working-days", "3")
    assert "2027年的节假日安排尚未导入" in str(caught.value)
    assert caught.value.returncode == 1


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2025-13-01", "2025-02-30", "20250930", "昨天"])
def test_due_with_a_bad_date_fails_in_chinese(bad):
    with pytest.raises(CommandError) as caught:
        run("due", bad, "--working-days", "3")
    assert f"日期“{bad}”无效" in str(caught.value)


@pytest.mark.django_db
def test_due_needs_exactly_one_amount():
    with pytest.raises(CommandError):
        run("due", "2025-09-30")
    with pytest.raises(CommandError):
        run("due", "2025-09-30", "--working-days", "3", "--weeks", "1")


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_then_due_in_2027(tmp_path, notice_2027, encoding):
    path = tmp_path / "notice.txt"
    path.write_bytes(notice_2027.encode(encoding))
    out = run("import", str(path))
    assert "已导入2027年" in out
    assert "放假11天" in out
    assert "调休上班1天" in out
    assert CalendarYear.objects.get(year=2027).source == "notice.txt"
    assert run("due", "2026-12-30", "--working-days", "3") == "2027-01-05\n"


@pytest.mark.django_db
def test_import_of_a_bad_file_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("YEAR 2027\nWORKDAY 2027-02-20 Sun 春节\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import", str(path))
    assert "第2行" in str(caught.value)
    assert "bad.txt" in str(caught.value)
    assert WorkdayOverride.objects.count() == CalendarYear.objects.count() == 0


@pytest.mark.django_db
def test_import_of_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("import", str(tmp_path / "nope.txt"))
    assert "无法读取文件" in str(caught.value)


@pytest.mark.django_db
def test_show_lists_holidays_and_adjusted_days():
    out = run("show", "2026")
    assert "2026-02-14 周六 调休上班 春节" in out
    assert "2026-10-07 周三 放假 国庆节" in out
    assert "2026-03-10" not in out
    with pytest.raises(CommandError) as caught:
        run("show", "2027")
    assert "2027年" in str(caught.value)


def _mediagov() -> str:
    script = Path(sys.executable).with_name("mediagov")
    return str(script) if script.exists() else shutil.which("mediagov") or "mediagov"


def test_due_contract_through_the_console_script(tmp_path):
    """End to end, as outside checks run it: a fresh database, migrated, no holiday data imported."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "MEDIAGOV_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def mediagov(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([_mediagov(), *args], env=env, capture_output=True, text=True, timeout=300)

    migrated = mediagov("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    due = mediagov("calendar", "due", "2025-09-30", "--working-days", "3")
    assert (due.returncode, due.stdout) == (0, "2025-10-11\n"), due.stderr
    as_json = mediagov("calendar", "due", "2025-09-30", "--working-days", "3", "--json")
    assert json.loads(as_json.stdout) == {"due": "2025-10-11"}

    missing = mediagov("calendar", "due", "2026-12-30", "--working-days", "3")
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert "2027年的节假日安排尚未导入" in missing.stderr
