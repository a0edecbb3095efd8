"""The supervision part of the demo (called by setup_demo): rules, a second year, alerts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compensation.models import MethodologyVersion
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
        load_supervision_demo(
            programme=programme,
            methodology_version=MethodologyVersion.objects.get(
                methodology__name__startswith="广东省", version=1
            ),
            market="CEA",
        )
        self.stdout.write(
            f"Supervision: {ChangeDetection.objects.count()} detected changes and "
            f"{Alert.objects.count()} alerts (plan v2 and the 2025 survey of {GROWING_REGION} "
            "are SYNTHETIC)."
        )
