"""The landing page after login: my to-dos in my current institution."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from mediagov.core.scoping import current_institution

from .selectors import todo_for


@login_required
def home(request):
    institution = current_institution(request)
    todo = todo_for(request.user, institution, timezone.localdate()) if institution is not None else None
    return render(request, "dashboard/home.html", {"institution": institution, "todo": todo})
