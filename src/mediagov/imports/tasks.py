"""Background jobs: the confirmed import, a thin wrapper of `import_run_execute` (idempotent: a run is
claimed with a conditional UPDATE and runs once)."""

from celery import shared_task

from . import services


@shared_task(name="imports.run_execute")
def run_execute(run_id: int) -> dict:
    run = services.import_run_execute(run_id=run_id)
    if run is None:
        return {"run": run_id, "claimed": False}
    return {"run": run_id, "claimed": True, "state": run.state, **services._summary(run)}
