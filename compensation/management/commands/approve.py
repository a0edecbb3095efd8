from django.core.management.base import CommandError

from compensation.exceptions import CompensationError
from compensation.management.commands._lookup import run_numbered, user_named
from compensation.settlement import states
from pilots.management.arguments import GuardedCommand, whole_number


class Command(GuardedCommand):
    help = "Approve a calculated settlement run: a finance official other than its maker."

    def add_arguments(self, parser):
        parser.add_argument("run", type=whole_number, help="settlement run id")
        parser.add_argument("--user", required=True, help="the approving finance official")
        parser.add_argument("--reason", default="", help="recorded with the approval")

    def handle(self, *args, run, user, reason, **options):
        try:
            approved = states.approve(
                run_numbered(run), by=user_named(user, button="approve_run"), reason=reason
            )
        except CompensationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Run #{approved.pk} approved by {user}."))
