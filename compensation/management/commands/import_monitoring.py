from django.core.management.base import CommandError

from compensation.imports import import_monitoring
from compensation.models import Agreement
from pilots.imports import ImportRejected
from pilots.management.arguments import GuardedCommand, read_file, whole_number


class Command(GuardedCommand):
    help = (
        "Import annual mean concentrations (CSV or XLSX: section, year, pollutant, "
        "mean_mg_per_l) for an agreement. All or nothing: one bad row rejects the file, "
        "and the report lists each."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV in UTF-8 or GBK, or an XLSX workbook")
        parser.add_argument("--agreement", type=whole_number, required=True, help="agreement id")
        parser.add_argument(
            "--sheet",
            default="",
            help="the workbook's sheet to read, if it has several (default: the one named "
            "like 年均值, else the only one with the expected header)",
        )

    def handle(self, *args, **options):
        name, data = read_file(options["file"])
        agreement = Agreement.objects.filter(pk=options["agreement"]).first()
        if agreement is None:
            raise CommandError(f"Agreement {options['agreement']} does not exist.")
        try:
            records = import_monitoring(
                agreement=agreement,
                name=name,
                data=data,
                sheet=options["sheet"],
            )
        except ImportRejected as exc:
            raise CommandError(
                f"{name} was rejected; nothing was imported.\n{exc.report}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(records)} annual mean(s) for {agreement}.")
        )
