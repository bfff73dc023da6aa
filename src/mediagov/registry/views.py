"""Registry pages: the ledger, accounts, filings and approvals. Thin: scope, form, service, message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mediagov.core.errors import DomainError, ImportFileError
from mediagov.core.models import ActionLog
from mediagov.core.scoping import is_department, units_in_scope
from mediagov.core.views import institution_or_403, paginate

from . import services
from .documents import filing_number
from .forms import (
    AccountFilterForm,
    AccountForm,
    CancelForm,
    ChangeEventForm,
    DecisionForm,
    ManagerFormSet,
    NewFilingKindForm,
    UploadForm,
    manager_initial,
)
from .models import AccountStatus, Filing, FilingKind, FilingState, MediaAccount
from .services import CHANGEABLE_FIELDS, FK_FIELDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _account(request, pk) -> MediaAccount:
    return get_object_or_404(
        MediaAccount.objects.visible_to(request.user).select_related("responsible_unit"), pk=pk
    )


def _filing(request, pk) -> Filing:
    return get_object_or_404(
        Filing.objects.visible_to(request.user).select_related("account", "institution"), pk=pk
    )


def _filtered_accounts(request, institution):
    units = (
        units_in_scope(request.user, institution) if not is_department(request.user, institution) else None
    )
    form = AccountFilterForm(
        request.GET or None, units=units if units is not None else institution.units.all()
    )
    qs = MediaAccount.objects.visible_to(request.user).filter(institution=institution)
    qs = qs.select_related("responsible_unit", "direct_responsible")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(name__icontains=q)
                | Q(platform_id__icontains=q)
                | Q(handle__icontains=q)
                | Q(owner__icontains=q)
            )
        if data["unit"]:
            qs = qs.filter(responsible_unit__path__startswith=data["unit"].path)
        for field in ("platform", "status", "owner_kind"):
            if data[field]:
                qs = qs.filter(**{field: data[field]})
    return form, qs


@login_required
def account_list(request):
    institution = institution_or_403(request)
    form, qs = _filtered_accounts(request, institution)
    page, query = paginate(request, qs)
    return render(
        request,
        "registry/account_list.html",
        {
            "institution": institution,
            "form": form,
            "page": page,
            "total": qs.count(),
            "query": query,
            "can_import": is_department(request.user, institution),
        },
    )


@login_required
def ledger_export(request):
    from .ledger import ledger_export_xlsx

    institution = institution_or_403(request)
    _form, qs = _filtered_accounts(request, institution)
    response = HttpResponse(ledger_export_xlsx(qs), content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''ledger-{institution.code}-{stamp}.xlsx"
    return response


@login_required
def ledger_import(request):
    from .ledger import ledger_import as do_import

    institution = institution_or_403(request)
    if not is_department(request.user, institution):
        raise PermissionDenied("只有党委宣传部可以导入台账")
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = "preview" in request.POST
        try:
            result = do_import(
                institution=institution,
                data=upload.read(),
                filename=upload.name,
                user=request.user,
                dry_run=dry_run,
            )
        except ImportFileError as exc:
            errors = exc.lines(upload.name)
        else:
            if not dry_run:
                messages.success(request, f"台账导入完成：新增{result.created}条，更新{result.updated}条")
                return redirect("registry:account_list")
    return render(
        request,
        "registry/ledger_import.html",
        {"form": form, "errors": errors, "result": result, "institution": institution},
    )


def _history(account) -> list:
    entries = list(ActionLog.objects.for_object(account).select_related("user")[:100])
    for filing in account.filings.all():
        entries.extend(ActionLog.objects.for_object(filing).select_related("user")[:100])
    return sorted(entries, key=lambda e: e.created, reverse=True)


def _field_changes(account) -> list[dict]:
    """Field-level changes from django-simple-history, newest first."""
    out = []
    records = list(account.history.all().select_related("history_user")[:50])
    for newer, older in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older)
        for change in delta.changes:
            field = MediaAccount._meta.get_field(change.field)
            out.append(
                {
                    "when": newer.history_date,
                    "who": newer.history_user,
                    "label": field.verbose_name,
                    "old": services.account_field_display(change.field, change.old),
                    "new": services.account_field_display(change.field, change.new),
                }
            )
    return out


@login_required
def account_detail(request, pk):
    account = _account(request, pk)
    pack = account.institution.policy
    return render(
        request,
        "registry/account_detail.html",
        {
            "account": account,
            "managers": account.managers.select_related("person"),
            "filings": account.filings.all(),
            "open_filing": account.filings.open().first(),
            "history": _history(account),
            "changes": _field_changes(account),
            "guidance": pack.guidance("account"),
            "pack": pack,
            "can_file": request.user.has_perm("registry.file_account", account),
            "alliance": pack.alliance,
        },
    )


def _deadline_notes(pack) -> list[tuple[str, str]]:
    notes = []
    for kind in pack.filing_kinds:
        rule = pack.deadline(kind)
        if rule:
            notes.append((FilingKind(kind).label, f"{rule.label}（{pack.cite(rule.article)}）"))
    return notes


def _managers_from(formset) -> list[dict]:
    return [row for row in (f.row() for f in formset.forms) if row]


def _require_file_perm(request, account):
    if not request.user.has_perm("registry.file_account", account):
        raise PermissionDenied("您无权为该帐号办理备案")


@login_required
def account_create(request):
    """New (or legacy) filing: register the account as 申请中 and create its filing."""
    institution = institution_or_403(request)
    pack = institution.policy
    units = units_in_scope(request.user, institution)
    if not units.exists():
        raise PermissionDenied("您没有可以办理备案的单位")
    form = AccountForm(request.POST or None, institution=institution, units=units)
    kind_form = NewFilingKindForm(request.POST or None, pack=pack)
    formset = ManagerFormSet(
        request.POST or None,
        initial=None if request.POST else manager_initial(),
        form_kwargs={"institution": institution},
    )
    if request.method == "POST" and form.is_valid() and kind_form.is_valid() and formset.is_valid():
        try:
            account, filing = services.filing_open_registration(
                institution=institution,
                user=request.user,
                fields=form.cleaned_data,
                managers=_managers_from(formset),
                kind=kind_form.cleaned_data["kind"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            if "submit" not in request.POST:
                messages.success(request, "备案草稿已保存")
                return redirect("registry:filing_detail", pk=filing.pk)
            try:
                services.filing_submit(filing=filing, user=request.user)
            except DomainError as exc:
                messages.error(request, f"草稿已保存，但{exc}")
            else:
                messages.success(request, "备案已提交，等待审批")
            return redirect("registry:filing_detail", pk=filing.pk)
    return render(
        request,
        "registry/account_form.html",
        {
            "form": form,
            "kind_form": kind_form,
            "formset": formset,
            "pack": pack,
            "guidance": pack.guidance("filing"),
            "deadline_notes": _deadline_notes(pack),
            "title": "新建备案",
        },
    )


@login_required
def account_edit(request, pk):
    """Edit a pending account (its registration filing is a draft or was returned)."""
    account = _account(request, pk)
    _require_file_perm(request, account)
    institution = account.institution
    if account.status != AccountStatus.PENDING:
        return redirect("registry:filing_change", pk=account.pk)
    form = AccountForm(
        request.POST or None,
        instance=account,
        institution=institution,
        units=units_in_scope(request.user, institution),
    )
    formset = ManagerFormSet(
        request.POST or None,
        initial=None if request.POST else manager_initial(account),
        form_kwargs={"institution": institution},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.account_update(
                account=account, user=request.user, fields=form.cleaned_data, managers=_managers_from(formset)
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "帐号信息已保存")
            filing = account.filings.open().first()
            return (
                redirect("registry:filing_detail", pk=filing.pk)
                if filing
                else redirect(account_detail, pk=account.pk)
            )
    return render(
        request,
        "registry/account_form.html",
        {
            "form": form,
            "formset": formset,
            "pack": institution.policy,
            "guidance": [],
            "title": f"修改 {account.name}",
            "account": account,
        },
    )


def _proposal(form, formset, account) -> dict:
    proposed = {}
    for field in CHANGEABLE_FIELDS:
        value = form.cleaned_data.get(field)
        if field in FK_FIELDS:
            value = value.pk if value else None
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        proposed[field] = value
    proposed["managers"] = _managers_from(formset)
    return proposed


@login_required
def filing_change(request, pk):
    """Change filing (变更备案): edit the facts; the filing records the field-level diff."""
    account = _account(request, pk)
    _require_file_perm(request, account)
    institution = account.institution
    pack = institution.policy
    form = AccountForm(
        request.POST or None, instance=account, institution=institution, units=institution.units.all()
    )
    form.fields["platform"].disabled = True
    formset = ManagerFormSet(
        request.POST or None,
        initial=None if request.POST else manager_initial(account),
        form_kwargs={"institution": institution},
    )
    event_form = ChangeEventForm(request.POST or None, initial={"event_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and formset.is_valid() and event_form.is_valid():
        # A ModelForm's is_valid() writes into the instance; re-read the account before diffing.
        account.refresh_from_db()
        try:
            filing = services.filing_create(
                account=account,
                kind=FilingKind.CHANGE,
                user=request.user,
                event_date=event_form.cleaned_data["event_date"],
                proposed=_proposal(form, formset, account),
                reason=event_form.cleaned_data["reason"],
            )
            if "submit" in request.POST:
                services.filing_submit(filing=filing, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "变更备案已提交" if filing.state == FilingState.SUBMITTED else "变更备案草稿已保存"
            )
            return redirect("registry:filing_detail", pk=filing.pk)
    rule = pack.deadline(FilingKind.CHANGE)
    return render(
        request,
        "registry/filing_change.html",
        {
            "account": account,
            "form": form,
            "formset": formset,
            "event_form": event_form,
            "rule": rule,
            "pack": pack,
        },
    )


@login_required
def filing_cancel(request, pk):
    account = _account(request, pk)
    _require_file_perm(request, account)
    form = CancelForm(request.POST or None, initial={"event_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.filing_create(
                account=account,
                kind=FilingKind.CANCEL,
                user=request.user,
                event_date=form.cleaned_data["event_date"],
                reason=form.cleaned_data["reason"],
            )
            services.filing_submit(filing=filing, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "注销备案已提交")
            return redirect("registry:filing_detail", pk=filing.pk)
    return render(
        request,
        "registry/filing_cancel.html",
        {"account": account, "form": form, "pack": account.institution.policy},
    )


@login_required
def filing_list(request):
    institution = institution_or_403(request)
    qs = (
        Filing.objects.visible_to(request.user)
        .filter(institution=institution)
        .select_related("account", "account__responsible_unit")
    )
    tab = request.GET.get("tab", "todo")
    today = timezone.localdate()
    if tab == "todo":
        qs = [
            f
            for f in qs.filter(state=FilingState.SUBMITTED)
            if request.user.has_perm("registry.decide_filing", f)
        ]
    elif tab == "mine":
        qs = qs.filter(Q(created_by=request.user) | Q(submitted_by=request.user))
    elif tab == "overdue":
        qs = qs.overdue(as_of=today)
    else:
        state = request.GET.get("state")
        if state:
            qs = qs.filter(state=state)
        kind = request.GET.get("kind")
        if kind:
            qs = qs.filter(kind=kind)
    page, query = paginate(request, qs)
    return render(
        request,
        "registry/filing_list.html",
        {
            "page": page,
            "query": query,
            "tab": tab,
            "today": today,
            "states": FilingState.choices,
            "kinds": FilingKind.choices,
        },
    )


@login_required
def filing_detail(request, pk):
    filing = _filing(request, pk)
    step = filing.current_step()
    can_decide = request.user.has_perm("registry.decide_filing", filing)
    can_file = request.user.has_perm("registry.file_account", filing.account)
    today = timezone.localdate()
    return render(
        request,
        "registry/filing_detail.html",
        {
            "filing": filing,
            "account": filing.account,
            "step": step,
            "steps": filing.steps.select_related("signed_by", "unit").order_by("round", "order"),
            "can_decide": can_decide,
            "can_file": can_file,
            "decision_form": DecisionForm(),
            "overdue": filing.is_overdue(today),
            "number": filing_number(filing),
            "history": ActionLog.objects.for_object(filing).select_related("user"),
            "pack": filing.institution.policy,
            "own_filing": request.user.pk in (filing.created_by_id, filing.submitted_by_id),
        },
    )


@login_required
@require_POST
def filing_decide(request, pk):
    filing = _filing(request, pk)
    form = DecisionForm(request.POST)
    step = filing.current_step()
    if step is None or not form.is_valid():
        messages.error(request, "该备案当前没有待审批的环节")
        return redirect("registry:filing_detail", pk=pk)
    try:
        services.filing_decide(
            step=step,
            user=request.user,
            decision=form.cleaned_data["decision"],
            opinion=form.cleaned_data["opinion"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已签署“{step.label}”")
    return redirect("registry:filing_detail", pk=pk)


@login_required
@require_POST
def filing_submit(request, pk):
    filing = _filing(request, pk)
    _require_file_perm(request, filing.account)
    try:
        services.filing_submit(filing=filing, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "备案已提交，等待审批")
    return redirect("registry:filing_detail", pk=pk)


@login_required
@require_POST
def filing_withdraw(request, pk):
    filing = _filing(request, pk)
    _require_file_perm(request, filing.account)
    try:
        services.filing_withdraw(filing=filing, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "备案已撤回")
    return redirect("registry:filing_detail", pk=pk)


@login_required
def filing_form_docx(request, pk):
    from mediagov.core.audit import log_action

    from .documents import filing_form_docx as render_docx
    from .documents import filing_form_filename

    filing = _filing(request, pk)
    response = HttpResponse(render_docx(filing), content_type=DOCX)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filing_form_filename(filing))}"
    log_action(filing, "filing.form_exported", user=request.user)
    return response


@login_required
def url_parse(request):
    """HTMX: paste a URL, get the platform and handle filled in, and a warning if already registered."""
    from .platforms import normalise_url

    institution = institution_or_403(request)
    url = request.GET.get("url", "").strip()
    parsed = normalise_url(url) if url else None
    existing = None
    if parsed:
        existing = MediaAccount.objects.filter(
            institution=institution, platform=parsed[0], handle=parsed[1]
        ).first()
    return render(request, "registry/_url_parsed.html", {"parsed": parsed, "url": url, "existing": existing})
