"""`mediagov screen` and `mediagov lexicon` end to end (call_command; the console script for the contract)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mediagov.screening.models import Lexicon


def run(*args, **options) -> tuple[str, str]:
    """Run a command as the console script would; `stdin=` gives `mediagov screen` its input."""
    out, err = io.StringIO(), io.StringIO()
    if "stdin" in options:
        options["stdin"] = io.StringIO(options["stdin"])
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_lexicon_import_and_screen_json_contract(world, tmp_path):
    file = tmp_path / "words.csv"
    file.write_text("词条,类别,变体,例外\n内部资料,classified,内部材料,\n", encoding="utf-8")
    out, _ = run("lexicon", "import", str(file), "--institution", "dut")
    assert "第1版" in out and "共1个词条" in out
    text = "📢 欢迎关注大 工青年！附：内 部 资 料"
    out, _ = run("screen", "--institution", "dut", "--json", stdin=text)
    hits = json.loads(out)["hits"]
    for hit in hits:
        assert {"term", "category", "article", "start", "end"} <= set(hit)
    by_category = {h["category"]: h for h in hits}
    assert text[by_category["protected_name"]["start"] : by_category["protected_name"]["end"]] == "大 工"
    classified = by_category["classified"]
    assert text[classified["start"] : classified["end"]] == "内 部 资 料"
    assert classified["article"] == "《大连理工大学新媒体管理办法》第十四条（一）"
    assert classified["version"] == 1


def test_screen_readable_listing(world):
    out, _ = run("screen", "--institution", "dut", stdin="大连理工大学")
    assert "学校名称及简称" in out and "第九条" in out
    out, _ = run("screen", "--institution", "dut", stdin="今天天气很好")
    assert out.strip() == "未发现问题"


def test_lexicon_import_errors_are_printed_in_chinese(world, tmp_path):
    file = tmp_path / "bad.csv"
    file.write_text("词条,类别\n绝密,gossip\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.csv：未导入"):
        run("lexicon", "import", str(file), "--institution", "dut")
    with pytest.raises(CommandError, match="文件不存在"):
        run("lexicon", "import", str(tmp_path / "none.csv"), "--institution", "dut")
    assert not Lexicon.objects.exists()


def test_lexicon_export_to_file(world, tmp_path):
    file = tmp_path / "words.csv"
    file.write_text("词条,类别\n绝密,classified\n", encoding="utf-8")
    run("lexicon", "import", str(file), "--institution", "dut")
    target = tmp_path / "out.xlsx"
    run("lexicon", "export", "--institution", "dut", "-o", str(target))
    assert target.read_bytes()[:2] == b"PK"
    out, _ = run("lexicon", "export", "--institution", "dut")
    assert out.splitlines()[1] == "绝密,classified,,,,,"
    with pytest.raises(CommandError, match="-o"):
        run("lexicon", "export", "--institution", "dut", "--format", "xlsx")


def test_unknown_institution(world):
    with pytest.raises(CommandError, match="不存在"):
        run("screen", "--institution", "nope", "--json", stdin="")
