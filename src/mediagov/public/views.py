"""Public pages (no login): the index of institutions, an institution's directory of official accounts and
the "is this account official?" check. Thin: throttle, institution by code, service, template."""

import math
from functools import wraps

from django.shortcuts import get_object_or_404, render

from mediagov.org.models import Institution

from . import services
from .throttles import THROTTLED_MESSAGE, PublicPageThrottle


def public_page(view):
    """Limits the page per client address (429 with a Chinese message)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        throttle = PublicPageThrottle()
        if not throttle.allow_request(request, None):
            wait = throttle.wait()
            response = render(
                request,
                "public/throttled.html",
                {"message": THROTTLED_MESSAGE, "wait": math.ceil(wait) if wait else None},
                status=429,
            )
            if wait:
                response["Retry-After"] = str(math.ceil(wait))
            return response
        return view(request, *args, **kwargs)

    return wrapped


def _institution(code: str) -> Institution:
    return get_object_or_404(Institution, code=code)


@public_page
def index(request):
    return render(request, "public/index.html", {"institutions": services.public_institutions()})


@public_page
def directory(request, code):
    institution = _institution(code)
    platforms = services.directory_platforms(institution)
    platform = request.GET.get("platform", "")
    if platform not in {p for p, _label in platforms}:
        platform = ""
    q = request.GET.get("q", "").strip()[: services.MAX_QUERY]
    rows = services.directory_accounts(institution, platform=platform, q=q)
    return render(
        request,
        "public/directory.html",
        {
            "institution": institution,
            "platforms": platforms,
            "platform": platform,
            "q": q,
            "count": len(rows),
            "groups": services.directory_groups(rows),
        },
    )


@public_page
def verify(request, code):
    institution = _institution(code)
    q = request.GET.get("q", "").strip()[: services.MAX_QUERY]
    result = services.account_verify(institution, q) if q else None
    return render(request, "public/verify.html", {"institution": institution, "q": q, "result": result})
