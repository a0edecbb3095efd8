"""Supervise a region once its new data is committed: land cover, a published plan, a valuation.

Receivers only schedule the Celery task after the commit, so an import that
is rolled back triggers nothing and the import itself never waits for it.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from compensation.models import Valuation
from pilots.models import ImportBatch, LandCover, PlanningVersion


def _enqueue(region_ids) -> None:
    from supervision.tasks import supervise_region

    for region_id in sorted(set(region_ids)):
        supervise_region.delay(region_id)


@receiver(post_save, sender=ImportBatch, dispatch_uid="supervision.import")
def land_cover_imported(sender, instance, created, **kwargs):
    if (
        created
        and instance.status == ImportBatch.Status.ACCEPTED
        and instance.kind == ImportBatch.Kind.LAND_COVER
    ):
        # The polygons are written after the batch row, in the same transaction.
        transaction.on_commit(
            lambda: _enqueue(
                LandCover.objects.filter(import_batch=instance).values_list("region_id", flat=True)
            )
        )


@receiver(post_save, sender=PlanningVersion, dispatch_uid="supervision.plan")
def plan_saved(sender, instance, **kwargs):
    if instance.published:
        transaction.on_commit(lambda: _enqueue([instance.region_id]))


@receiver(post_save, sender=Valuation, dispatch_uid="supervision.valuation")
def valuation_created(sender, instance, created, **kwargs):
    if created:
        transaction.on_commit(
            lambda: _enqueue(instance.programme.regions.values_list("pk", flat=True))
        )
