"""Source pages for the 党委宣传部 and the IT center: the list, setting one up, and running it now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mediagov.core.errors import DomainError
from mediagov.core.models import ActionLog
from mediagov.core.views import institution_or_403, paginate

from . import services
from .forms import SourceFilterForm, SourceForm
from .models import Source, SourceStatus

FORBIDDEN = "只有党委宣传部和网络与信息化中心可以管理数据来源"


def _manager(request):
    """The current institution, for its 党委宣传部 and IT center only (403 for everyone else)."""
    institution = institution_or_403(request)
    if not request.user.has_perm("connectors.manage_sources", institution):
        raise PermissionDenied(FORBIDDEN)
    return institution


def _source(request, pk) -> Source:
    """A source of an account the user sees (404 otherwise) that the user may manage (403 otherwise)."""
    source = get_object_or_404(
        Source.objects.visible_to(request.user).select_related("account", "institution"), pk=pk
    )
    if not request.user.has_perm("connectors.manage_sources", source.institution):
        raise PermissionDenied(FORBIDDEN)
    return source


def _common(request, institution) -> dict:
    return {
        "institution": institution,
        "can_set_secret": request.user.has_perm("connectors.set_secret", institution),
        "it_article": services.it_center_article(institution),
    }


@login_required
def source_list(request):
    institution = _manager(request)
    form = SourceFilterForm(request.GET or None)
    qs = Source.objects.filter(institution=institution).select_related("account", "account__responsible_unit")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        status = form.cleaned_data["status"]
        if status == SourceStatus.DISABLED:
            qs = qs.filter(enabled=False)
        elif status == SourceStatus.NEVER:
            qs = qs.filter(enabled=True, last_run_at__isnull=True)
        elif status == SourceStatus.ERROR:
            qs = qs.filter(enabled=True, failures__gt=0)
        elif status == SourceStatus.OK:
            qs = qs.filter(enabled=True, last_run_at__isnull=False, failures=0)
    page, query = paginate(request, qs)
    errors = Source.objects.filter(Q(failures__gt=0), institution=institution, enabled=True).count()
    return render(
        request,
        "connectors/source_list.html",
        {**_common(request, institution), "form": form, "page": page, "query": query, "errors": errors},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_create(request):
    institution = _manager(request)
    return _source_form(request, institution, None)


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int):
    source = _source(request, pk)
    return _source_form(request, source.institution, source)


def _source_form(request, institution, source):
    common = _common(request, institution)
    extra = {}
    if source is None and request.GET.get("account"):
        extra["initial"] = {"account": request.GET["account"], "kind": request.GET.get("kind", "")}
    form = SourceForm(
        request.POST or None,
        institution=institution,
        source=source,
        can_set_secret=common["can_set_secret"],
        **extra,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.source_save(
                institution=institution,
                user=request.user,
                source=source,
                account=data.get("account"),
                kind=data.get("kind", ""),
                enabled=data["enabled"],
                url=data.get("url", source.url if source else ""),
                app_id=data.get("app_id", source.app_id if source else ""),
                api_base=data.get("api_base", source.api_base if source else ""),
                app_secret=data.get("app_secret", ""),
                clear_secret=data.get("clear_secret", False),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存数据来源“{saved}”")
            return redirect("connectors:source_edit", pk=saved.pk)
    history = ActionLog.objects.for_object(source).select_related("user")[:50] if source else []
    return render(
        request,
        "connectors/source_form.html",
        {**common, "source": source, "form": form, "history": history},
    )


@login_required
@require_POST
def source_run(request, pk: int):
    source = _source(request, pk)
    result = services.source_run(source=source, user=request.user)
    if result.outcome == "ok":
        messages.success(request, f"获取完成：读取{result.received}条，新增{result.added}条发布记录")
    elif result.outcome == "skipped":
        messages.warning(request, f"未获取：{result.message}")
    else:
        messages.error(request, f"获取失败：{result.message}")
    return redirect("connectors:source_edit", pk=source.pk)
