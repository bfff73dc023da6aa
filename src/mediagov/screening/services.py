"""Screening services: lexicon import and export, the demo lexicons, and screening a text.

`lexicon_import` reads a .csv, .xlsx or .txt file completely, reports every bad row at once (a Chinese
message naming file, row and field), and only then replaces the lexicon's terms in one transaction, as a
new version. `screen_text(institution, text)` screens with a `Screener` cached per lexicon state.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import PurePath

from django.db import transaction

from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError, ImportFileError
from mediagov.core.tabular import parse_bool, read_table, safe_cell, split_multi

from .matcher import Entry, Hit, Screener, pack_entries
from .models import Category, Lexicon, LexiconVersion, Severity, Term
from .normalize import normalize_term

DEFAULT_LEXICON = "词库"
HEADERS = ["词条", "类别", "变体", "例外", "严重程度", "阻止发布", "更正"]
REQUIRED = ("词条", "类别")
MAX_TERM = 200
CATEGORY_CODES = {c.value: c.value for c in Category} | {c.label: c.value for c in Category}
SEVERITY_CODES = {s.value: s.value for s in Severity} | {s.label: s.value for s in Severity}


class LexiconError(DomainError):
    pass


@dataclass
class TermRow:
    row: int
    text: str
    category: str
    variants: list[str]
    allowlist: list[str]
    severity: str = ""
    blocks: bool | None = None
    correction: str = ""


# ---------------------------------------------------------------- reading a lexicon file
def _parse_txt(data: bytes, category: str | None) -> list[TermRow]:
    """One term per line; `#` starts a comment line. The category comes from the command line."""
    from mediagov.core.tabular import _decode

    if not data.strip():
        raise ImportFileError("文件为空")
    if not category:
        raise ImportFileError("文本文件（.txt）每行一个词条，须用 --category 指定类别")
    if category not in CATEGORY_CODES:
        raise ImportFileError(f"无效的类别“{category}”，应为{'、'.join(Category.values)}之一")
    rows = []
    for number, line in enumerate(_decode(data).splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            rows.append(TermRow(number, text, CATEGORY_CODES[category], [], []))
    if not rows:
        raise ImportFileError("文件中没有词条")
    return rows


def _parse_table(data: bytes, filename: str) -> list[TermRow]:
    table = read_table(data, filename)
    missing = [h for h in REQUIRED if not table.has(h)]
    if missing:
        raise ImportFileError(
            f"缺少表头：{'、'.join(missing)}（须有“词条”“类别”两列，可选“变体”“例外”“严重程度”“阻止发布”“更正”）"
        )
    errors: list[tuple[int | None, str, str]] = []
    rows: list[TermRow] = []
    for row in table.rows:
        cells = {h: str(row.get(h, "") or "").strip() for h in HEADERS}
        text, raw_category = cells["词条"], cells["类别"]
        bad = len(errors)
        if not text:
            errors.append((row.number, "词条", "不能为空"))
        elif text.startswith("="):
            errors.append((row.number, "词条", f"“{text}”是公式，请改为文本词条"))
        elif len(text) > MAX_TERM:
            errors.append((row.number, "词条", f"超过{MAX_TERM}个字"))
        elif not normalize_term(text):
            errors.append((row.number, "词条", f"“{text}”只有空白或干扰符号"))
        if not raw_category:
            errors.append((row.number, "类别", "不能为空"))
        elif raw_category not in CATEGORY_CODES:
            errors.append(
                (row.number, "类别", f"无效的类别“{raw_category}”，应为{'、'.join(Category.values)}之一")
            )
        severity = cells["严重程度"]
        if severity and severity not in SEVERITY_CODES:
            errors.append(
                (row.number, "严重程度", f"无效的取值“{severity}”，应为{'、'.join(Severity.values)}之一")
            )
        blocks = None
        if cells["阻止发布"]:
            try:
                blocks = parse_bool(cells["阻止发布"])
            except ValueError as exc:
                errors.append((row.number, "阻止发布", str(exc)))
        variants = split_multi(cells["变体"])
        allowlist = split_multi(cells["例外"])
        for field_name, values in (("变体", variants), ("例外", allowlist)):
            for value in values:
                if value.startswith("="):
                    errors.append((row.number, field_name, f"“{value}”是公式，请改为文本"))
        if text and len(errors) == bad:
            pattern = normalize_term(text)
            for phrase in allowlist:
                if pattern not in normalize_term(phrase):
                    errors.append((row.number, "例外", f"“{phrase}”不含词条“{text}”，豁免不起作用"))
        if len(errors) == bad:
            rows.append(
                TermRow(
                    row.number,
                    text,
                    CATEGORY_CODES[raw_category],
                    variants,
                    allowlist,
                    SEVERITY_CODES.get(severity, ""),
                    blocks,
                    cells["更正"],
                )
            )
    seen: dict[tuple[str, str], int] = {}
    for term in rows:
        key = (normalize_term(term.text), term.category)
        if key in seen:
            errors.append((term.row, "词条", f"“{term.text}”与第{seen[key]}行重复"))
        seen.setdefault(key, term.row)
    if errors:
        raise ImportFileError(f"{len(errors)}处错误，未导入任何词条", errors=errors)
    return rows


def lexicon_parse(data: bytes, filename: str, *, category: str | None = None) -> list[TermRow]:
    """The terms of a lexicon file; an ImportFileError listing every problem (nothing is written)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".txt":
        return _parse_txt(data, category)
    return _parse_table(data, filename)


