"""`mediagov policy …`: through call_command, and the validate contract through the real console script."""

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mediagov.org.models import Institution, Unit
from mediagov.policy.pack import shipped_pack_path

MEDIAGOV = Path("/work/main/.venv/bin/mediagov")
DUT = shipped_pack_path("dut")
DUT_TEXT = DUT.read_text(encoding="utf-8")


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("policy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def bad_pack(tmp_path) -> Path:
    path = tmp_path / "bad.yaml"
    text = DUT_TEXT.replace(
        "{role: propaganda, at: institution, label: 党委宣传部、新闻中心意见, article: 第八条}\n    admissions:",
        "{role: boss, at: institution, label: 党委宣传部、新闻中心意见, article: 第八条}\n    admissions:",
    ).replace("amount: 3, unit: working_days", "amount: -3, unit: working_days")
    assert text != DUT_TEXT
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_valid_file():
    out, err = run("validate", str(DUT))
    assert "校验通过" in out and "大连理工大学" in out
    assert err == ""


def test_validate_invalid_file_prints_every_error(bad_pack):
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 处错误"):
        call_command("policy", "validate", str(bad_pack), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("approval.chains.default[1].role: ")
    assert lines[1].startswith("deadlines.change.amount: ")


def test_validate_missing_file_names_it(tmp_path):
    missing = tmp_path / "no-such-pack.yaml"
    with pytest.raises(CommandError, match="no-such-pack.yaml"):
        run("validate", str(missing))
    with pytest.raises(CommandError, match="目录"):
        run("validate", str(tmp_path))
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("名称".encode("gbk"))
    with pytest.raises(CommandError, match="UTF-8"):
        run("validate", str(latin1))


def test_validate_shipped():
    out, _ = run("validate", "--shipped", "yufe")
    assert "云南财经大学" in out
    with pytest.raises(CommandError, match="内置政策包"):
        run("validate", "--shipped", "whut")
    with pytest.raises(CommandError):
        run("validate")  # neither a file nor --shipped


@pytest.mark.django_db
def test_load_then_reload_then_show():
    out, _ = run("load", "--shipped", "dut")
    assert "已创建" in out and "新建单位 8 个" in out
    out, _ = run("load", str(DUT))
    assert "已更新" in out and "未变单位 8 个" in out and "相同" in out
    assert Unit.objects.filter(institution__code="dut").count() == 8
    out, _ = run("show", "dut")
    assert "校团委意见[归口监管部门] → 党委宣传部、新闻中心意见[党委宣传部]" in out
    assert "变更备案：信息变更后3个工作日内（《大连理工大学新媒体管理办法》第十一条）" in out
    out, _ = run("list")
    assert "dut：大连理工大学" in out
    with pytest.raises(CommandError, match="尚未加载"):
        run("show", "yufe")


@pytest.mark.django_db
def test_load_invalid_writes_nothing(bad_pack):
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入"):
        call_command("policy", "load", str(bad_pack), stdout=io.StringIO(), stderr=err)
    assert "approval.chains.default[1].role: " in err.getvalue()
    assert Institution.objects.count() == 0


@pytest.mark.django_db
def test_load_records_the_user():
    from django.contrib.auth import get_user_model

    from mediagov.core.models import ActionLog

    user = get_user_model().objects.create_user(username="xuan")
    run("load", "--shipped", "yufe", "--user", "xuan")
    assert ActionLog.objects.get(action="policy.loaded").user == user
    with pytest.raises(CommandError, match="用户不存在"):
        run("load", "--shipped", "yufe", "--user", "nobody")


def test_show_file_needs_no_database():
    out, _ = run("show", "--file", str(shipped_pack_path("yufe")))
    assert "单位意见（单位主要负责人签字并加盖公章）[单位负责人] → 党委宣传部意见[党委宣传部]" in out
    assert "月报：每月1日至5日报送" in out


# ---------------------------------------------------------------- the console script
def mediagov(*args, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "MEDIAGOV_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "mediagov.settings",
    }
    return subprocess.run(
        [str(MEDIAGOV), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )


@pytest.mark.skipif(not MEDIAGOV.exists(), reason="console script not installed")
def test_console_validate_exit_codes(tmp_path, bad_pack):
    ok = mediagov("policy", "validate", str(DUT), tmp_path=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "校验通过" in ok.stdout

    bad = mediagov("policy", "validate", str(bad_pack), tmp_path=tmp_path)
    assert bad.returncode == 1
    assert "approval.chains.default[1].role: " in bad.stderr
    assert "deadlines.change.amount: " in bad.stderr

    missing = mediagov("policy", "validate", str(tmp_path / "missing.yaml"), tmp_path=tmp_path)
    assert missing.returncode == 1
    assert "missing.yaml" in missing.stderr

    broken = tmp_path / "broken.yaml"
    broken.write_text("pack_version: 1\ninstitution: code: dut\n", encoding="utf-8")
    syntax = mediagov("policy", "validate", str(broken), tmp_path=tmp_path)
    assert syntax.returncode == 1
    assert "line 2: " in syntax.stderr

    # validate never opens the database
    assert not (tmp_path / "cli.sqlite3").exists()
