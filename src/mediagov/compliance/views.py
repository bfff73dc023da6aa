"""Compliance pages: the overview, a unit, an account, a finding, a sanction, and their xlsx exports.

Thin: fetch through the scoped querysets (an object outside the user's scope is a 404), check the `rules`
permission (403), parse the form, call the service, turn a DomainError into a message, redirect.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mediagov.core.errors import DomainError
from mediagov.core.models import ActionLog
from mediagov.core.scoping import is_department
from mediagov.core.views import department_institution_or_403, institution_or_403, paginate
from mediagov.org.models import Unit
from mediagov.registry.models import MediaAccount

from . import selectors, services
from .exports import compliance_workbook
from .forms import (
    AcknowledgeForm,
    FindingFilterForm,
    LiftForm,
    NoteForm,
    RectifyForm,
    SanctionForm,
    WaiveForm,
)
from .models import Finding, Sanction, ScanTrigger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- fetching within scope
def _finding(request, pk) -> Finding:
    return get_object_or_404(
        Finding.objects.visible_to(request.user).select_related(
            "account", "account__responsible_unit", "institution"
        ),
        pk=pk,
    )


def _account(request, pk) -> MediaAccount:
    return get_object_or_404(
        MediaAccount.objects.visible_to(request.user).select_related("responsible_unit", "institution"), pk=pk
    )


def _sanction(request, pk) -> Sanction:
    return get_object_or_404(
        Sanction.objects.visible_to(request.user).select_related(
            "account", "account__responsible_unit", "institution", "issued_by", "lifted_by"
        ),
        pk=pk,
    )


def _unit(request, pk) -> Unit:
    unit = Unit.objects.select_related("institution").filter(pk=pk).first()
    if unit is None or not selectors.units_visible(request.user, unit.institution).filter(pk=pk).exists():
        raise Http404("单位不存在或不在您的管理范围内")
    return unit


def _require(request, perm: str, obj, message: str) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message)


def _form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def _xlsx_response(data: bytes, name: str) -> HttpResponse:
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{name}-{stamp}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"compliance-{stamp}.xlsx\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return response


# ---------------------------------------------------------------- the overview
@login_required
def overview(request):
    institution = institution_or_403(request)
    pack = institution.policy
    today = timezone.localdate()
    department = is_department(request.user, institution)
    findings = selectors.findings_for(request.user, institution)
    sanctions = selectors.sanctions_for(request.user, institution)
    rules = selectors.rule_catalogue(pack, findings, as_of=today)
    units = selectors.units_visible(request.user, institution)
    form = FindingFilterForm(request.GET or None, rules=rules, units=units)
    if form.is_valid():
        listed = selectors.findings_filter(findings, as_of=today, **form.cleaned_data)
    else:
        listed = findings.active()
    page, query = paginate(request, selectors.ordered(listed))
    return render(
        request,
        "compliance/overview.html",
        {
            "institution": institution,
            "pack": pack,
            "today": today,
            "is_department": department,
            "kpis": selectors.finding_kpis(findings, sanctions, as_of=today),
            "rules": rules,
            "by_state": selectors.counts_by_state(findings),
            "by_severity": selectors.counts_by_severity(findings),
            "by_article": selectors.counts_by_article(findings),
            "by_unit": selectors.unit_rollup(
                selectors.scope_roots(request.user, institution), findings, sanctions, as_of=today
            ),
            "scans": selectors.latest_scans(institution) if department else [],
            "last_scan": selectors.latest_scan(institution),
            "form": form,
            "page": page,
            "query": query,
            "total": page.paginator.count,
            "guidance": pack.guidance("compliance"),
        },
    )


@login_required
@require_POST
def scan_now(request):
    institution = department_institution_or_403(request, "只有党委宣传部可以发起合规扫描")
    if not institution.pack:
        messages.error(request, f"{institution.name}尚未加载政策包，无法扫描")
        return redirect("compliance:overview")
    outcome = services.scan_run(
        institution, as_of=timezone.localdate(), trigger=ScanTrigger.WEB, by=request.user
    )
    how = (
        f"新发现 {outcome.opened} 个，自动关闭 {outcome.closed} 个"
        if outcome.persisted
        else "检查日期早于最近一次扫描，结果未写入"
    )
    messages.success(
        request,
        f"扫描完成：截至{outcome.as_of:%Y-%m-%d}，检查帐号 {len(outcome.accounts)} 个，"
        f"存在问题 {len(outcome.drafts)} 个（{how}）",
    )
    for line in outcome.errors:
        messages.warning(request, f"未能检查：{line}")
    return redirect("compliance:overview")


@login_required
def overview_export(request):
    institution = institution_or_403(request)
    data = compliance_workbook(
        findings=selectors.findings_for(request.user, institution),
        sanctions=selectors.sanctions_for(request.user, institution),
        as_of=timezone.localdate(),
    )
    return _xlsx_response(data, f"合规检查-{institution.name}")


# ---------------------------------------------------------------- a unit
def _unit_scope(request, unit):
    findings = selectors.findings_for(request.user, unit.institution).in_unit(unit)
    sanctions = selectors.sanctions_for(request.user, unit.institution).filter(
        account__responsible_unit__path__startswith=unit.path
    )
    return findings, sanctions


@login_required
def unit_detail(request, pk):
    unit = _unit(request, pk)
    today = timezone.localdate()
    findings, sanctions = _unit_scope(request, unit)
    accounts = MediaAccount.objects.visible_to(request.user).filter(
        institution=unit.institution, responsible_unit__path__startswith=unit.path
    )
    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    return render(
        request,
        "compliance/unit_detail.html",
        {
            "unit": unit,
            "institution": unit.institution,
            "today": today,
            "ancestors": unit.ancestors_and_self()[:-1],
            "accounts": selectors.accounts_with_compliance(accounts, as_of=today),
            "findings": selectors.ordered(findings.active()),
            "sanctions": sanctions.active(),
            "kpis": selectors.finding_kpis(findings, sanctions, as_of=today),
            "children": selectors.unit_rollup(children, findings, sanctions, as_of=today, only_nonzero=False),
        },
    )


@login_required
def unit_export(request, pk):
    unit = _unit(request, pk)
    findings, sanctions = _unit_scope(request, unit)
    data = compliance_workbook(findings=findings, sanctions=sanctions, as_of=timezone.localdate())
    return _xlsx_response(data, f"合规检查-{unit.name}")


# ---------------------------------------------------------------- an account
@login_required
def account_detail(request, pk):
    account = _account(request, pk)
    today = timezone.localdate()
    can_sanction = request.user.has_perm("compliance.sanction_account", account)
    findings = selectors.ordered(account.findings.all())
    return render(
        request,
        "compliance/account_detail.html",
        {
            "account": account,
            "today": today,
            "findings": findings,
            "sanctions": account.sanctions.select_related("issued_by").prefetch_related("findings"),
            "can_sanction": can_sanction,
            "sanction_form": SanctionForm(findings=account.findings.active()) if can_sanction else None,
            "accountable": [
                (selectors.RESPONSIBLE_ROLES.get(p["role"], p["role"]), p)
                for p in (services.sanction_accountable(account) if can_sanction else [])
            ],
            "pack": account.institution.policy,
        },
    )


@login_required
@require_POST
def sanction_issue(request, pk):
    account = _account(request, pk)
    _require(request, "compliance.sanction_account", account, "只有党委宣传部可以作出处理决定")
    form = SanctionForm(request.POST, findings=account.findings.all())
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("compliance:account_detail", pk=account.pk)
    data = form.cleaned_data
    try:
        sanction = services.sanction_issue(
            account=account,
            level=data["level"],
            findings=data["findings"],
            reason=data["reason"],
            deadline=data["deadline"],
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("compliance:account_detail", pk=account.pk)
    messages.success(request, f"已作出处理决定：{sanction.get_level_display()}")
    return redirect("compliance:sanction_detail", pk=sanction.pk)


@login_required
def account_export(request, pk):
    account = _account(request, pk)
    data = compliance_workbook(
        findings=selectors.findings_for(request.user, account.institution).filter(account=account),
        sanctions=selectors.sanctions_for(request.user, account.institution).filter(account=account),
        as_of=timezone.localdate(),
    )
    return _xlsx_response(data, f"合规检查-{account.name}")


# ---------------------------------------------------------------- a finding
@login_required
def finding_detail(request, pk):
    finding = _finding(request, pk)
    today = timezone.localdate()
    history = ActionLog.objects.for_object(finding).select_related("user")
    return render(
        request,
        "compliance/finding_detail.html",
        {
            "finding": finding,
            "account": finding.account,
            "discovered": finding.discovered,  # an unregistered account found by the name watch
            "today": today,
            "overdue": finding.is_active and finding.due_date is not None and finding.due_date < today,
            "evidence": selectors.evidence_rows(finding.evidence),
            "responsible": [
                (selectors.RESPONSIBLE_ROLES.get(r.get("role"), r.get("role")), r.get("name"))
                for r in finding.responsible
            ],
            "sanctions": finding.sanctions.all(),
            "history": history,
            "changes": selectors.finding_changes(finding),
            "can_answer": request.user.has_perm("compliance.answer_finding", finding),
            "can_judge": request.user.has_perm("compliance.judge_finding", finding),
            "rectify_form": RectifyForm(),
            "note_form": NoteForm(),
            "waive_form": WaiveForm(),
            "own_rectification": finding.rectified_by_id == request.user.pk,
        },
    )


def _finding_action(request, pk, *, perm: str, forbidden: str, form_class, call, done: str):
    finding = _finding(request, pk)
    _require(request, perm, finding, forbidden)
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("compliance:finding_detail", pk=finding.pk)
    try:
        call(finding, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("compliance:finding_detail", pk=finding.pk)


ANSWER = "只有帐号所在单位的人员或党委宣传部可以处理该问题"
JUDGE = "只有党委宣传部可以核验、退回或豁免问题"


@login_required
@require_POST
def finding_acknowledge(request, pk):
    return _finding_action(
        request,
        pk,
        perm="compliance.answer_finding",
        forbidden=ANSWER,
        form_class=AcknowledgeForm,
        call=lambda f, d: services.finding_acknowledge(f, by=request.user, note=d["note"]),
        done="已确认问题",
    )


@login_required
@require_POST
def finding_rectify(request, pk):
    return _finding_action(
        request,
        pk,
        perm="compliance.answer_finding",
        forbidden=ANSWER,
        form_class=RectifyForm,
        call=lambda f, d: services.finding_rectify(
            f, by=request.user, description=d["description"], url=d["url"]
        ),
        done="已报告整改，等待党委宣传部核验",
    )


@login_required
@require_POST
def finding_verify(request, pk):
    return _finding_action(
        request,
        pk,
        perm="compliance.judge_finding",
        forbidden=JUDGE,
        form_class=NoteForm,
        call=lambda f, d: services.finding_verify(f, by=request.user, note=d["note"]),
        done="整改已核验，问题已关闭",
    )


@login_required
@require_POST
def finding_reject(request, pk):
    return _finding_action(
        request,
        pk,
        perm="compliance.judge_finding",
        forbidden=JUDGE,
        form_class=NoteForm,
        call=lambda f, d: services.finding_reject_rectification(f, by=request.user, note=d["note"]),
        done="已退回整改",
    )


@login_required
@require_POST
def finding_waive(request, pk):
    return _finding_action(
        request,
        pk,
        perm="compliance.judge_finding",
        forbidden=JUDGE,
        form_class=WaiveForm,
        call=lambda f, d: services.finding_waive(f, by=request.user, reason=d["reason"]),
        done="问题已豁免",
    )


# ---------------------------------------------------------------- a sanction
@login_required
def sanction_detail(request, pk):
    sanction = _sanction(request, pk)
    can_lift = request.user.has_perm("compliance.sanction_account", sanction.account)
    return render(
        request,
        "compliance/sanction_detail.html",
        {
            "sanction": sanction,
            "account": sanction.account,
            "findings": sanction.findings.all(),
            "chain": selectors.sanction_chain(sanction),
            "accountable": [
                (selectors.RESPONSIBLE_ROLES.get(p.get("role"), p.get("role")), p)
                for p in sanction.accountable
            ],
            "previous_status": dict(MediaAccount._meta.get_field("status").choices).get(
                sanction.previous_status, sanction.previous_status
            ),
            "history": ActionLog.objects.for_object(sanction).select_related("user"),
            "can_lift": can_lift,
            "lift_form": LiftForm(),
        },
    )


@login_required
@require_POST
def sanction_lift(request, pk):
    sanction = _sanction(request, pk)
    _require(request, "compliance.sanction_account", sanction.account, "只有党委宣传部可以解除处理")
    form = LiftForm(request.POST)
    form.is_valid()
    try:
        services.sanction_lift(sanction, by=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        account = MediaAccount.objects.get(pk=sanction.account_id)
        messages.success(request, f"处理已解除，帐号状态恢复为“{account.get_status_display()}”")
    return redirect("compliance:sanction_detail", pk=sanction.pk)
