"""The credit registry: issue units from verified sink, transfer, sell, retire, cancel, reverse.

Every operation is recorded once (by its idempotency key) as a
CreditOperation, splits blocks exactly where the range starts and ends, and
books its tonnes in the ledger in the same transaction:

    issue      available → claimed:market (units to the protector)
               available → buffer         (the buffer-pool share, rounded up)
    retire     claimed:market → retired
    cancel     claimed:market → cancelled
    reversal   buffer → cancelled first, then the protector's own active units

Transfers and sales move units between holders, not tonnes; the proceeds of a
sale reach the seller through the market channel in the next settlement run.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from compensation import accounts, serials
from compensation.booking import book_transfers
from compensation.exceptions import CreditError
from compensation.models import (
    CreditBlock,
    CreditHolder,
    CreditOperation,
    CreditProject,
    IssuanceBatch,
    Valuation,
    ValuationLine,
)
from compensation.quantities import cny, tonnes
from compensation.transfers import ProposedTransfer

Status = CreditBlock.Status
Kind = CreditOperation.Kind


def protector_holder(region) -> CreditHolder:
    holder, _created = CreditHolder.objects.get_or_create(
        region=region, defaults={"name": region.name, "kind": CreditHolder.Kind.PROTECTOR}
    )
    return holder


def buffer_pool() -> CreditHolder:
    holder, _created = CreditHolder.objects.get_or_create(
        kind=CreditHolder.Kind.BUFFER, defaults={"name": "buffer pool"}
    )
    return holder


def project_sink(project: CreditProject, valuation: Valuation) -> Decimal:
    """The verified sink of the project's zones in a valuation, tCO2e (3 places).

    Only the hectares the valuation attributed to those zones count: where a
    project zone lies under a higher-priority zone that is not in the project
    (`compensation.valuation.ATTRIBUTION_ORDER`), those hectares are that
    zone's, so no tonne is issued twice.
    """
    total = ValuationLine.objects.filter(
        valuation=valuation, zone__in=project.zones.all(), protected=True
    ).aggregate(total=Sum("tco2e"))["total"]
    return total or tonnes(Decimal(0))


def _existing(key: str, kind: str) -> CreditOperation | None:
    found = CreditOperation.objects.filter(idempotency_key=key).first()
    if found is not None and found.kind != kind:
        raise CreditError(
            _("Idempotency key %(key)s was used for a %(kind)s.")
            % {"key": key, "kind": found.get_kind_display()}
        )
    return found


def _tonne_move(project, vintage, source, target, units, key, inputs) -> ProposedTransfer:
    code = project.region.code
    return ProposedTransfer(
        channel="market",
        key=key,
        payer_account=accounts.sink(code, vintage, source),
        payee_account=accounts.sink(code, vintage, target),
        amount=tonnes(Decimal(units)),
        description=f"Credits {project.code} {vintage}: {units} t {source} → {target}",
        payer_region=code,
        payee_region=code,
        inputs=inputs,
    )


def _book(operation, moves, by):
    book_transfers(
        moves,
        key_prefix=f"credit:{operation.pk}",
        effective_date=operation.date,
        cause=f"credit-operation:{operation.pk}",
        posted_by=by,
    )


def issue_batch(
    *, project: CreditProject, vintage: int, idempotency_key: str, on: date, by=None
) -> IssuanceBatch:
    """Issue whole units for the project's verified sink of `vintage` not issued before."""
    with transaction.atomic():
        project = (
            CreditProject.objects.select_for_update().select_related("region").get(pk=project.pk)
        )
        found = _existing(idempotency_key, Kind.ISSUE)
        if found is not None:
            return found.batch
        if not project.crediting_start.year <= vintage <= project.crediting_end.year:
            raise CreditError(
                _("Vintage %(vintage)s is outside the crediting period %(start)s–%(end)s.")
                % {
                    "vintage": vintage,
                    "start": project.crediting_start,
                    "end": project.crediting_end,
                }
            )
        valuation = Valuation.objects.filter(
            programme=project.programme, year=vintage, current=True
        ).first()
        if valuation is None:
            raise CreditError(
                _("No current valuation for %(vintage)s: verify the sink before issuing.")
                % {"vintage": vintage}
            )
        verified = project_sink(project, valuation)
        issued = project.batches.filter(vintage=vintage).aggregate(n=Sum("units"))["n"] or 0
        units = int(verified.to_integral_value(rounding=ROUND_FLOOR)) - issued
        if units <= 0:
            raise CreditError(
                _(
                    "Nothing to issue for %(project)s %(vintage)s: %(verified)s tCO2e verified, "
                    "%(issued)s units already issued."
                )
                % {
                    "project": project.code,
                    "vintage": vintage,
                    "verified": verified,
                    "issued": issued,
                }
            )
        buffer_units = int((units * project.buffer_share).to_integral_value(rounding=ROUND_CEILING))
        number = (project.batches.aggregate(n=Max("number"))["n"] or 0) + 1
        batch = IssuanceBatch.objects.create(
            project=project,
            number=number,
            vintage=vintage,
            valuation=valuation,
            verified_tco2e=verified,
            units=units,
            buffer_units=buffer_units,
            issued_by=by,
        )
        protector = protector_holder(project.region)
        operation = CreditOperation.objects.create(
            kind=Kind.ISSUE,
            batch=batch,
            first_unit=1,
            last_unit=units,
            to_holder=protector,
            date=on,
            idempotency_key=idempotency_key,
            created_by=by,
        )
        held = units - buffer_units
        if held:
            CreditBlock.objects.create(
                batch=batch,
                first_unit=1,
                last_unit=held,
                holder=protector,
                status=Status.ACTIVE,
                operation=operation,
            )
        if buffer_units:
            CreditBlock.objects.create(
                batch=batch,
                first_unit=held + 1,
                last_unit=units,
                holder=buffer_pool(),
                status=Status.ACTIVE,
                operation=operation,
            )
        inputs = {"batch": batch.pk, "verified_tco2e": str(verified), "units": units}
        moves = [
            _tonne_move(project, vintage, "available", "claimed:market", held, "issue", inputs),
            _tonne_move(project, vintage, "available", "buffer", buffer_units, "buffer", inputs),
        ]
        _book(operation, [m for m in moves if m.amount > 0], by)
        return batch


