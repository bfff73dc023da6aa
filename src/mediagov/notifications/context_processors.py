from .services import unread_count


def notifications(request):
    """`unread_notification_count` for the navbar's bell; counted only when a template asks for it."""
    user = getattr(request, "user", None)
    cache: list[int] = []

    def count() -> int:
        if not cache:
            cache.append(unread_count(user))
        return cache[0]

    return {"unread_notification_count": count}
