from django.core.management.base import CommandError

from pilots.imports import import_land_cover
from pilots.management.arguments import GuardedCommand, year
from pilots.management.commands._import_options import (
    add_file_options,
    progress,
    read_options,
    run_import,
)
from pilots.models import Region


class Command(GuardedCommand):
    help = (
        "Import land-cover polygons of one region. All or nothing: one bad feature rejects "
        "the file, and the report lists every bad feature."
    )

    def add_arguments(self, parser):
        add_file_options(parser)
        parser.add_argument("--region", required=True, help="GB/T 2260 code, e.g. 341000")
        parser.add_argument(
            "--scheme",
            default="",
            help="gbt21010-2017 or third-survey, for features that do not name one",
        )
        parser.add_argument("--survey-year", type=year, help="for features without a year")
        parser.add_argument("--source", default="", help="where the survey comes from")
        parser.add_argument(
            "--synthetic",
            action="store_true",
            help="mark every polygon as synthetic (generated demo or test data, not a survey); "
            "pages then label it as such",
        )

    def handle(self, *args, **options):
        name, data, field_map = read_options(options)
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Region {options['region']} is not loaded; run load_regions.")
        run_import(
            self,
            name=name,
            what="land-cover polygon(s)",
            target=region,
            work=lambda: import_land_cover(
                name=name,
                data=data,
                region=region,
                srid=options["srid"],
                layer=options["layer"],
                encoding=options["encoding"],
                field_map=field_map,
                default_scheme=options["scheme"],
                default_survey_year=options["survey_year"],
                source=options["source"],
                make_valid=options["make_valid"],
                progress=progress(self),
                synthetic=options["synthetic"],
            ),
        )
