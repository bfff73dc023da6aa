"""Org pages: the staff roster (教职工名册) and the unit tree, scoped like every other list."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from mediagov.core.errors import ImportFileError
from mediagov.core.scoping import has_role, is_department, units_in_scope
from mediagov.core.views import department_institution_or_403, institution_or_403, paginate
from mediagov.registry.models import MediaAccount

from .forms import PersonFilterForm, RosterUploadForm
from .models import Person, Role, Unit
from .roster import ROSTER_OPTIONAL, ROSTER_REQUIRED, roster_import

HOST_SUPERVISOR = "本单位（主办单位）"


def _people_in_scope(user, institution):
    """The whole roster for 宣传部 and 网信中心; for everyone else, the people of their unit subtrees."""
    people = Person.objects.filter(institution=institution)
    if has_role(user, Role.PROPAGANDA, institution) or has_role(user, Role.IT_CENTER, institution):
        return people
    return people.filter(unit__in=units_in_scope(user, institution))


@login_required
def person_list(request):
    institution = institution_or_403(request)
    units = units_in_scope(request.user, institution)
    form = PersonFilterForm(request.GET or None, units=units)
    qs = _people_in_scope(request.user, institution).select_related("unit")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(staff_no__icontains=q)
                | Q(name__icontains=q)
                | Q(phone__icontains=q)
                | Q(email__icontains=q)
            )
        if data["unit"]:
            qs = qs.filter(unit__path__startswith=data["unit"].path, unit__institution=institution)
        if data["on_staff"]:
            qs = qs.filter(on_staff=data["on_staff"] == "1")
    page, query = paginate(request, qs)
    return render(
        request,
        "org/person_list.html",
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
def person_import(request):
    institution = department_institution_or_403(request, "只有党委宣传部可以导入教职工名册")
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = roster_import(
                institution=institution,
                data=upload.read(),
                filename=upload.name,
                user=request.user,
                mark_missing_off_roster=form.cleaned_data["mark_missing_off_roster"],
            )
        except ImportFileError as exc:
            errors = exc.lines(upload.name)
        else:
            summary = f"名册导入完成：共{result.rows}行，新增{result.created}人，更新{result.updated}人，未变{result.unchanged}人"
            if result.marked_off_roster:
                summary += f"，{result.marked_off_roster}人标记为不在名册"
            messages.success(request, summary)
            if result.ignored_headers:
                messages.warning(request, f"以下列未导入：{'、'.join(result.ignored_headers)}")
            return redirect("org:person_list")
    return render(
        request,
        "org/person_import.html",
        {
            "institution": institution,
            "form": form,
            "errors": errors,
            "required": ROSTER_REQUIRED,
            "optional": ROSTER_OPTIONAL,
        },
    )


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    indent: int
    supervisor: str
    accounts: int
    subtree_accounts: int


def _unit_rows(user, institution) -> list[UnitRow]:
    units = list(units_in_scope(user, institution).select_related("first_responsible").order_by("path"))
    if not units:
        return []
    pack = institution.policy
    by_code = {u.code: u.name for u in Unit.objects.filter(institution=institution)}
    direct = dict(
        MediaAccount.objects.visible_to(user)
        .filter(institution=institution)
        .alive()
        .order_by()
        .values_list("responsible_unit_id")
        .annotate(n=Count("id"))
    )
    subtree: dict[int, int] = {}
    for unit in Unit.objects.filter(pk__in=direct):
        for ancestor_id in unit.path.strip("/").split("/"):
            subtree[int(ancestor_id)] = subtree.get(int(ancestor_id), 0) + direct[unit.pk]
    top = min(u.depth for u in units)
    rows = []
    for unit in units:
        code = pack.supervisor_code(unit.kind)
        rows.append(
            UnitRow(
                unit=unit,
                indent=unit.depth - top,
                supervisor=by_code.get(code, code) if code else HOST_SUPERVISOR,
                accounts=direct.get(unit.pk, 0),
                subtree_accounts=subtree.get(unit.pk, 0),
            )
        )
    return rows


@login_required
def unit_list(request):
    institution = institution_or_403(request)
    rows = _unit_rows(request.user, institution)
    return render(request, "org/unit_list.html", {"institution": institution, "rows": rows})
