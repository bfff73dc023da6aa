"""Celery: embedded filesystem broker by default (`make run`), Redis when CELERY_BROKER_URL says so.

The broker's folders and options are set in settings.py (CELERY_BROKER_TRANSPORT_OPTIONS).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediagov.settings")

app = Celery("mediagov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
