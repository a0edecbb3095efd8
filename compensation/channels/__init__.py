"""The three compensation channels, each one module behind the same interface.

The interface (plan, compute, finish, inputs) is described in
compensation.channels.base; REGISTRY maps each channel's name to its module, in
the order a run plans them, so a fourth channel is one new module added here
(and its name in compensation.accounts.CHANNELS, which its account codes use).

Computing reads parameters, agreements, valuations and the credit registry
and posts nothing; the settlement run books the transfers (see
compensation.booking). Money and tonnes are separate transfers, each in one
commodity, and every transfer keeps the formula inputs that produced it.

compute_period() is the one in-process path: plan, compute every scope, finish.
The admin's previews and the channel tests call it; a settlement run calls the
same plan, compute and finish, with the scopes spread over workers
(compensation.settlement.planning).
"""

from compensation.channels import horizontal, market, vertical
from compensation.channels.base import Channel, Pinned
from compensation.exceptions import ChannelInputError
from compensation.overrides import NO_OVERRIDES, Overrides
from compensation.periods import Period
from compensation.transfers import ProposedTransfer

REGISTRY: dict[str, Channel] = {c.CHANNEL: c for c in (vertical, horizontal, market)}


def compute_period(
    name: str, programme, period: Period, overrides: Overrides = NO_OVERRIDES
) -> list[ProposedTransfer]:
    """Channel `name`'s transfers for a programme and period, computed in this process.

    Every scope is computed even when one fails, so the ChannelInputError raised names
    every scope's problems.
    """
    channel = REGISTRY[name]
    transfers, problems = [], []
    for scope in channel.plan(programme, period, overrides):
        try:
            transfers += channel.compute(programme, period, overrides, scope)
        except ChannelInputError as exc:
            problems.append(str(exc))
    if problems:
        raise ChannelInputError(" ".join(problems))
    return channel.finish(programme, period, overrides, transfers)


def pin_inputs(programme, period: Period, overrides: Overrides) -> dict[str, dict[str, Pinned]]:
    """Channel name -> input name -> Pinned, for every channel: what a run freezes."""
    return {
        name: channel.inputs(programme, period, overrides) for name, channel in REGISTRY.items()
    }


def changed_inputs(
    name: str, programme, period: Period, overrides: Overrides, pinned: dict[str, Pinned]
) -> list[str]:
    """Labels (translated) of channel `name`'s inputs that differ from `pinned`, in name order.

    An input added or gone since counts as changed.
    """
    now = REGISTRY[name].inputs(programme, period, overrides)
    return [
        (now.get(key) or pinned[key])["label"]
        for key in sorted(set(now) | set(pinned))
        if key not in now or key not in pinned or now[key]["digest"] != pinned[key]["digest"]
    ]
