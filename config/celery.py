"""The Celery application: Redis broker, settings read from Django's CELERY_* names."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tanhui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="tanhui.ping")
def ping() -> str:
    """Round-trip check used by /healthz and the test suite."""
    return "pong"