@dataclass(frozen=True)
class UnitRange:
    batch: IssuanceBatch
    first_unit: int
    last_unit: int

    def __post_init__(self):
        if self.first_unit < 1 or self.last_unit < self.first_unit:
            raise CreditError(
                _("Units %(first)s–%(last)s are not a range.")
                % {"first": self.first_unit, "last": self.last_unit}
            )

    @property
    def units(self) -> int:
        return self.last_unit - self.first_unit + 1


def _blocks_for(units: UnitRange, holder: CreditHolder) -> list[CreditBlock]:
    """The active blocks of `holder` that exactly cover the range, locked; else a clear error."""
    blocks = list(
        CreditBlock.objects.select_for_update()
        .filter(batch=units.batch, first_unit__lte=units.last_unit, last_unit__gte=units.first_unit)
        .order_by("first_unit")
    )
    expected = units.first_unit
    for block in blocks:
        if block.first_unit > expected:
            break
        if block.status != Status.ACTIVE:
            raise CreditError(
                _(
                    "Units %(first)s–%(last)s include %(status)s units (%(serial)s); "
                    "they never move."
                )
                % {
                    "first": units.first_unit,
                    "last": units.last_unit,
                    "status": block.get_status_display(),
                    "serial": block.serial,
                }
            )
        if block.holder_id != holder.pk:
            raise CreditError(
                _("Units %(serial)s are held by %(holder)s, not %(expected)s.")
                % {"serial": block.serial, "holder": block.holder, "expected": holder}
            )
        expected = block.last_unit + 1
    if expected <= units.last_unit:
        raise CreditError(
            _("Batch %(batch)s has no units %(first)s–%(last)s to move.")
            % {"batch": units.batch, "first": units.first_unit, "last": units.last_unit}
        )
    return blocks


