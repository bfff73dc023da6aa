"""Background jobs: thin, idempotent wrappers of the notification services (scheduled in CELERY_BEAT_SCHEDULE)."""

import logging
from zoneinfo import ZoneInfo

from celery import shared_task
from django.utils import timezone

from mediagov.org.models import Institution

from . import services

log = logging.getLogger(__name__)
# Deadlines are dates in China: "today" is Beijing time whatever the server's clock zone.
CHINA = ZoneInfo("Asia/Shanghai")


@shared_task(name="notifications.reminders_run")
def reminders_run() -> dict:
    """Today's reminders and escalations for every institution; running it again sends nothing new."""
    today = timezone.localdate(timezone=CHINA)
    out = {}
    for institution in Institution.objects.order_by("code"):
        try:
            out[institution.code] = services.reminders_run(institution=institution, today=today).as_dict()
        except Exception:  # one institution's broken data must not stop the others' reminders
            log.exception("reminders for %s failed", institution.code)
            out[institution.code] = {"error": True}
    return out


@shared_task(name="notifications.deliveries_send")
def deliveries_send() -> dict:
    """Send the e-mails and robot messages whose time has come; failures are retried with back-off."""
    return services.delivery_send_due().as_dict()
