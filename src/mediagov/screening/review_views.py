"""先审后发 pages: my drafts and the drafts waiting for me, a new draft, the draft with its screening report
(hits marked in the text), the decision trail and the decide form. Thin: every rule is in `reviews`."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError
from mediagov.core.models import ActionLog
from mediagov.core.views import institution_or_403, paginate
from mediagov.registry.models import MediaAccount

from . import reviews
from . import rules as _rules  # noqa: F401 - registers the screening.* permissions
from .forms import ReviewDecisionForm, ReviewForm
from .models import ContentReview, ReviewAttachment, ReviewState

# The types an attachment may have (`attachments.attachment_text`); anything else is served as bytes.
ATTACHMENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _may_write(request, institution) -> None:
    if not request.user.has_perm("screening.write_review", institution):
        raise PermissionDenied("只有党委宣传部和帐号所属单位的人员可以撰写稿件")


def _writable_accounts(user, institution):
    accounts = (
        MediaAccount.objects.visible_to(user)
        .filter(institution=institution)
        .filter(status__in=reviews.PUBLISHING_STATUSES)
        .select_related("responsible_unit", "institution")
    )
    ids = [a.pk for a in accounts if reviews.can_write_for(user, a)]
    return MediaAccount.objects.filter(pk__in=ids).select_related("responsible_unit")


def _review(request, pk) -> ContentReview:
    """The review if the user may see it; 404 otherwise (an object outside the scope does not exist)."""
    queryset = ContentReview.objects.visible_to(request.user).select_related(
        "account__responsible_unit", "institution", "author"
    )
    return get_object_or_404(queryset, pk=pk)


def _files(form) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in form.cleaned_data.get("files") or []]


def _guidance(institution) -> dict:
    pack = institution.policy
    conf = pack.review
    return {"text": conf.get("text", ""), "citation": pack.cite(conf.get("article", "")), "pack": pack}


@login_required
def review_list(request):
    institution = institution_or_403(request)
    base = (
        ContentReview.objects.visible_to(request.user)
        .filter(institution=institution)
        .select_related("account__responsible_unit", "author")
    )
    todo = reviews.reviews_to_decide(request.user, base)
    tab = request.GET.get("tab") or ("todo" if todo.exists() else "mine")
    queryset = {"todo": todo, "mine": base.filter(author=request.user)}.get(tab, base)
    state = request.GET.get("state", "")
    if state in ReviewState.values:
        queryset = queryset.filter(state=state)
    page, query = paginate(request, queryset)
    return render(
        request,
        "screening/review_list.html",
        {
            "page": page,
            "query": query,
            "tab": tab if tab in ("todo", "mine") else "all",
            "states": ReviewState.choices,
            "can_write": request.user.has_perm("screening.write_review", institution),
            **_guidance(institution),
        },
    )


@login_required
def review_create(request):
    institution = institution_or_403(request)
    _may_write(request, institution)
    accounts = _writable_accounts(request.user, institution)
    form = ReviewForm(request.POST or None, request.FILES or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                review = reviews.content_review_create(
                    account=data["account"],
                    user=request.user,
                    title=data["title"],
                    body=data["body"],
                    links=data["links"],
                    attachments_text=data["attachments_text"],
                    files=_files(form),
                )
                if "submit" in request.POST:
                    review = reviews.content_review_submit(review=review, user=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            done = "已提交审核" if review.state == ReviewState.IN_REVIEW else "已保存草稿"
            messages.success(request, f"《{review.title}》{done}")
            return redirect("screening:review_detail", pk=review.pk)
    return render(
        request,
        "screening/review_form.html",
        {"form": form, "review": None, "no_accounts": not accounts.exists(), **_guidance(institution)},
    )


@login_required
def review_edit(request, pk):
    review = _review(request, pk)
    if request.user.pk != review.author_id:
        raise PermissionDenied("只有撰稿人可以修改稿件")
    if not review.is_editable:
        messages.error(request, f"稿件当前状态为“{review.get_state_display()}”，不能修改")
        return redirect("screening:review_detail", pk=pk)
    initial = {
        "title": review.title,
        "body": review.body,
        "links": "\n".join(review.links),
        "attachments_text": review.attachments_text,
    }
    form = ReviewForm(request.POST or None, request.FILES or None, initial=initial)
    attachments = review.attachments.filter(removed=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        remove = [int(x) for x in request.POST.getlist("remove") if x.isdigit()]
        try:
            with transaction.atomic():
                review = reviews.content_review_update(
                    review=review,
                    user=request.user,
                    title=data["title"],
                    body=data["body"],
                    links=data["links"],
                    attachments_text=data["attachments_text"],
                    files=_files(form),
                    remove=remove,
                )
                if "submit" in request.POST:
                    review = reviews.content_review_submit(review=review, user=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已重新提交审核" if "submit" in request.POST else "已保存")
            return redirect("screening:review_detail", pk=pk)
    return render(
        request,
        "screening/review_form.html",
        {"form": form, "review": review, "attachments": attachments, **_guidance(review.institution)},
    )


@login_required
def review_detail(request, pk):
    review = _review(request, pk)
    version = review.versions.first()
    if review.is_editable or version is None:
        # A draft (or a returned draft being revised): screen it now, as a preview of the report to come.
        parts = reviews.draft_parts(review)
        report = reviews.review_screen(review.institution, parts)
        live = True
    else:
        parts, report, live = reviews.version_parts(version), review.report, False
    hits = report.get("hits") or []
    level = review.current_level()
    return render(
        request,
        "screening/review_detail.html",
        {
            "review": review,
            "account": review.account,
            "parts": reviews.highlighted_parts(parts, hits),
            "report": report,
            "hits": hits,
            "blocking": [h for h in hits if h.get("blocks")],
            "blocking_articles": list(dict.fromkeys(h["article"] for h in hits if h.get("blocks"))),
            "live": live,
            "level": level,
            "can_decide": request.user.has_perm("screening.decide_review", review),
            "own": request.user.pk == review.author_id,
            "decision_form": ReviewDecisionForm(),
            "decisions": review.decisions.select_related("reviewer", "unit").order_by("-round", "level"),
            "versions": review.versions.select_related("submitted_by"),
            "attachments": review.attachments.all(),
            "history": ActionLog.objects.for_object(review).select_related("user"),
            **_guidance(review.institution),
        },
    )


@login_required
def review_attachment(request, pk):
    """Download a stored attachment, to whoever may see its draft (removed ones too: 痕迹管理). Always as a
    download, never shown inline, with the original name safely encoded; each download is in the draft's
    audit log (who read which file, and when)."""
    attachment = get_object_or_404(ReviewAttachment.objects.visible_to(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("附件文件已不存在") from exc
    suffix = attachment.name.rsplit(".", 1)[-1].lower()
    content_type = ATTACHMENT_TYPES.get(suffix, "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    fallback = f"attachment-{attachment.pk}.{suffix if suffix.isascii() and suffix.isalnum() else 'bin'}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(attachment.name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    log_action(
        attachment.review,
        "review.attachment_downloaded",
        data={"attachment": attachment.pk, "name": attachment.name},
        request=request,
    )
    return response


@login_required
@require_POST
def review_submit(request, pk):
    review = _review(request, pk)
    try:
        review = reviews.content_review_submit(review=review, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        found = f"，自动筛查发现{len(review.hits)}处需关注" if review.hits else "，自动筛查未发现问题"
        messages.success(request, f"已提交审核{found}")
    return redirect("screening:review_detail", pk=pk)


@login_required
@require_POST
def review_decide(request, pk):
    review = _review(request, pk)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核结论")
        return redirect("screening:review_detail", pk=pk)
    level = review.current_level()
    try:
        review = reviews.content_review_decide(review=review, user=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已签署“{level.label}”：{review.get_state_display()}")
    return redirect("screening:review_detail", pk=pk)


@login_required
@require_POST
def review_withdraw(request, pk):
    review = _review(request, pk)
    try:
        reviews.content_review_withdraw(review=review, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "稿件已撤回")
    return redirect("screening:review_detail", pk=pk)


@login_required
@require_POST
def review_precheck(request):
    """HTMX: screen the text of the form being written, before it is saved (a preview of the report)."""
    institution = institution_or_403(request)
    _may_write(request, institution)
    try:
        links = reviews.clean_links(request.POST.get("links", ""))
    except DomainError as exc:
        links, error = [], str(exc)
    else:
        error = ""
    parts = reviews.text_parts(
        request.POST.get("title", ""),
        request.POST.get("body", ""),
        links,
        request.POST.get("attachments_text", ""),
        [],
    )
    report = reviews.review_screen(institution, parts)
    hits = report["hits"]
    return render(
        request,
        "screening/_review_report.html",
        {
            "parts": reviews.highlighted_parts(parts, hits),
            "hits": hits,
            "blocking": [h for h in hits if h.get("blocks")],
            "report": report,
            "live": True,
            "error": error,
        },
    )
