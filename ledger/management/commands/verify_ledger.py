from django.core.management.base import BaseCommand, CommandError

from ledger.verification import verify_ledger


class Command(BaseCommand):
    help = (
        "Recompute the ledger's hash chain and account balances from the postings; "
        "report the first broken entry, and every balance asserted from a bank or treasury "
        "statement that the postings do not give. Exits non-zero when anything differs."
    )

    def handle(self, *args, **options):
        result = verify_ledger()
        if result.first_break:
            b = result.first_break
            self.stderr.write(
                f"Hash chain broken at entry id={b.entry_id} sequence={b.sequence} ({b.what}): "
                f"expected {b.expected}, found {b.found}"
            )
        for code, stored, computed in result.balance_mismatches:
            self.stderr.write(
                f"Account {code}: stored balance {stored} minor units, postings sum to {computed}"
            )
        for failure in result.assertion_failures:
            self.stderr.write(f"Balance assertion failed: {failure}")
        if not result.ok:
            raise CommandError(
                f"Ledger verification failed after {result.entries_checked} intact entries."
            )
        if not result.assertions_hold:
            raise CommandError(
                f"The ledger is intact, but {len(result.assertion_failures)} asserted balance(s) "
                "differ from the books."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Ledger intact: {result.entries_checked} entries, chain head {result.last_hash}, "
                "every account balance matches its postings, every asserted balance holds."
            )
        )
