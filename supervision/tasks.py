"""Supervision runs in the background after every import, plan publication and valuation."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from pilots.models import Region
from supervision import services


@shared_task(
    name="supervision.supervise_region",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
)
def supervise_region(region_id: int) -> int:
    """Detect the latest changes and evaluate the alert rules; returns the alerts raised."""
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        return 0
    return len(services.supervise(region))