# ---------------------------------------------------------------- writing


@transaction.atomic
def lexicon_import(
    *,
    institution,
    data: bytes,
    filename: str,
    name: str = DEFAULT_LEXICON,
    category: str | None = None,
    replace: bool = True,
    user=None,
) -> LexiconVersion:
    """Import a lexicon file into the lexicon `name` of `institution` as its next version.

    With `replace` (the default) the file becomes the lexicon's whole content; otherwise its terms are
    added (a term already there is updated). All or nothing.
    """
    rows = lexicon_parse(data, filename, category=category)
    lexicon, _ = Lexicon.objects.select_for_update().get_or_create(institution=institution, name=name)
    number = lexicon.version + 1
    if replace:
        lexicon.terms.all().delete()
    for row in rows:
        Term.objects.update_or_create(
            lexicon=lexicon,
            text=row.text,
            category=row.category,
            defaults={
                "variants": row.variants,
                "allowlist": row.allowlist,
                "severity": row.severity,
                "blocks_publication": row.blocks,
                "correction": row.correction,
                "added_in": number,
            },
        )
    version = _new_version(lexicon, number, source=PurePath(filename).name, user=user)
    log_action(
        lexicon,
        "lexicon.imported",
        user=user,
        data={"file": PurePath(filename).name, "version": number, "terms": len(rows), "replace": replace},
    )
    lexicon_rescreen_later(institution)
    return version


def _new_version(lexicon: Lexicon, number: int, *, source: str, user=None) -> LexiconVersion:
    version = LexiconVersion.objects.create(
        lexicon=lexicon, number=number, source=source, term_count=lexicon.terms.count(), created_by=user
    )
    lexicon.version = number
    lexicon.save(update_fields=["version", "updated"])
    return version


@transaction.atomic
def lexicon_bump(*, lexicon: Lexicon, source: str, user=None) -> LexiconVersion:
    """Record an edit of `lexicon`'s terms (the admin) as a new version."""
    lexicon = Lexicon.objects.select_for_update().get(pk=lexicon.pk)
    version = _new_version(lexicon, lexicon.version + 1, source=source, user=user)
    log_action(lexicon, "lexicon.edited", user=user, data={"version": version.number, "source": source})
    lexicon_rescreen_later(lexicon.institution)
    return version


def lexicon_rescreen_later(institution) -> None:
    """After the commit, screen the institution's posts of the pack's last `rescreen_days` days again in the
    background (`screening.rescreen_posts`): new terms raise findings, terms found before add nothing. A broker
    that is down does not undo the lexicon (`robust`): `mediagov screen posts` does the same by hand."""
    from .tasks import rescreen_posts

    days = institution.policy.rescreen_days
    transaction.on_commit(lambda: rescreen_posts.delay(institution.pk, days), robust=True)


# ---------------------------------------------------------------- export (one row source, one renderer per format)
def lexicon_rows(lexicons) -> list[list[str]]:
    rows = [HEADERS]
    for term in Term.objects.filter(lexicon__in=lexicons).order_by("lexicon__name", "category", "text"):
        blocks = "" if term.blocks_publication is None else ("是" if term.blocks_publication else "否")
        rows.append(
            [
                term.text,
                term.category,
                "、".join(term.variants),
                "、".join(term.allowlist),
                term.severity,
                blocks,
                term.correction,
            ]
        )
    return rows


def lexicon_export(lexicons, fmt: str) -> bytes:
    """The terms of `lexicons` as csv (UTF-8 with BOM, for Excel), xlsx, or txt (one term per line)."""
    rows = lexicon_rows(lexicons)
    if fmt == "txt":
        return "".join(f"{r[0]}\n" for r in rows[1:]).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
        return buf.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("词库")
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    raise LexiconError(f"不支持的导出格式“{fmt}”，应为csv、xlsx或txt")


