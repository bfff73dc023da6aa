"""Lexicon import (csv, xlsx, txt), versions, export, the demo lexicon, and screening through the database."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from mediagov.core.errors import ImportFileError
from mediagov.core.models import ActionLog
from mediagov.screening.models import Lexicon, Term
from mediagov.screening.services import (
    DEMO_LEXICON,
    lexicon_demo_load,
    lexicon_export,
    lexicon_import,
    screen_text,
)

CSV = "词条,类别,变体,例外\n内部资料,classified,内部材料,\n秘密,classified,,秘密武器、小秘密\n代写论文,commercial_ad,,\n"


def import_csv(world, text: str, *, encoding="utf-8", filename="words.csv", **kw):
    return lexicon_import(
        institution=world.dut, data=text.encode(encoding), filename=filename, user=world.xuan, **kw
    )


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_creates_terms_as_version_one(world):
    version = import_csv(world, CSV)
    assert (version.number, version.term_count, version.source) == (1, 3, "words.csv")
    term = Term.objects.get(text="秘密")
    assert term.allowlist == ["秘密武器", "小秘密"] and term.added_in == 1
    assert Term.objects.get(text="内部资料").variants == ["内部材料"]
    assert ActionLog.objects.filter(action="lexicon.imported", user=world.xuan).count() == 1


def test_each_import_is_a_new_version_and_hits_name_it(world):
    import_csv(world, CSV)
    import_csv(world, "词条,类别\n绝密,classified\n")
    lexicon = Lexicon.objects.get(institution=world.dut)
    assert lexicon.version == 2 and list(lexicon.versions.values_list("number", flat=True)) == [2, 1]
    assert list(lexicon.terms.values_list("text", flat=True)) == ["绝密"]  # replaced
    [hit] = [h for h in screen_text(world.dut, "绝密文件；内部资料") if h.category == "classified"]
    assert (hit.term, hit.version, hit.lexicon) == ("绝密", 2, "词库")
    import_csv(world, "词条,类别\n内部资料,classified\n", replace=False)
    assert {h.term for h in screen_text(world.dut, "绝密文件；内部资料")} >= {"绝密", "内部资料"}
    assert screen_text(world.dut, "绝密")[0].version == 3


def test_gbk_csv_is_read(world):
    import_csv(world, CSV, encoding="gbk")
    assert Term.objects.filter(lexicon__institution=world.dut).count() == 3


def test_xlsx_import(world):
    data = xlsx(
        [["词条", "类别", "更正", "严重程度", "阻止发布"], ["再接再励", "typo", "再接再厉", "一般", "否"]]
    )
    lexicon_import(institution=world.dut, data=data, filename="typos.xlsx")
    term = Term.objects.get(text="再接再励")
    assert (term.correction, term.severity, term.blocks_publication) == ("再接再厉", "medium", False)


def test_txt_import_needs_a_category(world):
    with pytest.raises(ImportFileError, match="--category"):
        import_csv(world, "绝密\n机密\n", filename="words.txt")
    import_csv(world, "# 保密标识\n绝密\n机密\n", filename="words.txt", category="classified")
    assert set(Term.objects.values_list("text", "category")) == {
        ("绝密", "classified"),
        ("机密", "classified"),
    }


def test_errors_name_row_and_field_and_nothing_is_written(world):
    import_csv(world, CSV)
    bad = "词条,类别,例外\n绝密,classified,\n,classified,\n机密,gossip,\n秘密,classified,大工业\n绝密,classified,\n"
    with pytest.raises(ImportFileError) as exc:
        import_csv(world, bad)
    lines = exc.value.lines("bad.csv")
    assert "bad.csv：第3行“词条”：不能为空" in lines
    assert any(line.startswith("bad.csv：第4行“类别”：无效的类别“gossip”") for line in lines)
    assert any(line.startswith("bad.csv：第5行“例外”：“大工业”不含词条") for line in lines)
    assert "bad.csv：第6行“词条”：“绝密”与第2行重复" in lines
    lexicon = Lexicon.objects.get(institution=world.dut)
    assert lexicon.version == 1 and lexicon.terms.count() == 3


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "文件为空"),
        ("词条,类别\n".encode(), "headers.csv", "只有表头"),
        ("名称,类型\n绝密,classified\n".encode(), "wrong.csv", "缺少表头：词条、类别"),
        (b"", "empty.txt", "文件为空"),
        (b"x", "words.doc", "不支持"),
    ],
)
def test_file_level_errors(world, data, filename, message):
    with pytest.raises(ImportFileError, match=message):
        lexicon_import(institution=world.dut, data=data, filename=filename)
    assert not Lexicon.objects.exists()


def test_formula_cells_are_refused(world):
    data = xlsx([["词条", "类别"], ['=HYPERLINK("http://x","绝密")', "classified"]])
    with pytest.raises(ImportFileError) as exc:
        lexicon_import(institution=world.dut, data=data, filename="f.xlsx")
    assert "公式" in exc.value.lines()[0] and "第2行“词条”" in exc.value.lines()[0]


def test_export_round_trips_and_escapes_formulas(world):
    import_csv(world, CSV)
    Term.objects.create(lexicon=Lexicon.objects.get(), text="-免费", category="commercial_ad")
    lexicons = Lexicon.objects.of(world.dut)
    csv_bytes = lexicon_export(lexicons, "csv")
    assert "'-免费" in csv_bytes.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(lexicon_export(lexicons, "xlsx"))).active
    assert [c.value for c in sheet[1]][:4] == ["词条", "类别", "变体", "例外"]
    assert "-免费" in lexicon_export(lexicons, "txt").decode().splitlines()
    version = lexicon_import(institution=world.yufe, data=csv_bytes, filename="back.csv")
    assert version.term_count == 4
    assert Term.objects.get(lexicon__institution=world.yufe, text="-免费").category == "commercial_ad"


def test_demo_lexicon_is_small_benign_and_idempotent(world):
    assert lexicon_demo_load(world.dut) is not None
    assert lexicon_demo_load(world.dut) is None
    lexicon = Lexicon.objects.get(institution=world.dut, name=DEMO_LEXICON)
    assert lexicon.version == 1 and lexicon.terms.count() < 30
    hits = screen_text(world.dut, "【内部资料】望再接再励，欢迎关注大工青年")
    assert {(h.category, h.term) for h in hits} == {
        ("classified", "内部资料"),
        ("typo", "再接再励"),
        ("protected_name", "大工"),
    }


def test_screening_is_per_institution(world):
    import_csv(world, CSV)
    assert screen_text(world.yufe, "内部资料") == []
    [hit] = screen_text(world.yufe, "云南財經大學")
    assert hit.category == "protected_name" and hit.article.startswith("《云南财经大学")
