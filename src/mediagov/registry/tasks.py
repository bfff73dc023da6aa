"""Background jobs: thin, idempotent wrappers of registry services."""

from celery import shared_task

from . import services


@shared_task(name="registry.filing_deadlines_refresh")
def filing_deadlines_refresh() -> int:
    """Recompute the deadlines of open filings (e.g. after a new year's holiday notice was imported)."""
    return services.filing_deadlines_refresh()
