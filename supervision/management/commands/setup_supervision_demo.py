"""The supervision part of the demo (called by setup_demo): rules, a second year, alerts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compensation.models import Valuation
from pilots.demo import PROGRAMME_NAME
from pilots.models import PilotProgramme
from supervision.demo import GROWING_REGION, load_supervision_demo
from supervision.models import Alert, ChangeDetection


class Command(BaseCommand):
    help = "Give the demo pilot a second synthetic year, alert rules, detected changes and alerts."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo's synthetic second year never goes into production.")
        programme = PilotProgramme.objects.filter(name=PROGRAMME_NAME).first()
        if programme is None:
            raise CommandError("Run setup_demo first: the demo pilot does not exist.")
        first = Valuation.objects.filter(programme=programme, current=True).earliest("year")
        load_supervision_demo(
            programme=programme,
            methodology_version=first.methodology_version,
            market=first.price.market.code,
        )
        self.stdout.write(
            f"Supervision: {ChangeDetection.objects.count()} detected changes and "
            f"{Alert.objects.count()} alerts (plan v2 and the 2025 survey of {GROWING_REGION} "
            "are SYNTHETIC)."
        )
