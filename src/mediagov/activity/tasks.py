"""Background jobs of the activity app: thin, idempotent wrappers of its services (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import reports


@shared_task(name="activity.reports_prefill")
def reports_prefill() -> dict:
    """On the 1st: each reporting account's monthly report for the month just ended, prefilled (YUFE 第十五条).
    Running it again creates nothing new."""
    return reports.reports_prefill_all()
