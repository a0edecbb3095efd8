"""Compare the latest plans and surveys of regions and raise the alerts their rules call for."""

from django.core.management.base import CommandError

from pilots.management.arguments import GuardedCommand
from pilots.models import Region
from supervision.alerts import describe
from supervision.exceptions import SupervisionError
from supervision.services import supervise


class Command(GuardedCommand):
    help = (
        "Supervise regions now (the Celery task does this after every import and valuation): "
        "detect changes between their two latest plans and surveys, then evaluate alert rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="GB/T 2260 codes; all planned regions if none")

    def handle(self, *args, codes, **options):
        regions = Region.objects.filter(planning_versions__isnull=False).distinct()
        if codes:
            regions = Region.objects.filter(code__in=codes)
            unknown = sorted(set(codes) - set(regions.values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"Unknown region codes: {', '.join(unknown)}.")
        for region in regions.order_by("code"):
            try:
                raised = supervise(region)
            except SupervisionError as exc:
                raise CommandError(f"{region}: {exc}") from exc
            self.stdout.write(f"{region}: {len(raised)} new alerts")
            for alert in raised:
                self.stdout.write(f"  - {alert.rule.name}: {describe(alert)}")
