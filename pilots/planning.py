"""Which planning version of a region is in force on a date.

A region's plan changes by new versions (PlanningVersion), each with its own
effective date; a zone belongs to one version, so the same land appears once
per version. Whoever reads zones for a date reads them from the one version in
force then: the latest published version effective on or before that date.
"""

from datetime import date

from pilots.models import PlanningVersion


def plans_in_force(regions, on: date) -> dict[str, PlanningVersion]:
    """Region code -> its latest published planning version in force on `on` (none: absent)."""
    plans = {}
    for plan in (
        PlanningVersion.objects.filter(region__in=regions, published=True, effective_from__lte=on)
        .order_by("region__code", "-version")
        .select_related("region")
    ):
        plans.setdefault(plan.region.code, plan)
    return plans
