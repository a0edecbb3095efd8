"""The chart of accounts compensation books into, named in one place.

Money (CNY): every party has one account per channel, credit-normal, whose
balance is what the party has received net of what it paid through that
channel. A transfer lowers the payer's balance and raises the payee's.

Tonnes (tCO2e), per region and vintage (the year the sink grew):

    verified   where verified sink enters the books (credit-normal source)
    available  verified tonnes no channel has paid for yet; may not go negative
    claimed:<channel>  tonnes a channel has paid for (market: issued credits)
    buffer     credits withheld against reversal; may not go negative
    retired    credits retired for an emitter's offset
    cancelled  credits cancelled (reversal events or by their holder)

Claiming moves tonnes out of `available`, and the ledger refuses to take it
below zero, so no tonne is paid for twice across channels or periods.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ledger.commodities import CNY, TCO2E
from ledger.models import Account
from ledger.services import AccountSpec, open_accounts

CHANNELS = ("vertical", "horizontal", "market")
CHANNEL_LABELS = {"vertical": _("vertical"), "horizontal": _("horizontal"), "market": _("market")}
CENTRAL = "central"


@dataclass(frozen=True)
class AccountRef:
    """An account compensation needs, opened on first use (opening is idempotent)."""

    code: str
    name: str
    type: str
    commodity: str
    owner: str
    non_negative: bool = False

    @property
    def debit_normal(self) -> bool:
        return self.type in (Account.Type.ASSET, Account.Type.EXPENSE)

    def spec(self) -> AccountSpec:
        return AccountSpec(
            code=self.code,
            name=self.name,
            type=self.type,
            commodity=self.commodity,
            owner=self.owner,
            non_negative=self.non_negative,
        )


def region_owner(region_code: str) -> str:
    return f"region:{region_code}"


def region_cny(region_code: str, channel: str) -> AccountRef:
    return AccountRef(
        code=f"cny:region:{region_code}:{channel}",
        name=f"{region_code} {channel} compensation",
        type=Account.Type.LIABILITY,
        commodity=CNY,
        owner=region_owner(region_code),
    )


def region_pass_through(region_code: str) -> AccountRef:
    """A region's vertical pass-through: what a vertical cascade's tier above pays it and
    its own tier pays on; zero once it has passed everything on."""
    return AccountRef(
        code=f"cny:region:{region_code}:vertical:pass",
        name=f"{region_code} vertical pass-through",
        type=Account.Type.LIABILITY,
        commodity=CNY,
        owner=region_owner(region_code),
    )


def central_cny(channel: str) -> AccountRef:
    """The higher government that funds vertical transfers and central top-ups."""
    return AccountRef(
        code=f"cny:central:{channel}",
        name=f"central government {channel} funding",
        type=Account.Type.LIABILITY,
        commodity=CNY,
        owner=CENTRAL,
    )


def agreement_fund(agreement_id: int) -> AccountRef:
    """A pooled fund of a horizontal agreement: contributions in, allocations out."""
    return AccountRef(
        code=f"cny:agreement:{agreement_id}:fund",
        name=f"agreement {agreement_id} fund",
        type=Account.Type.LIABILITY,
        commodity=CNY,
        owner=f"agreement:{agreement_id}",
    )


def holder_cny(holder_id: int) -> AccountRef:
    """A credit buyer's money account (market channel)."""
    return AccountRef(
        code=f"cny:holder:{holder_id}:market",
        name=f"credit holder {holder_id} market purchases",
        type=Account.Type.LIABILITY,
        commodity=CNY,
        owner=f"holder:{holder_id}",
    )


TONNE_BUCKETS = (
    "verified",
    "available",
    "buffer",
    "retired",
    "cancelled",
    *(f"claimed:{channel}" for channel in CHANNELS),
)
_NON_NEGATIVE_BUCKETS = {"available", "buffer"}


def sink(region_code: str, vintage: int, bucket: str) -> AccountRef:
    if bucket not in TONNE_BUCKETS:
        raise ValueError(f"Unknown tonne bucket {bucket!r}.")
    return AccountRef(
        code=f"t:region:{region_code}:{vintage}:{bucket}",
        name=f"{region_code} {vintage} sink {bucket}",
        type=Account.Type.EQUITY if bucket == "verified" else Account.Type.ASSET,
        commodity=TCO2E,
        owner=region_owner(region_code),
        non_negative=bucket in _NON_NEGATIVE_BUCKETS,
    )


def parse_sink_code(code: str) -> tuple[str, int, str] | None:
    """(region code, vintage, bucket) of a sink account code, or None for any other account."""
    parts = code.split(":", 4)
    if len(parts) != 5 or parts[:2] != ["t", "region"]:
        return None
    return parts[2], int(parts[3]), parts[4]


def open_all(refs) -> None:
    open_accounts([ref.spec() for ref in refs])


def party_of(code: str) -> tuple[str, str]:
    """(kind, key) of the party owning account `code`: ("region", region code),
    ("central", ""), ("agreement", agreement id), ("holder", holder id).

    The one reader of the account-code format besides ref_for; raises ValueError
    for a code compensation does not book into.
    """
    kind, _, key = ref_for(code).owner.partition(":")
    return kind, key


def ref_for(code: str) -> AccountRef:
    """The account a stored transfer names, rebuilt from its code."""
    parts = code.split(":")
    match parts:
        case ["cny", "region", region_code, channel] if channel in CHANNELS:
            return region_cny(region_code, channel)
        case ["cny", "region", region_code, "vertical", "pass"]:
            return region_pass_through(region_code)
        case ["cny", "central", channel] if channel in CHANNELS:
            return central_cny(channel)
        case ["cny", "agreement", agreement_id, "fund"]:
            return agreement_fund(int(agreement_id))
        case ["cny", "holder", holder_id, "market"]:
            return holder_cny(int(holder_id))
        case ["t", "region", region_code, vintage, *bucket]:
            return sink(region_code, int(vintage), ":".join(bucket))
    raise ValueError(f"{code!r} is not an account compensation books into.")
