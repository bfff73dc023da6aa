"""Celery: embedded filesystem broker by default (`make run`), Redis when CELERY_BROKER_URL says so."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediagov.settings")

app = Celery("mediagov")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.on_configure.connect
def _embedded_broker(sender, **kwargs):
    from django.conf import settings

    if sender.conf.broker_url == "filesystem://":
        base = settings.VAR_DIR / "celery"
        (base / "in").mkdir(parents=True, exist_ok=True)
        (base / "processed").mkdir(parents=True, exist_ok=True)
        sender.conf.broker_transport_options = {
            "data_folder_in": str(base / "in"),
            "data_folder_out": str(base / "in"),
            "processed_folder": str(base / "processed"),
            "store_processed": False,
        }


app.autodiscover_tasks()
