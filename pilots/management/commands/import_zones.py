from django.core.management.base import CommandError

from pilots.imports import import_zones
from pilots.management.arguments import GuardedCommand, whole_number
from pilots.management.commands._import_options import (
    add_file_options,
    progress,
    read_options,
    run_import,
)
from pilots.models import PlanningVersion


class Command(GuardedCommand):
    help = (
        "Import protected and developed zones into a planning version. All or nothing: "
        "one bad feature rejects the file, and the report lists every bad feature."
    )

    def add_arguments(self, parser):
        add_file_options(parser)
        parser.add_argument(
            "--planning-version",
            type=whole_number,
            required=True,
            help="id of an unpublished planning version",
        )
        parser.add_argument("--kind", default="", help="zone kind for features without one")

    def handle(self, *args, **options):
        name, data, field_map = read_options(options)
        version = (
            PlanningVersion.objects.select_related("region")
            .filter(pk=options["planning_version"])
            .first()
        )
        if version is None:
            raise CommandError(f"Planning version {options['planning_version']} does not exist.")
        run_import(
            self,
            name=name,
            what="zone(s)",
            target=version,
            work=lambda: import_zones(
                name=name,
                data=data,
                planning_version=version,
                srid=options["srid"],
                layer=options["layer"],
                encoding=options["encoding"],
                field_map=field_map,
                default_kind=options["kind"],
                make_valid=options["make_valid"],
                progress=progress(self),
            ),
        )
