"""Sub-allocation plans (分配方案): passing a posted run's receipts on to recipients.

A region's operator proposes how the region's CNY receipts of one posted run
are split between its recipients, by area protected (the recipient's zones'
area, km²), by fixed shares, by parcel (one line per zone, weighted by its
area), or by a published local rule of the region (each recipient kind's share,
then by area or equally within the kind); every line has a due date. The
split is exact to the fen by largest remainder (compensation.splitting). A
finance official who is not the proposer approves, which posts one ledger
entry: the region's channel accounts
are debited by what each received in the run, and each line's sub-account
(passthrough.accounts) is credited by its amount. Or rejects it, with a reason.
A finance official may reverse a posted plan none of whose lines is paid
(reverse_plan), after which the receipts may be passed on again. Every
surface (admin, API) calls these functions.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation import accounts as compensation_accounts
from compensation.models import RunTransfer, SettlementRun
from compensation.settlement.states import POSTED
from compensation.splitting import largest_remainder
from config.roles import may
from ledger.commodities import CNY, quantum
from ledger.exceptions import PeriodClosed
from ledger.services import EntrySpec, Leg, post_entry, reverse_entry
from passthrough import accounts
from passthrough.exceptions import PlanRefused
from passthrough.models import (
    LocalRule,
    PaymentMatch,
    Recipient,
    SubAllocationLine,
    SubAllocationPlan,
)
from pilots.access import can_view_region, scoped
from pilots.models import Region, Zone
from pilots.planning import plans_in_force

Method = SubAllocationPlan.Method
Status = SubAllocationPlan.Status


@dataclass(frozen=True)
class LineSpec:
    """One line to propose: a recipient, its due date, and per method a share or a parcel.

    `weight` (a positive number) is read by the fixed-shares method only; `zone`
    (one of the recipient's zones) by the parcel method only.
    """

    recipient: Recipient
    due_date: date
    weight: Decimal | None = None
    zone: Zone | None = None


def receipts(*, run: SettlementRun, region: Region) -> dict[str, Decimal]:
    """{channel: CNY} the region received in `run` (its channel accounts as payee), fen exact.

    Channels it received nothing through are left out.
    """
    codes = {
        compensation_accounts.region_cny(region.code, channel).code: channel
        for channel in compensation_accounts.CHANNELS
    }
    rows = (
        RunTransfer.objects.filter(run=run, commodity=CNY, payee__in=codes)
        .values("payee")
        .annotate(total=Sum("amount"))
    )
    return {
        codes[row["payee"]]: row["total"].quantize(quantum(CNY)) for row in rows if row["total"]
    }


def _refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise PlanRefused(message)


def _check_passed_on_once(run: SettlementRun, region: Region) -> None:
    """Refuse passing on `run`'s receipts when they would be passed on twice.

    A posted correction reverses the run's entries, so a corrected run's receipts
    are no longer the region's: pass on the correction's instead. A correction's
    receipts replace those of the runs it corrects (run.corrects, up the chain);
    if the region already passed one of those on (a posted plan), the same money
    would go out twice, so that plan must be reversed first.
    """
    correction = (
        run.corrections.filter(status__in=POSTED).order_by("pk").values_list("pk", flat=True)
    ).first()
    _refuse_unless(
        correction is None,
        _(
            "Run %(run)s was corrected by run %(correction)s; its receipts were reversed. "
            "Pass on the receipts of run %(correction)s instead."
        )
        % {"run": run.pk, "correction": correction},
    )
    earlier = run.corrects
    while earlier is not None:
        passed = (
            SubAllocationPlan.objects.filter(run=earlier, region=region, status=Status.POSTED)
            .values_list("pk", flat=True)
            .first()
        )
        _refuse_unless(
            passed is None,
            _(
                "Run %(run)s corrects run %(earlier)s, whose receipts %(region)s already "
                "passed on in plan %(plan)s; that plan must be reversed first."
            )
            % {"run": run.pk, "earlier": earlier.pk, "region": region.name, "plan": passed},
        )
        earlier = earlier.corrects


def _lock_chain(run: SettlementRun) -> None:
    """Lock the first run of `run`'s chain of corrections: approvals of plans on runs
    of one chain take turns, so each sees the plans the others posted."""
    first = run
    while first.corrects is not None:
        first = first.corrects
    list(SettlementRun.objects.select_for_update().filter(pk=first.pk).values_list("pk"))


def _area(recipient: Recipient, region: Region, run: SettlementRun) -> Decimal:
    """Km² of the recipient's protected zones in the region's planning version in force when
    the run's period ends (the same land is a zone of every version); refused if none."""
    plan = plans_in_force([region], run.period_end).get(region.code)
    area = recipient.zones.filter(region=region, planning_version=plan, protected=True).aggregate(
        area=Sum("area_km2")
    )["area"]
    _refuse_unless(
        bool(area),
        _(
            "%(code)s protects no zone of the region's planning version in force on "
            "%(date)s; tie its zones first."
        )
        % {"code": recipient.code, "date": run.period_end},
    )
    return area


def _weights(
    method: str, run: SettlementRun, region: Region, lines: list[LineSpec], rule=None
) -> list[Decimal]:
    """Each line's weight under `method`; raises PlanRefused naming the first bad line.

    By a local rule, the weight within the recipient's kind (area protected, or 1).
    """
    weights = []
    for line in lines:
        recipient = line.recipient
        if method == Method.SHARES:
            _refuse_unless(
                line.weight is not None and line.weight > 0,
                _("Give %(code)s a share greater than 0.") % {"code": recipient.code},
            )
            weights.append(Decimal(line.weight))
        elif method == Method.AREA or (method == Method.RULE and rule.basis == "area"):
            weights.append(_area(recipient, region, run))
        elif method == Method.RULE:
            weights.append(Decimal(1))
        else:
            _refuse_unless(
                line.zone is not None and recipient.zones.filter(pk=line.zone.pk).exists(),
                _("Name one of %(code)s's own zones as the parcel.") % {"code": recipient.code},
            )
            weights.append(line.zone.area_km2)
    return weights


def _by_rule(total: Decimal, rule: LocalRule, lines: list[LineSpec], weights) -> list[Decimal]:
    """Split `total` first between the kinds of the plan's recipients by the rule's weights
    (kinds the plan has none of take no part), then each kind's part between its lines by
    `weights`; both by largest remainder, so each kind's part and the whole are exact to
    the fen. Raises PlanRefused for a recipient whose kind the rule gives no share."""
    shares = dict(rule.shares.values_list("kind", "weight"))
    kinds = []
    for line in lines:
        kind = line.recipient.kind
        _refuse_unless(
            kind in shares,
            _("Rule %(rule)s gives no share to %(kind)s, the kind of %(code)s.")
            % {
                "rule": rule,
                "kind": line.recipient.get_kind_display(),
                "code": line.recipient.code,
            },
        )
        if kind not in kinds:
            kinds.append(kind)
    parts = largest_remainder(total, [shares[k] for k in kinds], quantum(CNY))
    amounts = [Decimal("0.00")] * len(lines)
    for kind, part in zip(kinds, parts, strict=True):
        members = [i for i, line in enumerate(lines) if line.recipient.kind == kind]
        split = largest_remainder(part, [weights[i] for i in members], quantum(CNY))
        for i, amount in zip(members, split, strict=True):
            amounts[i] = amount
    return amounts


def propose_plan(
    *,
    run: SettlementRun,
    region: Region,
    method: str,
    lines: list[LineSpec],
    by,
    reason: str = "",
    rule: LocalRule | None = None,
) -> SubAllocationPlan:
    """A proposed plan passing `region`'s receipts of posted `run` on to `lines`' recipients.

    Amounts are exact to the fen and add up to the receipts (largest remainder
    over the weights; by a local rule, `rule`, a published rule of the region,
    first between kinds, then within each: _by_rule). Raises PlanRefused (not the
    region's operator, run not posted, corrected by a posted run, a correction of
    a run whose receipts the region already passed on, nothing received, a
    recipient of another region or inactive, a kind the rule gives no share, a due
    date before the run's period ends, a bad weight or parcel, a plan for this
    run and region already waiting or posted); nothing is stored then.
    """
    _refuse_unless(
        may(by, "propose_sub_allocation") and can_view_region(by, region.code),
        _("Only an operator of %(region)s may propose how its receipts are passed on.")
        % {"region": region.name},
    )
    _refuse_unless(method in Method.values, _("Choose a method of the list."))
    if method == Method.RULE:
        _refuse_unless(
            rule is not None and rule.region_id == region.pk and rule.published,
            _("Choose a published local rule of %(region)s.") % {"region": region.name},
        )
    else:
        rule = None
    _refuse_unless(
        run.status in POSTED,
        _("Run %(run)s is not posted; only posted receipts are passed on.") % {"run": run.pk},
    )
    _check_passed_on_once(run, region)
    received = receipts(run=run, region=region)
    total = sum(received.values(), Decimal("0.00"))
    _refuse_unless(
        total > 0,
        _("%(region)s received no money in run %(run)s.") % {"region": region.name, "run": run.pk},
    )
    _refuse_unless(bool(lines), _("A plan needs at least one recipient."))
    for line in lines:
        _refuse_unless(
            line.recipient.region_id == region.pk and line.recipient.active,
            _("%(code)s is not an active recipient of %(region)s.")
            % {"code": line.recipient.code, "region": region.name},
        )
        _refuse_unless(
            line.due_date >= run.period_end,
            _("The due date of %(code)s is before the run's period ends (%(end)s).")
            % {"code": line.recipient.code, "end": run.period_end},
        )
    weights = _weights(method, run, region, lines, rule)
    if method == Method.RULE:
        amounts = _by_rule(total, rule, lines, weights)
    else:
        amounts = largest_remainder(total, weights, quantum(CNY))
    refusal = _("%(region)s already has a plan for run %(run)s waiting or posted.") % {
        "region": region.name,
        "run": run.pk,
    }
    try:
        with transaction.atomic():
            plan = SubAllocationPlan.objects.create(
                run=run,
                region=region,
                method=method,
                rule=rule,
                total=total,
                proposed_by=by,
                reason=reason,
            )
            for line, weight, amount in zip(lines, weights, amounts, strict=True):
                row = SubAllocationLine.objects.create(
                    plan=plan,
                    recipient=line.recipient,
                    zone=line.zone if method == Method.PARCEL else None,
                    weight=weight,
                    amount=amount,
                    due_date=line.due_date,
                )
                row.account = accounts.line_cny(line.recipient.pk, row.pk).code
                row.save(update_fields=["account"])
    except IntegrityError:
        raise PlanRefused(refusal) from None
    return plan


def _decide(plan: SubAllocationPlan, *, by, to: str, reason: str) -> SubAllocationPlan:
    """Lock `plan`, check `by` may decide it, and record the decision (not yet saved)."""
    _refuse_unless(
        may(by, "decide_sub_allocation"),
        _("Only a finance official may approve or reject a sub-allocation plan."),
    )
    plan = (
        SubAllocationPlan.objects.select_for_update(of=("self",))
        .select_related("run", "region")
        .get(pk=plan.pk)
    )
    _refuse_unless(
        plan.status == Status.PROPOSED,
        _("Plan %(id)s is %(status)s; only a proposed plan is decided.")
        % {"id": plan.pk, "status": plan.get_status_display()},
    )
    _refuse_unless(
        plan.proposed_by_id != by.pk,
        _("%(user)s proposed plan %(id)s and cannot also approve or reject it (maker-checker).")
        % {"user": by.get_username(), "id": plan.pk},
    )
    plan.status = to
    plan.decided_by = by
    plan.decided_at = timezone.now()
    plan.decision_reason = reason
    return plan


def approve_plan(plan: SubAllocationPlan, *, by, reason: str = "") -> SubAllocationPlan:
    """Approve a proposed plan (a finance official, not its proposer) and post it.

    Posts one entry `passthrough:plan:<id>` dated today: each channel account
    of the region debited by its receipts, each line's sub-account credited by
    its amount (lines of 0.00 post nothing). Raises PlanRefused (wrong state,
    the proposer, no permission, the run corrected or correcting a run whose
    receipts were passed on (see _check_passed_on_once), the run's receipts
    changed since the proposal); nothing is posted or changed then.
    """
    with transaction.atomic():
        plan = _decide(plan, by=by, to=Status.POSTED, reason=reason)
        _lock_chain(plan.run)
        _check_passed_on_once(plan.run, plan.region)
        received = receipts(run=plan.run, region=plan.region)
        _refuse_unless(
            sum(received.values(), Decimal("0.00")) == plan.total,
            _(
                "The region's receipts of run %(run)s changed since plan %(id)s was proposed; "
                "propose it again."
            )
            % {"run": plan.run_id, "id": plan.pk},
        )
        lines = [line for line in plan.lines.all() if line.amount > 0]
        sources = [
            compensation_accounts.region_cny(plan.region.code, channel) for channel in received
        ]
        compensation_accounts.open_all(sources)
        accounts.open_lines(lines)
        try:
            plan.entry = post_entry(
                spec=EntrySpec(
                    idempotency_key=f"passthrough:plan:{plan.pk}",
                    effective_date=timezone.localdate(),
                    description=f"Sub-allocation plan {plan.pk}: {plan.region.code} passes on "
                    f"{plan.total} CNY of run {plan.run_id}",
                    legs=[
                        *(
                            Leg.debit(ref.code, received[channel])
                            for ref, channel in zip(sources, received, strict=True)
                        ),
                        *(Leg.credit(line.account, line.amount) for line in lines),
                    ],
                    cause=f"sub-allocation:{plan.pk}",
                ),
                posted_by=by,
            )
        except PeriodClosed as exc:
            raise PlanRefused(str(exc)) from exc
        plan.save()
        return plan


def reject_plan(plan: SubAllocationPlan, *, by, reason: str) -> SubAllocationPlan:
    """Reject a proposed plan with a reason; posts nothing. Raises PlanRefused as approve_plan."""
    _refuse_unless(bool(reason.strip()), _("Say why the plan is rejected."))
    with transaction.atomic():
        plan = _decide(plan, by=by, to=Status.REJECTED, reason=reason)
        plan.save()
        return plan


def reverse_plan(plan: SubAllocationPlan, *, by, reason: str) -> SubAllocationPlan:
    """Reverse a posted plan (a finance official, with a reason).

    Posts the mirror image of the plan's entry (`passthrough:plan:<id>:reversal`, dated
    today): the region's channel accounts hold the run's receipts again and the lines'
    sub-accounts are back to what they were, so the lines are owed nothing
    (passthrough.obligations reads posted plans only). The plan becomes reversed, and
    the run's receipts, or a correction's, may be passed on in a new plan. Raises
    PlanRefused (no permission, no reason, not posted, payments matched to its lines:
    money paid out is not undone by an entry, the books closed for today); nothing is
    posted or changed then.
    """
    _refuse_unless(
        may(by, "decide_sub_allocation"),
        _("Only a finance official may reverse a sub-allocation plan."),
    )
    _refuse_unless(bool(reason.strip()), _("Say why the plan is reversed."))
    with transaction.atomic():
        plan = (
            SubAllocationPlan.objects.select_for_update(of=("self",))
            .select_related("entry", "region")
            .get(pk=plan.pk)
        )
        _refuse_unless(
            plan.status == Status.POSTED,
            _("Plan %(id)s is %(status)s; only a posted plan is reversed.")
            % {"id": plan.pk, "status": plan.get_status_display()},
        )
        # Lines locked as matching locks them, then their matches read: a match made
        # meanwhile has committed, and one to come finds the plan reversed.
        list(SubAllocationLine.objects.select_for_update().filter(plan=plan).values_list("pk"))
        paid = sorted(
            set(PaymentMatch.objects.filter(line__plan=plan).values_list("line_id", flat=True))
        )
        _refuse_unless(
            not paid,
            _(
                "Payments are matched to lines %(lines)s of plan %(id)s: money paid out is not "
                "undone by reversing the plan."
            )
            % {"lines": ", ".join(map(str, paid)), "id": plan.pk},
        )
        try:
            plan.reversal = reverse_entry(
                entry=plan.entry,
                idempotency_key=f"passthrough:plan:{plan.pk}:reversal",
                posted_by=by,
                effective_date=timezone.localdate(),
                description=f"Reversal of sub-allocation plan {plan.pk}: {reason.strip()}"[:500],
            )
        except PeriodClosed as exc:
            raise PlanRefused(str(exc)) from exc
        plan.status = Status.REVERSED
        plan.reversed_by = by
        plan.reversed_at = timezone.now()
        plan.reversal_reason = reason.strip()
        plan.save()
        return plan


def plans_visible_to(user) -> QuerySet:
    """The plans of the regions `user` sees (pilots.access)."""
    return scoped(
        SubAllocationPlan.objects.select_related("region", "run", "proposed_by", "decided_by"),
        user,
        "region__code",
    )
