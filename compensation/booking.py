"""Booking proposed transfers in the ledger: one balanced entry per transfer, all or none."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from compensation import accounts
from compensation.exceptions import BooksClosed, TonnesUnavailable
from compensation.sinks import shortfalls
from compensation.transfers import ProposedTransfer
from ledger.exceptions import NegativeBalance, PeriodClosed
from ledger.models import JournalEntry
from ledger.services import EntrySpec, Leg, post_entries


def transfer_legs(transfer: ProposedTransfer) -> list[Leg]:
    """The payer's balance goes down and the payee's up, each on its normal side."""
    amount = transfer.amount
    payer, payee = transfer.payer_account.code, transfer.payee_account.code
    if transfer.payer_account.debit_normal:
        return [Leg.credit(payer, amount), Leg.debit(payee, amount)]
    return [Leg.debit(payer, amount), Leg.credit(payee, amount)]


def entry_spec(transfer: ProposedTransfer, *, key_prefix: str, effective_date: date, cause: str):
    return EntrySpec(
        idempotency_key=f"{key_prefix}:{transfer.channel}:{transfer.key}",
        effective_date=effective_date,
        description=transfer.description,
        legs=transfer_legs(transfer),
        cause=cause,
    )


def book_transfers(
    transfers: list[ProposedTransfer],
    *,
    key_prefix: str,
    effective_date: date,
    cause: str,
    posted_by=None,
):
    """Post every transfer, or none; a tonne already paid for refuses the whole booking.

    Idempotency keys are `<key_prefix>:<channel>:<transfer key>`, so booking
    the same transfers again posts nothing new.
    """
    specs = [
        entry_spec(t, key_prefix=key_prefix, effective_date=effective_date, cause=cause)
        for t in transfers
    ]
    posted = set(
        JournalEntry.objects.filter(
            idempotency_key__in=[spec.idempotency_key for spec in specs]
        ).values_list("idempotency_key", flat=True)
    )
    problems = shortfalls(
        [t for t, spec in zip(transfers, specs, strict=True) if spec.idempotency_key not in posted]
    )
    if problems:
        raise TonnesUnavailable(" ".join(problems))
    with transaction.atomic():
        payers = [t.payer_account for t in transfers]
        accounts.open_all(payers + [t.payee_account for t in transfers])
        try:
            return post_entries(specs=specs, posted_by=posted_by)
        except NegativeBalance as exc:
            # Another booking claimed the same tonnes between the check and the post.
            raise TonnesUnavailable(
                _("Sink tonnes were claimed concurrently: %(detail)s") % {"detail": exc}
            ) from exc
        except PeriodClosed as exc:
            raise BooksClosed(str(exc)) from exc
