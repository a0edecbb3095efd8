from django.core.management.base import CommandError

from compensation.exceptions import CompensationError
from compensation.management.commands._lookup import run_numbered, user_named
from compensation.settlement import posting
from compensation.statements.issue import issue_statements
from ledger.models import JournalEntry
from pilots.management.arguments import GuardedCommand, whole_number


class Command(GuardedCommand):
    help = (
        "Post an approved settlement run to the ledger and issue its statements. Posting twice "
        "posts nothing new and reports the run as posted."
    )

    def add_arguments(self, parser):
        parser.add_argument("run", type=whole_number, help="settlement run id")
        parser.add_argument("--user", help="who posts")

    def handle(self, *args, run, user, **options):
        found = run_numbered(run)
        self.stderr.write(f"Posting {found.transfers.count()} transfers of run #{found.pk}")
        poster = user_named(user, button="post_run")
        try:
            posted = posting.post(found, by=poster)
            posted = issue_statements(posted, by=poster, inline=True)
        except CompensationError as exc:
            raise CommandError(str(exc)) from None
        entries = JournalEntry.objects.filter(
            idempotency_key__startswith=f"{posted.key_prefix}:"
        ).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Run #{posted.pk} posted: {entries} ledger entries; "
                f"{posted.statements.count()} statements issued."
            )
        )
