"""Import pages: upload (→ preview), the preview/result page with its progress bar (HTMX), confirm, history,
and the problems as a CSV. Thin: scope, form, service, message."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mediagov.activity import imports as post_imports
from mediagov.core.errors import DomainError
from mediagov.core.scoping import current_institution, is_department
from mediagov.core.tabular import safe_cell
from mediagov.core.views import institution_or_403, paginate

from . import services
from .forms import PostUploadForm, importable_accounts
from .models import ImportRun

ERRORS_SHOWN = 500  # row errors listed on the page; the CSV has all that were kept


def _may_import(request, institution) -> None:
    if not request.user.has_perm("activity.import_posts", institution):
        raise PermissionDenied("只有党委宣传部和帐号所属单位的人员可以导入发布记录")


def _run_or_404(request, pk: int) -> ImportRun:
    """A run of the current institution that the user uploaded (the department: any); else 404."""
    institution = current_institution(request)
    if institution is None:
        raise Http404
    runs = ImportRun.objects.visible_to(request.user, institution).select_related("account", "created_by")
    return get_object_or_404(runs, pk=pk)


@login_required
def post_upload(request):
    institution = institution_or_403(request)
    _may_import(request, institution)
    form = PostUploadForm(
        request.POST or None, request.FILES or None, accounts=importable_accounts(request.user, institution)
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_run_upload(
                institution=institution,
                upload=form.cleaned_data["file"],
                account=form.cleaned_data["account"],
                user=request.user,
            )
            services.import_run_preview(run=run)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("imports:run_detail", pk=run.pk)
    return render(
        request,
        "imports/post_upload.html",
        {
            "institution": institution,
            "form": form,
            "department": is_department(request.user, institution),
            "layouts": post_imports.LAYOUTS.values(),
        },
    )


@login_required
def run_list(request):
    institution = institution_or_403(request)
    _may_import(request, institution)
    runs = ImportRun.objects.visible_to(request.user, institution).select_related("account", "created_by")
    page, query = paginate(request, runs)
    return render(
        request, "imports/run_list.html", {"institution": institution, "page": page, "query": query}
    )


@login_required
def run_detail(request, pk: int):
    run = _run_or_404(request, pk)
    return render(
        request,
        "imports/run_detail.html",
        {
            "run": run,
            "progress": services.import_run_progress(run),
            "row_errors": run.errors[:ERRORS_SHOWN],
            "errors_hidden": max(len(run.errors) - ERRORS_SHOWN, 0) + run.more_errors,
        },
    )


@login_required
def run_progress(request, pk: int):
    """The progress bar, polled by HTMX while the import runs; once over, the page reloads itself."""
    run = _run_or_404(request, pk)
    response = render(
        request, "imports/_progress.html", {"run": run, "progress": services.import_run_progress(run)}
    )
    if not run.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_confirm(request, pk: int):
    run = _run_or_404(request, pk)
    _may_import(request, run.institution)
    try:
        services.import_run_confirm(run=run, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已确认导入“{run.filename}”，正在后台导入")
    return redirect("imports:run_detail", pk=run.pk)


@login_required
def run_errors_csv(request, pk: int):
    """The run's problems as a CSV (UTF-8 with BOM, for Excel). Every cell goes through safe_cell: a hostile
    value quoted in a message (=cmd|…) is shown as text, never run as a formula."""
    run = _run_or_404(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["文件", "行号", "列", "问题"])
    if run.message:
        writer.writerow([safe_cell(run.filename), "", "", safe_cell(run.message)])
    for row, column, message in run.errors:
        writer.writerow([safe_cell(run.filename), row or "", safe_cell(column or ""), safe_cell(message)])
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response
