"""A run's stored transfers (RunTransfer) to and from the transfers channels propose."""

from compensation import accounts
from compensation.models import RunChunk, RunTransfer, SettlementRun
from compensation.transfers import ProposedTransfer


def stored(run: SettlementRun, chunk: RunChunk, transfers) -> list[RunTransfer]:
    """Unsaved RunTransfers of `chunk` for proposed `transfers` (descriptions cut to 300)."""
    return [
        RunTransfer(
            run=run,
            chunk=chunk,
            channel=t.channel,
            key=t.key,
            payer=t.payer_account.code,
            payee=t.payee_account.code,
            payer_region=t.payer_region,
            payee_region=t.payee_region,
            commodity=t.commodity,
            amount=t.amount,
            description=t.description[:300],
            inputs=t.inputs,
        )
        for t in transfers
    ]


def proposed(row: RunTransfer, *, with_inputs: bool = True) -> ProposedTransfer:
    """The ProposedTransfer a stored row stands for (its accounts parsed from their codes);
    without its inputs (empty) when `with_inputs` is off, for a row read without them."""
    return ProposedTransfer(
        channel=row.channel,
        key=row.key,
        payer_account=accounts.ref_for(row.payer),
        payee_account=accounts.ref_for(row.payee),
        amount=row.amount,
        description=row.description,
        payer_region=row.payer_region,
        payee_region=row.payee_region,
        inputs=row.inputs if with_inputs else {},
    )
