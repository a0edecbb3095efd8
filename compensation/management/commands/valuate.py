from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError

from compensation.exceptions import CompensationError
from compensation.management.commands._lookup import programme_named
from compensation.models import MethodologyVersion
from compensation.valuation import valuate
from pilots.management.arguments import GuardedCommand, whole_number, year


class Command(GuardedCommand):
    help = (
        "Value the carbon sinks of a pilot for a year. The same inputs return the earlier "
        "valuation; new inputs make a new one that supersedes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pilot", required=True, help="programme id or exact name")
        parser.add_argument("--year", type=year, required=True)
        parser.add_argument(
            "--methodology-version",
            type=whole_number,
            help="id (default: the latest published version valid at the year's end)",
        )
        parser.add_argument("--market", default="CEA", help="carbon market code, e.g. CEA")
        parser.add_argument("--adjustment", default="1", help="adjustment coefficient")

    def handle(self, *args, pilot, year, methodology_version, market, adjustment, **options):
        programme = programme_named(pilot)
        version = self._version(methodology_version, year)
        try:
            factor = Decimal(adjustment)
        except InvalidOperation:
            raise CommandError(f"--adjustment {adjustment!r} is not a decimal number.") from None
        self.stderr.write(f"Valuing {programme} for {year} with {version} at {market} prices")

        def progress(step, total, label):
            self.stderr.write(f"[{'#' * step}{'.' * (total - step)}] {step}/{total} {label}")

        try:
            valuation = valuate(
                programme=programme,
                year=year,
                methodology_version=version,
                market=market,
                adjustment=factor,
                progress=progress,
            )
        except CompensationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Valuation #{valuation.pk} ({'current' if valuation.current else 'superseded'}), "
                f"input hash {valuation.input_hash[:12]}, price {valuation.price}:"
            )
        )
        for position in valuation.positions.select_related("region"):
            self.stdout.write(
                f"  {position.region}: sink {position.sink_tco2e} t, emissions "
                f"{position.emission_tco2e} t, net {position.net_tco2e} t -> {position.role}, "
                f"{position.value_cny} CNY"
            )

    def _version(self, version_id, year):
        versions = MethodologyVersion.objects.select_related("methodology").filter(published=True)
        if version_id:
            found = versions.filter(pk=version_id).first()
        else:
            found = (
                versions.filter(valid_from__year__lte=year)
                .order_by("-valid_from", "-version")
                .first()
            )
        if found is None:
            raise CommandError(
                "No published methodology version to use; pass --methodology-version."
            )
        return found
