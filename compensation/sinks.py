"""Verified sink tonnes in the ledger, who has claimed them, and the step that verifies them.

Each region's verified sink of a vintage enters its `available` account;
every channel that pays for tonnes moves them out (see compensation.accounts).
The ledger refuses to take `available` below zero, so a tonne is paid for once.

Sink verification (碳汇核证) is maker-checker, like settlement runs: one
ecology official requests it for a current valuation (all its regions, or
one), another approves it, which posts (`verify_sink`), or rejects it.
Every surface (admin, API, `manage.py verify_sink`) calls these functions.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation import accounts
from compensation.exceptions import (
    BooksClosed,
    ChannelInputError,
    TonnesUnavailable,
    VerificationRefused,
)
from compensation.models import SinkVerification, Valuation
from compensation.quantities import tonnes
from compensation.transfers import ProposedTransfer
from config.roles import may
from ledger.exceptions import NegativeBalance, PeriodClosed
from ledger.models import Account
from ledger.selectors import account_balance
from ledger.services import EntrySpec, Leg, post_entries
from pilots.access import ALL, region_codes_of
from pilots.models import PilotProgramme, Region

ZERO = tonnes(Decimal(0))


def verified_tonnes(region_code: str, vintage: int) -> Decimal:
    """Tonnes verified so far for a region and vintage (zero before any)."""
    return _balance(accounts.sink(region_code, vintage, "verified").code)


def available_tonnes(region_code: str, vintage: int) -> Decimal:
    return _balance(accounts.sink(region_code, vintage, "available").code)


def _balance(code: str) -> Decimal:
    account = Account.objects.select_related("commodity").filter(code=code).first()
    return account_balance(account=account) if account else ZERO


def _check_current(valuation: Valuation) -> None:
    if not valuation.current:
        raise ChannelInputError(
            _("Valuation %(id)s has been superseded; verify the current one.")
            % {"id": valuation.pk}
        )


def verify_sink(*, valuation: Valuation, posted_by=None, region_codes=None):
    """Bring each region's verified tonnes of the vintage to this valuation's sink.

    Only the current valuation may be verified. A first verification posts the
    whole sink; a later valuation posts the difference, and a lower one takes
    tonnes back out of `available` (refused if channels have claimed them).
    `region_codes` limits it to those regions (None: every region). Returns the
    ledger entries (one per region whose tonnes changed); raises
    ChannelInputError (superseded) or TonnesUnavailable, posting nothing.
    Officials reach this through `request_verification` and `approve_verification`.
    """
    _check_current(valuation)
    vintage = valuation.year
    with transaction.atomic():
        PilotProgramme.objects.select_for_update().get(pk=valuation.programme_id)
        specs = []
        positions = valuation.positions.select_related("region")
        if region_codes is not None:
            positions = positions.filter(region__code__in=region_codes)
        for position in positions:
            code = position.region.code
            target = max(position.sink_tco2e, ZERO)
            delta = target - verified_tonnes(code, vintage)
            if delta == 0:
                continue
            available = accounts.sink(code, vintage, "available")
            verified = accounts.sink(code, vintage, "verified")
            accounts.open_all([available, verified])
            specs.append(
                EntrySpec(
                    idempotency_key=f"sink:verify:{valuation.pk}:{code}",
                    effective_date=valuation.created_at.date(),
                    description=f"Verified sink {code} {vintage}: {target} tCO2e",
                    legs=[Leg.debit(available.code, delta), Leg.credit(verified.code, delta)],
                    cause=f"valuation:{valuation.pk}",
                )
            )
        try:
            return post_entries(specs=specs, posted_by=posted_by)
        except NegativeBalance:
            raise TonnesUnavailable(
                _(
                    "Valuation %(id)s lowers the sink below what channels have already "
                    "claimed; correct those claims first."
                )
                % {"id": valuation.pk}
            ) from None
        except PeriodClosed as exc:
            raise BooksClosed(str(exc)) from exc


def _require(user, button: str, message: str) -> None:
    if not may(user, button):
        raise VerificationRefused(message)


def request_verification(
    *, valuation: Valuation, by, region: Region | None = None, reason: str = ""
) -> SinkVerification:
    """A requested verification of `valuation`'s sink (every region, or `region`), by `by`.

    Raises VerificationRefused (not an ecology official, region not in the
    valuation, a request for the same valuation and scope already open) or
    ChannelInputError (valuation superseded); nothing is stored then.
    """
    _require(
        by,
        "request_sink_verification",
        _("Only an ecology official may request sink verification."),
    )
    _check_current(valuation)
    if region is not None and not valuation.positions.filter(region=region).exists():
        raise VerificationRefused(
            _("%(region)s is not part of valuation %(id)s.")
            % {"region": region, "id": valuation.pk}
        )
    open_requests = SinkVerification.objects.filter(
        valuation=valuation, region=region, status=SinkVerification.Status.REQUESTED
    )
    refusal = _("Verification %(id)s of this valuation is already waiting for approval.")
    if (waiting := open_requests.first()) is not None:
        raise VerificationRefused(refusal % {"id": waiting.pk})
    try:
        with transaction.atomic():
            return SinkVerification.objects.create(
                valuation=valuation, region=region, requested_by=by, reason=reason
            )
    except IntegrityError:
        raise VerificationRefused(refusal % {"id": open_requests.first().pk}) from None


def _decide(verification: SinkVerification, *, by, to: str, reason: str) -> SinkVerification:
    """Lock `verification`, check it may be decided by `by`, and record the decision."""
    _require(
        by,
        "decide_sink_verification",
        _("Only an ecology official may approve or reject sink verification."),
    )
    verification = (
        SinkVerification.objects.select_for_update(of=("self",))
        .select_related("valuation", "region")
        .get(pk=verification.pk)
    )
    if verification.status != SinkVerification.Status.REQUESTED:
        raise VerificationRefused(
            _("Verification %(id)s is %(status)s; only a requested verification is decided.")
            % {"id": verification.pk, "status": verification.get_status_display()}
        )
    if verification.requested_by_id == by.pk:
        raise VerificationRefused(
            _(
                "%(user)s requested verification %(id)s and cannot also approve or reject it "
                "(maker-checker)."
            )
            % {"user": by.get_username(), "id": verification.pk}
        )
    verification.status = to
    verification.decided_by = by
    verification.decided_at = timezone.now()
    verification.decision_reason = reason
    return verification


def approve_verification(
    verification: SinkVerification, *, by, reason: str = ""
) -> SinkVerification:
    """Approve a requested verification (another ecology official) and post its tonnes.

    `entries` records how many regions' verified tonnes changed. Raises
    VerificationRefused (wrong state, the requester, no permission),
    ChannelInputError (valuation superseded since the request) or
    TonnesUnavailable (a lower sink than channels have claimed); nothing is
    posted or changed then.
    """
    with transaction.atomic():
        verification = _decide(
            verification, by=by, to=SinkVerification.Status.VERIFIED, reason=reason
        )
        region = verification.region
        entries = verify_sink(
            valuation=verification.valuation,
            posted_by=by,
            region_codes=None if region is None else [region.code],
        )
        verification.entries = len(entries)
        verification.save()
        return verification


def reject_verification(verification: SinkVerification, *, by, reason: str) -> SinkVerification:
    """Reject a requested verification (another ecology official), saying why; posts nothing.

    Raises VerificationRefused as `approve_verification` does, or when `reason` is blank.
    """
    if not reason.strip():
        raise VerificationRefused(_("Say why the verification is rejected."))
    with transaction.atomic():
        verification = _decide(
            verification, by=by, to=SinkVerification.Status.REJECTED, reason=reason
        )
        verification.save()
        return verification


def verifications_visible_to(user) -> QuerySet:
    """Sink verifications `user` may see: officials all; operators those touching their regions.

    A verification of every region of a valuation touches each region in it.
    """
    rows = SinkVerification.objects.select_related(
        "valuation__programme", "region", "requested_by", "decided_by"
    )
    codes = region_codes_of(user)
    if codes is ALL:
        return rows
    return rows.filter(
        Q(region__code__in=codes)
        | Q(region__isnull=True, valuation__positions__region__code__in=codes)
    ).distinct()


def claim(*, channel: str, key: str, region_code: str, vintage: int, tonnes: Decimal, inputs):
    """A proposed transfer of tonnes from a region's available sink to the channel's claims."""
    return ProposedTransfer(
        channel=channel,
        key=key,
        payer_account=accounts.sink(region_code, vintage, "available"),
        payee_account=accounts.sink(region_code, vintage, f"claimed:{channel}"),
        amount=tonnes,
        description=f"{channel} claims {tonnes} tCO2e of {region_code} {vintage} sink",
        payer_region=region_code,
        payee_region=region_code,
        inputs=inputs,
    )


def shortfalls(transfers) -> list[str]:
    """A sentence for each available-sink account the transfers would take below zero."""
    needed: dict[str, Decimal] = {}
    for transfer in transfers:
        code = transfer.payer_account.code
        parsed = accounts.parse_sink_code(code)
        if parsed and parsed[2] == "available":
            needed[code] = needed.get(code, ZERO) + transfer.amount
    problems = []
    for code, need in sorted(needed.items()):
        region_code, vintage, _bucket = accounts.parse_sink_code(code)
        have = _balance(code)
        if need <= have:
            continue
        row = sink_row(region_code, vintage)
        used = ", ".join(
            f"{channel} {tonnes}" for channel, tonnes in row.claimed.items() if tonnes
        ) or _("none")
        problems.append(
            _(
                "%(region)s vintage %(vintage)s: %(need)s tCO2e claimed but only %(have)s "
                "available of %(verified)s verified (already claimed: %(used)s)."
            )
            % {
                "region": _region_label(region_code),
                "vintage": vintage,
                "need": need,
                "have": have,
                "verified": row.verified,
                "used": used,
            }
        )
    return problems


def _region_label(code: str) -> str:
    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return f"{name} ({code})" if name else code


@dataclass
class SinkRow:
    """Tonnes of one region and vintage: verified, and where they are now."""

    region_code: str
    vintage: int
    verified: Decimal = ZERO
    available: Decimal = ZERO
    claimed: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(accounts.CHANNELS, ZERO)
    )
    buffer: Decimal = ZERO
    retired: Decimal = ZERO
    cancelled: Decimal = ZERO

    def add(self, bucket: str, balance: Decimal) -> None:
        if bucket == "verified":
            self.verified = balance
        elif bucket.startswith("claimed:"):
            self.claimed[bucket.removeprefix("claimed:")] = balance
        else:
            setattr(self, bucket, balance)

    @property
    def accounted(self) -> Decimal:
        """Every verified tonne is in exactly one place."""
        return (
            self.available
            + sum(self.claimed.values(), ZERO)
            + self.buffer
            + self.retired
            + self.cancelled
        )


def sink_report(*, region_codes=None, vintage: int | None = None) -> list[SinkRow]:
    """Per region and vintage: tonnes available, claimed per channel, buffered, retired."""
    found = Account.objects.select_related("commodity").filter(code__startswith="t:region:")
    if region_codes is not None:
        found = found.filter(owner__in=[accounts.region_owner(c) for c in region_codes])
    rows: dict[tuple[str, int], SinkRow] = {}
    for account in found:
        region_code, year, bucket = accounts.parse_sink_code(account.code)
        if vintage is not None and year != vintage:
            continue
        row = rows.setdefault((region_code, year), SinkRow(region_code, year))
        row.add(bucket, account_balance(account=account))
    return [rows[key] for key in sorted(rows)]


def sink_row(region_code: str, vintage: int) -> SinkRow:
    rows = sink_report(region_codes=[region_code], vintage=vintage)
    return rows[0] if rows else SinkRow(region_code, vintage)