def _move(units: UnitRange, *, holder, to_holder, status, operation) -> None:
    """Split the covering blocks at the range's ends and give the range its new holder and state."""
    for block in _blocks_for(units, holder):
        inside_first = max(block.first_unit, units.first_unit)
        inside_last = min(block.last_unit, units.last_unit)
        outside = serials.split(block.first_unit, block.last_unit, inside_first, inside_last)
        kept_operation = block.operation_id
        block.first_unit, block.last_unit = inside_first, inside_last
        block.holder, block.status, block.operation = to_holder, status, operation
        block.save(update_fields=["first_unit", "last_unit", "holder", "status", "operation"])
        CreditBlock.objects.bulk_create(
            CreditBlock(
                batch=units.batch,
                first_unit=first,
                last_unit=last,
                holder=holder,
                status=Status.ACTIVE,
                operation_id=kept_operation,
            )
            for first, last in outside
        )
    _merge_active(units.batch, to_holder)


def _merge_active(batch, holder) -> None:
    """Join adjacent active blocks of one holder, so holdings stay few and serials long."""
    blocks = list(
        CreditBlock.objects.filter(batch=batch, holder=holder, status=Status.ACTIVE).order_by(
            "first_unit"
        )
    )
    merged = serials.merge([(b.first_unit, b.last_unit) for b in blocks])
    if len(merged) == len(blocks):
        return
    for first, last in merged:
        inside = [b for b in blocks if first <= b.first_unit <= last]
        keep, *absorbed = inside
        # Delete first: blocks of a batch never overlap, not even for a moment.
        CreditBlock.objects.filter(pk__in=[b.pk for b in absorbed]).delete()
        if keep.last_unit != last:
            keep.last_unit = last
            keep.save(update_fields=["last_unit"])


def _operate(units: UnitRange, *, kind, holder, to_holder, status, key, on, by, **fields):
    with transaction.atomic():
        found = _existing(key, kind)
        if found is not None:
            return found
        operation = CreditOperation.objects.create(
            kind=kind,
            batch=units.batch,
            first_unit=units.first_unit,
            last_unit=units.last_unit,
            from_holder=holder,
            to_holder=to_holder,
            date=on,
            idempotency_key=key,
            created_by=by,
            **fields,
        )
        _move(units, holder=holder, to_holder=to_holder, status=status, operation=operation)
        return operation


def transfer_units(*, units: UnitRange, holder, to_holder, key: str, on: date, by=None):
    """Move `units` from `holder` to another holder; raises CreditError for the buffer or itself."""
    if to_holder.pk == holder.pk:
        raise CreditError(
            _("Units are transferred to another holder, not to the one holding them.")
        )
    if to_holder.kind == CreditHolder.Kind.BUFFER or holder.kind == CreditHolder.Kind.BUFFER:
        raise CreditError(_("Only issuance and reversals move units into or out of the buffer."))
    return _operate(
        units,
        kind=Kind.TRANSFER,
        holder=holder,
        to_holder=to_holder,
        status=Status.ACTIVE,
        key=key,
        on=on,
        by=by,
    )


def sell_units(*, units: UnitRange, holder, buyer, price: Decimal, key: str, on: date, by=None):
    """A sale at `price` per unit; the proceeds are settled by the market channel."""
    if price <= 0:
        raise CreditError(_("A sale needs a positive price."))
    if buyer.kind != CreditHolder.Kind.BUYER:
        raise CreditError(_("Units are sold to a buyer, not to %(holder)s.") % {"holder": buyer})
    return _operate(
        units,
        kind=Kind.SELL,
        holder=holder,
        to_holder=buyer,
        status=Status.ACTIVE,
        key=key,
        on=on,
        by=by,
        price=price,
        proceeds=cny(price * units.units),
    )


