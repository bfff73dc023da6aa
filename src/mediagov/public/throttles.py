"""Per-address limits of the public pages and API (Django's cache; the local-memory cache by default).

The rates come from settings (`MEDIAGOV_PUBLIC_API_RATE`, `MEDIAGOV_PUBLIC_PAGE_RATE`, e.g. "60/min"), read
at each request so that a deployment (or a test) may change them. The address is the client's REMOTE_ADDR,
or X-Forwarded-For only when REST_FRAMEWORK["NUM_PROXIES"] says how many proxies to trust (DRF's
`get_ident`); a client cannot choose its own counter by sending the header.
"""

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

THROTTLED_MESSAGE = "访问过于频繁，请稍后再试。"


class PublicRateThrottle(SimpleRateThrottle):
    """One counter per client address and scope, whoever is signed in."""

    setting = "MEDIAGOV_PUBLIC_API_RATE"
    scope = "public_api"

    def get_rate(self):
        return getattr(settings, self.setting) or None

    def get_ident(self, request):
        # DRF trusts X-Forwarded-For when NUM_PROXIES is unset: a client could then pick its own counter.
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicPageThrottle(PublicRateThrottle):
    setting = "MEDIAGOV_PUBLIC_PAGE_RATE"
    scope = "public_page"
