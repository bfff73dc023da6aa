from django.conf import settings

from .scoping import institutions_of, memberships_of


def mediagov(request):
    user = getattr(request, "user", None)
    return {
        "my_memberships": memberships_of(user),
        "my_institutions": institutions_of(user),
        "DEBUG": settings.DEBUG,
    }
