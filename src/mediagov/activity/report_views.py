"""Monthly report pages (月报表, YUFE 第十五条): the month's list, a report, its form, the two opinions and the
exports. Thin: scope, permission, form, service, message."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError
from mediagov.core.models import ActionLog
from mediagov.core.scoping import memberships_of, units_in_scope
from mediagov.core.views import institution_or_403, paginate
from mediagov.org.models import INSTITUTION_WIDE_ROLES, Role

from . import reports as services
from . import rules as report_rules
from .models import Report, ReportState
from .report_documents import form_notes, month_workbook, report_citation, report_docx, report_filename
from .report_documents import report_window_text as window_text
from .report_forms import OpinionForm, ReportFilterForm, ReportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _report(request, pk) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related(
            "account__institution", "account__responsible_unit", "account__direct_responsible"
        ),
        pk=pk,
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _awaiting_me(user, institution) -> Q:
    """Reports waiting for what `user` does: fill in and submit, the unit's opinion, the department's."""
    q = Q(pk__in=[])
    for m in memberships_of(user):
        if m.institution_id != institution.pk:
            continue
        if m.role == Role.PROPAGANDA:
            q |= Q(state=ReportState.UNIT_REVIEWED) | Q(state=ReportState.SUBMITTED, classified=True)
        elif m.unit_id and m.role == Role.UNIT_HEAD:
            q |= Q(state=ReportState.SUBMITTED, account__responsible_unit__path__startswith=m.unit.path)
        elif m.unit_id and m.role in report_rules.REPORT_FILERS:
            q |= Q(state=ReportState.PREFILLED, account__responsible_unit__path__startswith=m.unit.path)
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is not None:
        q |= Q(state=ReportState.PREFILLED, account__direct_responsible=person)
    return q & ~Q(submitted_by=user)


def _month_reports(request, institution):
    """The month's reports the user may see, filtered by the list's form; (form, period, queryset)."""
    today = timezone.localdate()
    wide = any(
        m.institution_id == institution.pk and m.role in INSTITUTION_WIDE_ROLES
        for m in memberships_of(request.user)
    )
    units = institution.units.all() if wide else units_in_scope(request.user, institution)
    form = ReportFilterForm(request.GET or None, units=units.order_by("path"))
    period = services.previous_month(today)
    reports = Report.objects.visible_to(request.user).filter(account__institution=institution).monthly()
    if form.is_valid():
        data = form.cleaned_data
        if data["month"]:
            try:
                period = services.parse_period(data["month"])
            except DomainError as exc:
                messages.error(request, str(exc))
        if data["unit"]:
            reports = reports.filter(account__responsible_unit__path__startswith=data["unit"].path)
        if data["state"] == "awaiting_me":
            reports = reports.filter(_awaiting_me(request.user, institution))
        elif data["state"]:
            reports = reports.filter(state=data["state"])
        if data["late"]:
            reports = reports.late(today=today)
    elif form.is_bound:
        reports = reports.none()
    return form, period, reports.filter(period=period)


@login_required
def report_list(request):
    institution = institution_or_403(request)
    form, period, reports = _month_reports(request, institution)
    reports = reports.select_related("account", "account__responsible_unit", "submitted_by").queue_order()
    page, query = paginate(request, reports)
    spec = services.monthly_report_rule(institution.policy)
    return render(
        request,
        "activity/report_list.html",
        {
            "institution": institution,
            "enabled": spec is not None,
            "citation": institution.policy.cite(spec.article) if spec else "",
            "window": (
                f"每月{spec.params['first_day']}日至{spec.params['last_day']}日报送上月月报表" if spec else ""
            ),
            "form": form,
            "period": period,
            "page": page,
            "query": query,
            "today": timezone.localdate(),
        },
    )


@login_required
def report_month_export(request):
    institution = institution_or_403(request)
    _form, period, reports = _month_reports(request, institution)
    content = month_workbook(reports, today=timezone.localdate())
    return _attachment(content, XLSX, f"新媒体管理月报表汇总-{institution.code}-{period:%Y-%m}.xlsx")


def _may(request, report: Report) -> dict:
    user = request.user
    own = report.submitted_by_id == user.pk
    return {
        "may_fill": report.editable and report_rules.can_fill_report(user, report),
        "may_unit": report.awaits_unit and not own and report_rules.is_report_unit_head(user, report),
        "may_department": report.awaits_department
        and not own
        and report_rules.is_report_department(user, report),
        "own": own,
    }


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    return render(
        request,
        "activity/report_detail.html",
        {
            "report": report,
            "account": report.account,
            "today": timezone.localdate(),
            "late": report.is_late(timezone.localdate()),
            "window": window_text(report),
            "citation": report_citation(report),
            "opinion_form": OpinionForm(),
            "history": ActionLog.objects.for_object(report).select_related("user"),
            **_may(request, report),
        },
    )


@login_required
def report_print(request, pk):
    report = _report(request, pk)
    admins = list(report.admins or [])
    admins += [{}] * max(0, 2 - len(admins))
    return render(
        request,
        "activity/report_print.html",
        {
            "report": report,
            "institution": report.account.institution,
            "admins": admins,
            "notes": form_notes(report),
            "citation": report_citation(report),
        },
    )


@login_required
def report_docx_view(request, pk):
    report = _report(request, pk)
    response = _attachment(report_docx(report), DOCX, report_filename(report))
    log_action(report, "report.exported", user=request.user, institution=report.account.institution)
    return response


@login_required
def report_edit(request, pk):
    report = _report(request, pk)
    if not report_rules.can_fill_report(request.user, report):
        raise PermissionDenied("只有帐号所在单位的管理员/运营人员或直接责任人可以填写月报表")
    if not report.editable:
        messages.error(request, f"月报表已报送（{report.get_state_display()}），不能再修改")
        return redirect("activity:report_detail", pk=pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_update(
                report=report,
                user=request.user,
                post_count=data["post_count"],
                topics=data["topics"],
                classified=data["classified"],
                note=data["note"],
            )
            if "submit" in request.POST:
                report = services.report_submit(report=report, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            if report.state == ReportState.SUBMITTED:
                late = "（逾期报送，已记录）" if report.late else ""
                routed = "，已直接送党委宣传部" if report.classified else ""
                messages.success(request, f"月报表已报送{late}{routed}")
            else:
                messages.success(request, "月报表已保存，尚未报送")
            return redirect("activity:report_detail", pk=pk)
    return render(
        request,
        "activity/report_form.html",
        {
            "report": report,
            "account": report.account,
            "form": form,
            "window": window_text(report),
            "late": report.is_late(timezone.localdate()),
            "citation": report_citation(report),
        },
    )


@login_required
@require_POST
def report_submit(request, pk):
    report = _report(request, pk)
    try:
        report = services.report_submit(report=report, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "月报表已报送" + ("（逾期报送，已记录）" if report.late else ""))
    return redirect("activity:report_detail", pk=pk)


def _opinion(request, pk, service, done: str):
    report = _report(request, pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写意见")
        return redirect("activity:report_detail", pk=pk)
    try:
        service(report=report, user=request.user, opinion=form.cleaned_data["opinion"])
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("activity:report_detail", pk=pk)


@login_required
@require_POST
def report_unit_opinion(request, pk):
    return _opinion(request, pk, services.report_unit_opinion, "已签署单位意见")


@login_required
@require_POST
def report_department_opinion(request, pk):
    return _opinion(request, pk, services.report_department_opinion, "已签署党委宣传部意见")
