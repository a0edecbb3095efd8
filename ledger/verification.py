"""Recompute the hash chain and the stored balances from the postings themselves, and check
the balances that sources outside the books assert (ledger.assertions)."""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from ledger import assertions
from ledger.hashing import chain_hash, content_digest
from ledger.models import GENESIS_HASH, Account, ChainHead, JournalEntry, Posting

CHUNK = 2000


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    sequence: int
    what: str
    expected: str
    found: str


@dataclass
class LedgerVerification:
    entries_checked: int = 0
    last_hash: str = GENESIS_HASH
    first_break: ChainBreak | None = None
    balance_mismatches: list[tuple[str, int, int]] = field(default_factory=list)
    assertion_failures: list[assertions.AssertionFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The books are intact: the chain holds and every stored balance is its postings'."""
        return self.first_break is None and not self.balance_mismatches

    @property
    def assertions_hold(self) -> bool:
        """Every balance asserted from outside the books is the books' balance that day."""
        return not self.assertion_failures


def verify_ledger() -> LedgerVerification:
    """Walk every entry in sequence order; stop at the first link that does not hold.

    Run on its own, it reads one repeatable-read snapshot, so entries posted
    meanwhile neither appear half-way nor make the chain head or balances look
    wrong. Inside a caller's transaction it reads what that transaction sees.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _verify()


def _verify() -> LedgerVerification:
    result = LedgerVerification()
    result.first_break = _verify_chain(result)
    if result.first_break is None:
        head = ChainHead.objects.get(pk=1)
        if head.last_hash != result.last_hash:
            result.first_break = ChainBreak(
                0, head.last_sequence, "chain head", result.last_hash, head.last_hash
            )
    result.balance_mismatches = list(
        Account.objects.annotate(computed=Coalesce(Sum("postings__amount_minor"), 0))
        .exclude(balance_minor=F("computed"))
        .order_by("code")
        .values_list("code", "balance_minor", "computed")
    )
    result.assertion_failures = assertions.failures()
    return result


def _verify_chain(result: LedgerVerification) -> ChainBreak | None:
    last_sequence = 0
    while True:
        entries = list(
            JournalEntry.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:CHUNK]
        )
        if not entries:
            return None
        postings = _postings_by_entry([e.id for e in entries])
        for entry in entries:
            found_break = _check_entry(entry, postings.get(entry.id, []), result, last_sequence)
            if found_break:
                return found_break
            last_sequence = entry.sequence


def _check_entry(entry, postings, result, last_sequence) -> ChainBreak | None:
    if entry.sequence != last_sequence + 1:
        return ChainBreak(
            entry.id, entry.sequence, "sequence", str(last_sequence + 1), str(entry.sequence)
        )
    if not entry.sealed:
        return ChainBreak(entry.id, entry.sequence, "sealed", "True", "False")
    if entry.previous_hash != result.last_hash:
        return ChainBreak(
            entry.id, entry.sequence, "previous hash", result.last_hash, entry.previous_hash
        )
    digest = content_digest(
        effective_date=entry.effective_date,
        description=entry.description,
        cause=entry.cause,
        reverses_id=entry.reverses_id,
        postings=postings,
    )
    expected = chain_hash(
        sequence=entry.sequence,
        previous_hash=entry.previous_hash,
        idempotency_key=entry.idempotency_key,
        posted_at=entry.posted_at,
        posted_by_id=entry.posted_by_id,
        content_digest=digest,
    )
    if expected != entry.hash:
        return ChainBreak(entry.id, entry.sequence, "hash", expected, entry.hash)
    result.entries_checked += 1
    result.last_hash = entry.hash
    return None


def _postings_by_entry(entry_ids) -> dict[int, list[tuple[str, str, int]]]:
    grouped: dict[int, list[tuple[str, str, int]]] = {}
    rows = Posting.objects.filter(entry_id__in=entry_ids).values_list(
        "entry_id", "account__code", "commodity_id", "amount_minor"
    )
    for entry_id, code, commodity, amount in rows:
        grouped.setdefault(entry_id, []).append((code, commodity, amount))
    return grouped
