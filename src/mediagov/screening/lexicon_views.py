"""Lexicon pages for the propaganda department: the institution's lexicons with their versions, a file import
(replace or append, all or nothing, every bad row listed), exports, and a box to try a text against the
lexicons with the hits marked. Thin: the rules are in `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from mediagov.core.errors import DomainError, ImportFileError
from mediagov.core.views import department_institution_or_403, paginate

from .forms import LexiconImportForm, LexiconTryForm
from .models import Category, Lexicon, Term
from .reviews import highlight
from .services import DEFAULT_LEXICON, lexicon_export, lexicon_import, screen_text, screener_for

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}


def _department_institution(request):
    return department_institution_or_403(request, "只有党委宣传部可以管理词库")


@login_required
def lexicon_list(request):
    institution = _department_institution(request)
    upload = LexiconImportForm(prefix="up", initial={"name": DEFAULT_LEXICON})
    trial = LexiconTryForm(prefix="try")
    errors: list[str] = []
    tried = None
    if request.method == "POST" and request.POST.get("action") == "import":
        upload = LexiconImportForm(request.POST, request.FILES, prefix="up")
        if upload.is_valid():
            f, c = upload.cleaned_data["file"], upload.cleaned_data
            try:
                version = lexicon_import(
                    institution=institution,
                    data=f.read(),
                    filename=f.name,
                    name=c["name"],
                    category=c["category"] or None,
                    replace=c["mode"] == "replace",
                    user=request.user,
                )
            except ImportFileError as exc:
                errors = exc.lines(f.name)
            except DomainError as exc:
                errors = [exc.message]
            else:
                days = institution.policy.rescreen_days
                messages.success(
                    request,
                    f"“{version.lexicon.name}”已更新为第{version.number}版（{version.term_count}个词条）；"
                    f"最近{days}天的发布记录将在后台重新筛查",
                )
                return redirect("screening:lexicon_detail", version.lexicon.pk)
    elif request.method == "POST" and request.POST.get("action") == "try":
        trial = LexiconTryForm(request.POST, prefix="try")
        if trial.is_valid():
            text = trial.cleaned_data["text"]
            hits = [h.as_dict() for h in screen_text(institution, text)]
            tried = {"hits": hits, "marked": highlight(text, hits)}
    lexicons = (
        Lexicon.objects.of(institution).annotate(term_count=Count("terms")).prefetch_related("versions")
    )
    return render(
        request,
        "screening/lexicons.html",
        {
            "institution": institution,
            "lexicons": lexicons,
            "upload": upload,
            "trial": trial,
            "tried": tried,
            "errors": errors,
            "categories": _categories(institution),
            "rescreen_days": institution.policy.rescreen_days,
        },
    )


@login_required
def lexicon_detail(request, pk):
    institution = _department_institution(request)
    lexicon = get_object_or_404(Lexicon.objects.of(institution), pk=pk)
    terms = Term.objects.filter(lexicon=lexicon).order_by("category", "text")
    q = request.GET.get("q", "").strip()
    if q:
        terms = terms.filter(Q(text__icontains=q) | Q(correction__icontains=q))
    category = request.GET.get("category", "")
    if category in Category.values:
        terms = terms.filter(category=category)
    page, query = paginate(request, terms, per_page=100)
    return render(
        request,
        "screening/lexicon_detail.html",
        {
            "institution": institution,
            "lexicon": lexicon,
            "page": page,
            "query": query,
            "q": q,
            "category": category,
            "categories": Category.choices,
            "versions": lexicon.versions.select_related("created_by").order_by("-number"),
        },
    )


@login_required
def lexicon_download(request, pk, fmt):
    institution = _department_institution(request)
    lexicon = get_object_or_404(Lexicon.objects.of(institution), pk=pk)
    if fmt not in EXPORT_TYPES:
        raise Http404
    response = HttpResponse(lexicon_export([lexicon], fmt), content_type=EXPORT_TYPES[fmt])
    name = escape_uri_path(f"{lexicon.name}-v{lexicon.version}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_POST
def lexicon_rescreen(request):
    """Screen the posts of the pack's window again now (after a lexicon change the same runs by itself)."""
    from .tasks import rescreen_posts

    institution = _department_institution(request)
    days = institution.policy.rescreen_days
    rescreen_posts.delay(institution.pk, days)
    messages.success(request, f"已安排在后台重新筛查最近{days}天的发布记录，命中将作为问题列入整改清单")
    return redirect("screening:lexicon_list")


def _categories(institution) -> list[dict]:
    """Each category with the article it enforces, as the screener cites it (the guidance beside the form)."""
    screener = screener_for(institution)
    return [
        {
            "code": code,
            "label": label,
            "article": screener.article(code),
            "text": (screener.categories.get(code) or {}).get("text", ""),
        }
        for code, label in Category.choices
    ]
