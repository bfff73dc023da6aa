"""Background jobs: thin, idempotent wrappers of the compliance scan (scheduled in CELERY_BEAT_SCHEDULE).

Running a scan again for the same day finds the same findings again (by rule, account and key) and adds none.
"""

from datetime import date
from zoneinfo import ZoneInfo

from celery import shared_task
from django.utils import timezone

from mediagov.org.models import Institution

from . import services
from .models import ScanTrigger

# Findings are dated in China: "today" is Beijing time whatever the server's clock zone.
CHINA = ZoneInfo("Asia/Shanghai")


def _summary(outcome) -> dict:
    return {
        "as_of": outcome.as_of.isoformat(),
        "persisted": outcome.persisted,
        "holding": len(outcome.drafts),
        "opened": outcome.opened,
        "closed": outcome.closed,
        "errors": len(outcome.errors),
    }


@shared_task(name="compliance.scan_all")
def scan_all() -> dict:
    """The daily scan: every institution with a pack, as of today in Beijing."""
    as_of = timezone.localdate(timezone=CHINA)
    return {o.institution.code: _summary(o) for o in services.scan_institutions(as_of=as_of)}


@shared_task(name="compliance.scan_institution")
def scan_institution(code: str, as_of: str | None = None) -> dict:
    """One institution's scan as of `as_of` (YYYY-MM-DD; default today in Beijing)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate(timezone=CHINA)
    institution = Institution.objects.get(code=code)
    return _summary(services.scan_run(institution, as_of=day, trigger=ScanTrigger.SCHEDULE))
