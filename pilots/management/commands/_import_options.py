"""Options shared by import_zones and import_landcover."""

from django.core.management.base import CommandError

from pilots.imports import ImportRejected
from pilots.management.arguments import read_file, whole_number


def add_file_options(parser):
    parser.add_argument("file", help="GeoJSON, CSV with WKT, zipped Shapefile or GeoPackage")
    parser.add_argument(
        "--srid",
        type=whole_number,
        help="EPSG code (4490, 4491-4554, 4326, 3857), when the file does not declare one",
    )
    parser.add_argument("--layer", help="the layer to import from a multi-layer file")
    parser.add_argument(
        "--encoding",
        help="attribute text encoding (UTF-8, GBK) if the file declares none or a wrong one",
    )
    parser.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="OURS=THEIRS",
        help="map one of our fields to a column of the file, e.g. kind=ZONE_TYPE",
    )
    parser.add_argument(
        "--make-valid", action="store_true", help="repair invalid polygons and report each repair"
    )


def read_options(options) -> tuple[str, bytes, dict]:
    name, data = read_file(options["file"])
    field_map = {}
    for item in options["field"]:
        ours, sep, theirs = item.partition("=")
        if not sep or not ours or not theirs:
            raise CommandError(f"--field {item!r}: write OURS=THEIRS, e.g. kind=ZONE_TYPE.")
        field_map[ours] = theirs
    return name, data, field_map


def progress(command):
    """Print an import's progress: features read, checked and written, every 10,000 and at
    the end of each step."""

    def tell(step: str, count: int) -> None:
        command.stdout.write(f"  {step}: {count} feature(s)")

    return tell


def run_import(command, *, name: str, what: str, target, work) -> None:
    """Run an import, turn a rejection into a CommandError with the report, print the result."""
    try:
        batch = work()
    except ImportRejected as exc:
        raise CommandError(f"{name} was rejected; nothing was imported.\n{exc.report}") from None
    command.stdout.write(
        command.style.SUCCESS(
            f"Imported {batch.features} {what} from {name} into {target} (batch #{batch.pk})."
        )
    )
    for note in batch.report.get("notes", []):
        command.stdout.write(f"  {note}")
