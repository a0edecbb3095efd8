from django.core.management.base import CommandError

from compensation.statements.verify import verify_file
from pilots.management.arguments import GuardedCommand, read_file


class Command(GuardedCommand):
    help = (
        "Verify a statement file (PDF, CSV or XLSX) against the ledger: it matches a run and "
        "region, or the differences are named. The ledger's hash chain is checked too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        result = verify_file(*read_file(file))
        if not result.matches:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