def retire_units(
    *,
    units: UnitRange,
    holder,
    beneficiary: str,
    reason: str,
    key: str,
    on: date,
    by=None,
    publish_beneficiary: bool = False,
):
    """Retire units for an emitter's offset; they never move again.

    `beneficiary` (up to 200 characters) is on record either way; the public credit lookup
    (/public/credits/) shows it only when the holder chose `publish_beneficiary`, as the
    Verra and Gold Standard registries leave the retirement beneficiary to the account
    holder. The choice is made once, at retirement: the operation is append-only.
    Raises CreditError when the beneficiary or the reason is blank.
    """
    if not beneficiary.strip() or not reason.strip():
        raise CreditError(_("A retirement names its beneficiary and its reason."))
    with transaction.atomic():
        operation = _operate(
            units,
            kind=Kind.RETIRE,
            holder=holder,
            to_holder=holder,
            status=Status.RETIRED,
            key=key,
            on=on,
            by=by,
            beneficiary=beneficiary.strip(),
            beneficiary_published=publish_beneficiary,
            reason=reason.strip(),
        )
        _book_tonnes(operation, "claimed:market", "retired", units.units, by)
        return operation


def cancel_units(*, units: UnitRange, holder, reason: str, key: str, on: date, by=None):
    if not reason.strip():
        raise CreditError(_("A cancellation gives its reason."))
    with transaction.atomic():
        operation = _operate(
            units,
            kind=Kind.CANCEL,
            holder=holder,
            to_holder=holder,
            status=Status.CANCELLED,
            key=key,
            on=on,
            by=by,
            reason=reason.strip(),
        )
        _book_tonnes(operation, "claimed:market", "cancelled", units.units, by)
        return operation


def _book_tonnes(operation, source, target, units, by):
    batch = operation.batch
    _book(
        operation,
        [
            _tonne_move(
                batch.project,
                batch.vintage,
                source,
                target,
                units,
                operation.kind,
                {"operation": operation.pk},
            )
        ],
        by,
    )


def record_reversal(
    *, project: CreditProject, vintage: int, tonnes: int, cause: str, key: str, on: date, by=None
) -> list[CreditOperation]:
    """A loss of sink (fire, land-use change): cancel from the buffer first, then the protector's.

    All or nothing: if the buffer and the protector's own active units cannot
    cover the loss, nothing is cancelled and the error says how many could be.
    """
    if tonnes <= 0 or not cause.strip():
        raise CreditError(_("A reversal names a positive number of tonnes and its cause."))
    with transaction.atomic():
        done = list(CreditOperation.objects.filter(idempotency_key__startswith=f"{key}:"))
        if done:
            return done
        protector = protector_holder(project.region)
        sources = [(buffer_pool(), "buffer"), (protector, "claimed:market")]
        operations, left = [], tonnes
        for holder, bucket in sources:
            blocks = (
                CreditBlock.objects.filter(
                    batch__project=project,
                    batch__vintage=vintage,
                    holder=holder,
                    status=Status.ACTIVE,
                )
                .select_related("batch")
                .order_by("batch__number", "first_unit")
            )
            for block in blocks:
                if left == 0:
                    break
                take = min(left, block.units)
                units = UnitRange(block.batch, block.first_unit, block.first_unit + take - 1)
                operation = _operate(
                    units,
                    kind=Kind.REVERSAL,
                    holder=holder,
                    to_holder=holder,
                    status=Status.CANCELLED,
                    key=f"{key}:{len(operations) + 1}",
                    on=on,
                    by=by,
                    reason=cause.strip(),
                )
                _book_tonnes(operation, bucket, "cancelled", take, by)
                operations.append(operation)
                left -= take
        if left:
            covered = tonnes - left
            raise CreditError(
                _(
                    "A reversal of %(tonnes)s t can only cancel %(covered)s units of %(project)s "
                    "%(vintage)s from the buffer and the protector's holdings; "
                    "nothing was cancelled."
                )
                % {
                    "tonnes": tonnes,
                    "covered": covered,
                    "project": project.code,
                    "vintage": vintage,
                }
            )
        return operations
