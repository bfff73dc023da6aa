from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def person_list(request):
    return render(request, "org/person_list.html", {})
