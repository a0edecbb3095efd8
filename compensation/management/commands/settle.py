import json
import time

from django.conf import settings
from django.core.management.base import CommandError

from compensation.exceptions import CompensationError
from compensation.management.commands._lookup import programme_named, progress_bar, user_named
from compensation.models import SettlementRun
from compensation.periods import label, parse_period
from compensation.settlement import planning
from pilots.management.arguments import GuardedCommand, read_file, seconds


class Command(GuardedCommand):
    help = (
        "Start and calculate a settlement run for a pilot and period (2024, 2024H1, 2024Q1, "
        "2024-03). It then waits for approval; with --scenario it is a what-if that never posts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pilot", required=True, help="programme id or exact name")
        parser.add_argument("--period", required=True, help="2024, 2024H1, 2024Q1 or 2024-03")
        parser.add_argument("--user", help="who starts the run (the maker)")
        parser.add_argument(
            "--scenario", metavar="OVERRIDES.json", help="a what-if with changed inputs"
        )
        parser.add_argument("--name", default="", help="what the scenario changes")
        parser.add_argument(
            "--inline",
            action="store_true",
            help="calculate in this process instead of on the Celery workers",
        )
        parser.add_argument("--timeout", type=seconds, default=3600, help="seconds to wait")

    def handle(self, *args, **options):
        programme = programme_named(options["pilot"])
        user = user_named(options["user"], button="start_run")
        overrides, kind = None, SettlementRun.Kind.REGULAR
        if options["scenario"] is not None:
            name, data = read_file(options["scenario"])
            try:
                overrides = json.loads(data.decode("utf-8"))
            except ValueError as exc:
                raise CommandError(f"{name}: {exc}") from None
            kind = SettlementRun.Kind.SCENARIO
        try:
            period = parse_period(options["period"])
            run = planning.start_and_calculate(
                programme=programme,
                period=period,
                by=user,
                kind=kind,
                overrides=overrides,
                name=options["name"],
                inline=options["inline"] or settings.CELERY_TASK_ALWAYS_EAGER,
            )
        except CompensationError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"Run #{run.pk}: {programme} {label(period)}")
        run = self._follow(run, options["timeout"])
        if run.status == SettlementRun.Status.FAILED:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        self.stdout.write(self.style.SUCCESS(f"Run #{run.pk} calculated; it waits for approval."))
        for channel, totals in sorted(run.summary["channels"].items()):
            amounts = ", ".join(f"{amount} {commodity}" for commodity, amount in totals.items())
            self.stdout.write(f"  {channel}: {amounts}")

    def _follow(self, run, timeout):
        deadline = time.monotonic() + timeout
        shown = None
        while run.status == SettlementRun.Status.CALCULATING and time.monotonic() < deadline:
            if shown != run.chunks_done:
                shown = run.chunks_done
                self.stderr.write(progress_bar(run.chunks_done, run.chunks_total))
            time.sleep(0.5)
            run.refresh_from_db()
        if run.status == SettlementRun.Status.CALCULATING:
            raise CommandError(
                f"Run #{run.pk} is still calculating after {timeout:.0f} s; are workers running?"
            )
        self.stderr.write(progress_bar(run.chunks_done, run.chunks_total))
        return run