# ---------------------------------------------------------------- demo lexicons
DEMO_TERMS: list[tuple[str, str, str, str]] = [
    # (text, category, allowlist, correction): small and benign; institutions import the rest.
    ("绝密", Category.CLASSIFIED, "", ""),
    ("机密", Category.CLASSIFIED, "机密性、手机密、商业机密", ""),  # 手机密码 is no secret
    ("秘密", Category.CLASSIFIED, "国家秘密、商业秘密、工作秘密、秘密武器、的秘密、小秘密、神秘密", ""),
    ("内部资料", Category.CLASSIFIED, "", ""),
    ("内部文件", Category.CLASSIFIED, "", ""),
    ("请勿外传", Category.CLASSIFIED, "", ""),
    # warnings that quote the phrase (反诈、学术诚信) are not ads
    ("代写论文", Category.COMMERCIAL_AD, "严禁代写论文、禁止代写论文、打击代写论文", ""),
    ("刷单兼职", Category.COMMERCIAL_AD, "刷单兼职诈骗、警惕刷单兼职、谨防刷单兼职", ""),
    ("加微信领取", Category.COMMERCIAL_AD, "", ""),
    ("免费领取", Category.COMMERCIAL_AD, "", ""),
    ("低价代购", Category.COMMERCIAL_AD, "", ""),
    ("既使", Category.TYPO, "", "即使"),
    ("再接再励", Category.TYPO, "", "再接再厉"),
    ("按步就班", Category.TYPO, "", "按部就班"),
    ("一股作气", Category.TYPO, "", "一鼓作气"),
    ("迫不急待", Category.TYPO, "", "迫不及待"),
    ("谈笑风声", Category.TYPO, "", "谈笑风生"),
    ("默守成规", Category.TYPO, "", "墨守成规"),
    ("美仑美奂", Category.TYPO, "", "美轮美奂"),
]
DEMO_LEXICON = "演示词库"


@transaction.atomic
def lexicon_demo_load(institution) -> Lexicon | None:
    """The demo lexicon of `institution` (confidentiality markers, ad phrases, typo pairs); idempotent."""
    if Lexicon.objects.filter(institution=institution, name=DEMO_LEXICON).exists():
        return None
    lexicon = Lexicon.objects.create(
        institution=institution, name=DEMO_LEXICON, description="演示用：保密标识、广告用语、常见错别字"
    )
    Term.objects.bulk_create(
        Term(
            lexicon=lexicon,
            text=text,
            category=category,
            allowlist=split_multi(allow),
            correction=correction,
            added_in=1,
        )
        for text, category, allow, correction in DEMO_TERMS
    )
    _new_version(lexicon, 1, source="演示数据")
    log_action(lexicon, "lexicon.imported", data={"file": "演示数据", "version": 1, "terms": len(DEMO_TERMS)})
    return lexicon


# ---------------------------------------------------------------- screening
def lexicon_entries(institution) -> list[Entry]:
    entries: list[Entry] = []
    terms = Term.objects.filter(lexicon__institution=institution).select_related("lexicon")
    for term in terms:
        allow = tuple(normalize_term(a) for a in term.allowlist)
        for text in [term.text, *term.variants]:
            pattern = normalize_term(text)
            entries.append(
                Entry(
                    term=term.text,
                    pattern=pattern,
                    category=term.category,
                    severity=term.severity,
                    blocks=term.blocks_publication,
                    correction=term.correction,
                    allowlist=tuple(a for a in allow if pattern in a),
                    lexicon=term.lexicon.name,
                    version=term.lexicon.version,
                )
            )
    return entries


_SCREENERS: dict[int, tuple[tuple, Screener]] = {}


def screener_for(institution) -> Screener:
    """The institution's screener, rebuilt only when a lexicon version or the pack changed."""
    stamp = (
        institution.pack_sha256,
        # `updated` too: ids and version numbers repeat after a rollback (tests, a restored database)
        tuple(Lexicon.objects.of(institution).order_by("pk").values_list("pk", "version", "updated")),
    )
    cached = _SCREENERS.get(institution.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    screener = Screener(pack_entries(institution.policy) + lexicon_entries(institution), institution.policy)
    _SCREENERS[institution.pk] = (stamp, screener)
    return screener


def screen_text(institution, text: str) -> list[Hit]:
    return screener_for(institution).screen(text)
