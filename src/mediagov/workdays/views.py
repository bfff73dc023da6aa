from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mediagov.core.errors import DomainError, ImportFileError

from . import services
from .forms import CalendarImportForm, OverrideDeleteForm, OverrideForm
from .models import CalendarYear, WorkdayOverride

FORBIDDEN = "只有党委宣传部、网络与信息化中心的工作人员或系统管理员可以修改工作日历"


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    """A year's holidays and adjusted working days; editors also add, change and delete overrides."""
    year = _year_of(request)
    can_edit = services.calendar_can_edit(request.user)
    forms = {"override_form": _edit_form(request, year, can_edit), "import_form": CalendarImportForm()}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(FORBIDDEN)
        handler = {"save": _save, "delete": _delete, "import": _import}.get(request.POST.get("action"))
        if handler is None:
            messages.error(request, "未知的操作")
            return _back(year)
        result = handler(request, year)
        if not isinstance(result, dict):
            return result
        forms.update(result)
    this_year = timezone.localdate().year
    imported = set(CalendarYear.objects.values_list("year", flat=True))
    context = {
        "view": services.calendar_year_describe(year=year),
        "year": year,
        "years": sorted({*range(2004, this_year + 3), *imported, year}, reverse=True),
        "can_edit": can_edit,
        **forms,
    }
    return render(request, "workdays/calendar.html", context)


def _save(request, year: int):
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return {"override_form": form}
    data = form.cleaned_data
    try:
        services.workday_override_save(
            day=data["date"], is_workday=data["is_workday"], name=data["name"], user=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return {"override_form": form}
    messages.success(request, f"已保存{data['date']:%Y-%m-%d}的安排")
    return _back(data["date"].year)


def _delete(request, year: int):
    form = OverrideDeleteForm(request.POST)
    if form.is_valid() and services.workday_override_delete(day=form.cleaned_data["date"], user=request.user):
        messages.success(request, f"已删除{form.cleaned_data['date']:%Y-%m-%d}的调整")
    else:
        messages.error(request, "没有找到要删除的调整")
    return _back(year)


def _import(request, year: int):
    form = CalendarImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return {"import_form": form}
    upload = form.cleaned_data["file"]
    try:
        text = services.calendar_text_decode(upload.read())
        summary = services.calendar_import(text, source=f"上传：{upload.name}", user=request.user)
    except ImportFileError as exc:
        for line in exc.lines(upload.name):
            messages.error(request, line)
        return {"import_form": form}
    messages.success(request, services.calendar_summary_text(summary))
    return _back(year if year in summary["years"] else summary["years"][0])


def _year_of(request) -> int:
    raw = request.POST.get("year") or request.GET.get("year") or ""
    try:
        year = int(raw)
    except ValueError:
        return timezone.localdate().year
    return year if services.MIN_YEAR <= year <= services.MAX_YEAR else timezone.localdate().year


def _edit_form(request, year: int, can_edit: bool) -> OverrideForm:
    """The override form, filled in with the day named by ?edit=YYYY-MM-DD (its override, if any)."""
    initial = {"date": date(year, 1, 1), "is_workday": "0"}
    try:
        day = date.fromisoformat(request.GET.get("edit", ""))
    except ValueError:
        day = None
    if day is not None and can_edit:
        existing = WorkdayOverride.objects.filter(date=day).first()
        if existing is not None:
            initial = {"date": day, "is_workday": "1" if existing.is_workday else "0", "name": existing.name}
        else:
            try:
                works = services.is_workday(day)
            except services.CalendarDataMissing:
                works = day.weekday() < 5
            initial = {"date": day, "is_workday": "1" if works else "0"}
    return OverrideForm(initial=initial)


def _back(year: int):
    return redirect(f"{reverse('workdays:calendar')}?year={year}")
