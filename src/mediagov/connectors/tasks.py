"""Background jobs: thin, idempotent wrappers of the source services (the beat entry is in settings.py).

`connectors.run_due` runs every MEDIAGOV_CONNECTOR_TICK seconds and enqueues each due source as
`connectors.source_run` with a countdown spread by the source's id over the tick.
"""

from celery import shared_task
from django.db import transaction

from . import services
from .models import Source


@shared_task(name="connectors.run_due")
def run_due() -> dict:
    """Enqueue the sources whose next run has come, spread over the tick; running it twice enqueues once."""

    def enqueue(source_id: int, countdown: int) -> None:
        transaction.on_commit(lambda: source_run.apply_async((source_id,), countdown=countdown))

    planned = services.sources_enqueue_due(enqueue=enqueue)
    return {"enqueued": len(planned), "countdowns": dict(planned)}


@shared_task(name="connectors.source_run")
def source_run(source_id: int) -> dict:
    """Run one source; a source that was deleted, disabled or is running elsewhere is skipped."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return {"source": source_id, "outcome": "skipped", "message": "已删除"}
    return services.source_run(source=source).as_dict()
