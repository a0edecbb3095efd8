"""The three compensation channels, each behind the same interface.

    compute(programme, period) -> list[ProposedTransfer]

Computing reads parameters, agreements, valuations and the credit registry
and posts nothing; the settlement run books the transfers (see
compensation.booking). Money and tonnes are separate transfers, each in one
commodity, and every transfer keeps the formula inputs that produced it.

The shared types live in modules of their own: compensation.periods.Period,
compensation.transfers.ProposedTransfer, compensation.overrides.Overrides.
"""
