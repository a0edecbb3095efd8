from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compensation.statements.verify import verify_file


class Command(BaseCommand):
    help = (
        "Verify a statement file (PDF, CSV or XLSX) against the ledger: it matches a run and "
        "region, or the differences are named. The ledger's hash chain is checked too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        result = verify_file(path.name, path.read_bytes())
        if not result.matches:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
