"""The activity dashboards (发布活跃度): the institution's and a unit's, and each chart's data as xlsx.

Thin: the scope is decided in one place (`_institution_scope`, `_unit_scope`: the current institution, the
user's visible accounts, a unit only if it is in the user's unit scope, else 404); the numbers come from
`dashboard.charts`; every xlsx endpoint reads exactly what its page shows.
"""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from mediagov.compliance.selectors import scope_roots, units_visible
from mediagov.core.scoping import has_role
from mediagov.core.views import institution_or_403
from mediagov.org.models import Role, Unit
from mediagov.registry.models import MediaAccount

from . import chart_exports, charts

CHARTS = ("posts", "risks", "reports")  # each has its xlsx endpoint
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _institution_scope(request) -> charts.ChartScope:
    institution = institution_or_403(request)
    whole = any(has_role(request.user, role, institution) for role in (Role.PROPAGANDA, Role.IT_CENTER))
    return charts.ChartScope(user=request.user, institution=institution, whole_institution=whole)


def _unit_scope(request, pk) -> charts.ChartScope:
    unit = Unit.objects.select_related("institution").filter(pk=pk).first()
    if unit is None or not units_visible(request.user, unit.institution).filter(pk=pk).exists():
        raise Http404("单位不存在或不在您的管理范围内")
    return charts.ChartScope(user=request.user, institution=unit.institution, unit=unit)


def _xlsx_response(data: bytes, what: str, scope_name: str) -> HttpResponse:
    """A download named in Chinese: 《what》-scope-YYYYMMDD.xlsx (ASCII fallback for old clients)."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{what}-{scope_name}-{stamp}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"activity-{stamp}.xlsx\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return response


def _page(request, scope: charts.ChartScope, *, children, export_urls: dict[str, str]):
    today = timezone.localdate()
    snap = charts.activity_snapshot(scope.institution, today)
    platforms = charts.posts_by_platform(scope, today)
    risks = charts.activity_risks(scope, snap)
    reports = charts.report_punctuality(scope, snap)
    stamp = today.strftime("%Y%m%d")
    return render(
        request,
        "dashboard/activity.html",
        {
            "scope": scope,
            "institution": scope.institution,
            "unit": scope.unit,
            "ancestors": scope.unit.ancestors_and_self()[:-1] if scope.unit else [],
            "today": today,
            "platforms": platforms,
            "platform_option": charts.platform_option(platforms, scope.name),
            "platform_png": f"各平台每月发布-{scope.name}-{stamp}",
            "inactive": [r for r in risks if r.state == "inactive"],
            "at_risk": [r for r in risks if r.state == "at_risk"],
            "reports": reports,
            "reports_option": charts.reports_option(reports, scope.name) if reports else None,
            "reports_png": f"月报表按时报送率-{scope.name}-{stamp}",
            "children": children,
            **{f"{chart}_url": url for chart, url in export_urls.items()},
        },
    )


@login_required
def institution_activity(request):
    scope = _institution_scope(request)
    return _page(
        request,
        scope,
        children=scope_roots(request.user, scope.institution),
        export_urls={chart: reverse(f"dashboard:activity_{chart}_xlsx") for chart in CHARTS},
    )


@login_required
def unit_activity(request, pk):
    scope = _unit_scope(request, pk)
    return _page(
        request,
        scope,
        children=list(
            units_visible(request.user, scope.institution).filter(parent=scope.unit).order_by("code")
        ),
        export_urls={chart: reverse(f"dashboard:unit_activity_{chart}_xlsx", args=[pk]) for chart in CHARTS},
    )


# ---------------------------------------------------------------- one xlsx per chart
def _posts_xlsx(scope):
    data = charts.posts_by_platform(scope, timezone.localdate())
    return _xlsx_response(chart_exports.platform_workbook(data), "各平台每月发布", scope.name)


def _risks_xlsx(scope):
    today = timezone.localdate()
    rows = charts.activity_risks(scope, charts.activity_snapshot(scope.institution, today))
    return _xlsx_response(chart_exports.risk_workbook(rows), "未更新与临近违反帐号", scope.name)


def _reports_xlsx(scope):
    if charts.monthly_report_rule(scope.institution.policy) is None:
        raise Http404(f"{scope.institution.name}的政策包没有规定月报表报送时间")
    today = timezone.localdate()
    data = charts.report_punctuality(scope, charts.activity_snapshot(scope.institution, today))
    return _xlsx_response(chart_exports.report_workbook(data), "月报表按时报送率", scope.name)


@login_required
def activity_posts_xlsx(request):
    return _posts_xlsx(_institution_scope(request))


@login_required
def activity_risks_xlsx(request):
    return _risks_xlsx(_institution_scope(request))


@login_required
def activity_reports_xlsx(request):
    return _reports_xlsx(_institution_scope(request))


@login_required
def unit_activity_posts_xlsx(request, pk):
    return _posts_xlsx(_unit_scope(request, pk))


@login_required
def unit_activity_risks_xlsx(request, pk):
    return _risks_xlsx(_unit_scope(request, pk))


@login_required
def unit_activity_reports_xlsx(request, pk):
    return _reports_xlsx(_unit_scope(request, pk))


# ---------------------------------------------------------------- one account's timeline
@login_required
def account_timeline_xlsx(request, pk):
    account = get_object_or_404(MediaAccount.objects.visible_to(request.user), pk=pk)
    timeline = charts.account_timeline(account, timezone.localdate())
    return _xlsx_response(chart_exports.timeline_workbook(timeline), "每月发布", account.name)
