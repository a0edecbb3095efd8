from django.core.management.base import CommandError

from compensation.imports import import_agreement
from pilots.imports import ImportRejected
from pilots.management.arguments import GuardedCommand, read_file, whole_number
from pilots.models import PilotProgramme


class Command(GuardedCommand):
    help = (
        "Import a horizontal agreement (JSON: name, rule, parties, ratios, rounds) into a pilot. "
        "All or nothing; money must be given as decimal strings."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file")
        parser.add_argument(
            "--programme", type=whole_number, required=True, help="pilot programme id"
        )

    def handle(self, *args, **options):
        name, data = read_file(options["file"])
        programme = PilotProgramme.objects.filter(pk=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Pilot programme {options['programme']} does not exist.")
        try:
            agreement = import_agreement(programme=programme, name=name, data=data)
        except ImportRejected as exc:
            raise CommandError(
                f"{name} was rejected; nothing was imported.\n{exc.report}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported agreement #{agreement.pk} {agreement.name} "
                f"with {agreement.parties.count()} parties."
            )
        )
