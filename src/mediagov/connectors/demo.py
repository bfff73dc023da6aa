"""Demo sources: one disabled example feed per institution (no network at demo time)."""

from mediagov.registry.models import AccountStatus, MediaAccount

from .models import Source


def demo_sources(institution) -> int:
    """A disabled RSS source on the institution's first active account, to show the pages; idempotent."""
    account = (
        MediaAccount.objects.filter(institution=institution, status=AccountStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    if account is None:
        return 0
    _, created = Source.objects.get_or_create(
        account=account,
        kind="feed",
        defaults={
            "institution": institution,
            "enabled": False,
            "url": f"https://news.{institution.code}.example.edu.cn/rss.xml",
        },
    )
    return int(created)
