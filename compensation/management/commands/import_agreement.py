from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compensation.imports import import_agreement
from pilots.imports import ImportRejected
from pilots.models import PilotProgramme


class Command(BaseCommand):
    help = (
        "Import a horizontal agreement (JSON: name, rule, parties, ratios, rounds) into a pilot. "
        "All or nothing; money must be given as decimal strings."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file")
        parser.add_argument("--programme", type=int, required=True, help="pilot programme id")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        programme = PilotProgramme.objects.filter(pk=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Pilot programme {options['programme']} does not exist.")
        try:
            agreement = import_agreement(
                programme=programme, name=path.name, data=path.read_bytes()
            )
        except ImportRejected as exc:
            raise CommandError(
                f"{path.name} was rejected; nothing was imported.\n{exc.report}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported agreement #{agreement.pk} {agreement.name} "
                f"with {agreement.parties.count()} parties."
            )
        )
