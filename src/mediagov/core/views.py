"""Shared view helpers: the institution switch and turning domain errors into messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .scoping import institutions_of


@login_required
@require_POST
def switch_institution(request):
    wanted = int(request.POST.get("institution") or 0)
    if any(i.pk == wanted for i in institutions_of(request.user)):
        request.session["institution_id"] = wanted
    else:
        messages.error(request, "您在该学校没有角色")
    nxt = request.POST.get("next") or "/"
    return redirect(nxt if url_has_allowed_host_and_scheme(nxt, {request.get_host()}) else "/")


def error_message(request, exc) -> None:
    messages.error(request, str(exc))


def institution_or_403(request):
    """The user's current institution; 403 for a user without any role."""
    from django.core.exceptions import PermissionDenied

    from .scoping import current_institution

    institution = current_institution(request)
    if institution is None:
        raise PermissionDenied("您没有任何学校的角色")
    return institution


def department_institution_or_403(request, message: str):
    """The user's current institution, for its 党委宣传部 only: 403 with `message` for everyone else."""
    from django.core.exceptions import PermissionDenied

    from .scoping import is_department

    institution = institution_or_403(request)
    if not is_department(request.user, institution):
        raise PermissionDenied(message)
    return institution


def paginate(request, queryset, per_page: int = 50) -> tuple:
    """(page, query string without `page`) for list pages that keep their filters across pages."""
    from django.core.paginator import Paginator

    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(queryset, per_page).get_page(request.GET.get("page")), query.urlencode()
