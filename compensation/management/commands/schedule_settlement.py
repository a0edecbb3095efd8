from django.core.management.base import CommandError

from compensation.exceptions import CompensationError
from compensation.management.commands._lookup import programme_named
from compensation.schedules import schedule_settlement
from pilots.management.arguments import GuardedCommand


class Command(GuardedCommand):
    help = (
        "Schedule a pilot's settlement in django-celery-beat: after each period of its "
        "settlement frequency, or on a cron expression. Scheduled runs wait for approval."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pilot", required=True, help="programme id or exact name")
        parser.add_argument("--cron", help='five fields, e.g. "0 2 1 * *" (default: frequency)')
        parser.add_argument("--disable", action="store_true", help="keep it, but do not run it")

    def handle(self, *args, pilot, cron, disable, **options):
        programme = programme_named(pilot)
        try:
            task = schedule_settlement(programme, cron=cron, enabled=not disable)
        except CompensationError as exc:
            raise CommandError(str(exc)) from None
        state = "disabled" if disable else "enabled"
        self.stdout.write(
            self.style.SUCCESS(f"{task.name}: {task.crontab} (Asia/Shanghai), {state}.")
        )
