"""Name watch pages (DUT 第九条): the department imports or enters discovered accounts, reads the verdicts
with their evidence, and downloads a 责令更名/注销通知 for each flagged account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path

from mediagov.compliance.services import findings_of_discovered
from mediagov.core.errors import DomainError, ImportFileError
from mediagov.core.views import department_institution_or_403, paginate

from .forms import NameWatchEntryForm, NameWatchUploadForm
from .models import DiscoveredAccount
from .namewatch import Discovered, namewatch_record, read_discovered, verdict_of
from .notices import namewatch_notice_docx, namewatch_notice_filename

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _department_institution(request):
    return department_institution_or_403(request, "只有党委宣传部可以使用名称监测")


@login_required
def namewatch(request):
    institution = _department_institution(request)
    upload = NameWatchUploadForm(prefix="up")
    entry = NameWatchEntryForm(prefix="one")
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("action") == "upload":
            upload = NameWatchUploadForm(request.POST, request.FILES, prefix="up")
            if upload.is_valid():
                f = upload.cleaned_data["file"]
                try:
                    rows = read_discovered(f.read(), f.name)
                except ImportFileError as exc:
                    errors = exc.lines(f.name)
                else:
                    saved = namewatch_record(institution, rows, user=request.user, filename=f.name)
                    flagged = sum(s.flagged for s in saved)
                    opened = sum(s.finding_created for s in saved)
                    messages.success(
                        request,
                        f"已检查{len(saved)}个帐号，其中{flagged}个需责令更名或注销；新记合规问题{opened}个",
                    )
                    return redirect("screening:namewatch")
        else:
            entry = NameWatchEntryForm(request.POST, prefix="one")
            if entry.is_valid():
                c = entry.cleaned_data
                d = Discovered(c["platform"], c["name"], c["handle"], c["url"], c["bio"], c["followers"])
                (saved,) = namewatch_record(institution, [d], user=request.user, source="manual")
                messages.success(request, f"“{saved.name}”：{saved.get_verdict_display()}")
                return redirect("screening:namewatch")
    queryset = DiscoveredAccount.objects.of(institution).select_related("account")
    verdict = request.GET.get("verdict", "")
    if verdict in DiscoveredAccount.Verdict.values:
        queryset = queryset.filter(verdict=verdict)
    page, query = paginate(request, queryset)
    findings = findings_of_discovered(list(page))
    for d in page:
        d.finding = findings.get(d.pk)
    return render(
        request,
        "screening/namewatch.html",
        {
            "institution": institution,
            "upload": upload,
            "entry": entry,
            "errors": errors,
            "page": page,
            "query": query,
            "verdict": verdict,
            "verdicts": DiscoveredAccount.Verdict.choices,
            "article": institution.policy.cite(institution.policy.protected_names.get("article", "")),
        },
    )


@login_required
def namewatch_notice(request, pk):
    institution = _department_institution(request)
    obj = get_object_or_404(DiscoveredAccount, pk=pk, institution=institution)
    verdict = verdict_of(obj)
    try:
        data = namewatch_notice_docx(institution, verdict)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("screening:namewatch")
    response = HttpResponse(data, content_type=DOCX)
    name = escape_uri_path(namewatch_notice_filename(verdict))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
