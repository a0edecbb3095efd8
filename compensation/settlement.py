"""Settlement runs: start, calculate in chunks, approve (maker-checker), post exactly once.

Calculation splits into chunks (vertical: slices of the year's regions;
horizontal: one agreement each; market: one), run by Celery workers or
inline. Each chunk replaces its own proposed transfers in one transaction,
so a chunk run twice (a retried or redelivered task) writes the same rows;
the chunk that finds every other chunk done finalises the run (vertical
budget scaling, summary). A failed run resumes with only its unfinished
chunks.

Posting books every transfer under `run:<id>:<channel>:<key>` in one
transaction, behind an advisory lock and the run's row lock: a retry, a
duplicate click or two workers racing post each transfer once, and the
second caller gets the posted run back.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from celery import group, signature
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation import accounts
from compensation.booking import book_transfers
from compensation.channels import horizontal, market, vertical
from compensation.exceptions import CompensationError
from compensation.models import RunChunk, RunTransfer, RunTransition, SettlementRun, Valuation
from compensation.overrides import Overrides
from compensation.periods import Period
from compensation.transfers import ProposedTransfer
from config import failpoints
from config.roles import may
from ledger.models import JournalEntry
from ledger.services import reverse_entry

Status = SettlementRun.Status
Kind = SettlementRun.Kind
MOVES = {
    Status.DRAFT: {Status.CALCULATING, Status.CANCELLED},
    Status.CALCULATING: {Status.CALCULATED, Status.FAILED, Status.CANCELLED},
    Status.FAILED: {Status.CALCULATING, Status.CANCELLED},
    Status.CALCULATED: {Status.APPROVED, Status.CALCULATING, Status.CANCELLED},
    Status.APPROVED: {Status.POSTED, Status.CANCELLED},
    Status.POSTED: {Status.STATEMENTS_ISSUED},
    Status.STATEMENTS_ISSUED: set(),
    Status.CANCELLED: set(),
}
POSTED = {Status.POSTED, Status.STATEMENTS_ISSUED}
CALCULATING_OR_FAILED = {Status.CALCULATING, Status.FAILED}
PLACES = {accounts.CNY: Decimal("0.01"), accounts.TCO2E: Decimal("0.001")}
RUN_LOCKS, PERIOD_LOCKS = 7_402, 7_403  # advisory-lock namespaces


class SettlementError(CompensationError):
    """A run cannot do what was asked: wrong status, wrong user, or a run already exists."""


def _check_text(model, field: str, value: str) -> None:
    """`value` as the column `model.field` takes it (length, no NUL), else SettlementError."""
    try:
        ProhibitNullCharactersValidator()(value)
        model(**{field: value}).clean_fields(
            exclude=[f.name for f in model._meta.fields if f.name != field]
        )
    except ValidationError as exc:
        raise SettlementError(
            _("%(field)s: %(problems)s")
            % {
                "field": model._meta.get_field(field).verbose_name,
                "problems": " ".join(exc.messages),
            }
        ) from None


def move(run: SettlementRun, to: str, *, by=None, reason: str = "") -> None:
    """Record the transition of `run` to `to`; SettlementError if not allowed or `reason` bad."""
    _check_text(RunTransition, "reason", reason)
    if to not in MOVES[run.status]:
        raise SettlementError(
            _("Run %(run)s is %(status)s; it cannot become %(to)s.")
            % {"run": run.pk, "status": run.get_status_display(), "to": Status(to).label}
        )
    RunTransition.objects.create(
        run=run, from_status=run.status, to_status=to, by=by, reason=reason
    )
    run.status = to
    run.save()


def _advisory_lock(namespace: int, *parts: int) -> None:
    """Serialise work on one run or one pilot-period across processes (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=4).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [namespace, int.from_bytes(digest, "big") & 0x7FFFFFFF],
            )


def period_of(run: SettlementRun) -> Period:
    return Period(run.period_start, run.period_end)


def regular_run(programme, period: Period) -> SettlementRun | None:
    """The live (not cancelled) regular run of a pilot and period, if any."""
    return (
        SettlementRun.objects.filter(
            programme=programme,
            period_start=period.start,
            period_end=period.end,
            kind=Kind.REGULAR,
        )
        .exclude(status=Status.CANCELLED)
        .first()
    )


def start_run(
    *,
    programme,
    period: Period,
    by=None,
    kind: str = Kind.REGULAR,
    overrides: dict | None = None,
    name: str = "",
    corrects: SettlementRun | None = None,
    reason: str = "",
) -> SettlementRun:
    """A new draft run; a second regular run for the same pilot and period is refused.

    Raises SettlementError for a name or reason that does not fit its column (length, NUL).
    """
    _check_text(SettlementRun, "name", name)
    _check_text(RunTransition, "reason", reason)
    if kind == Kind.SCENARIO:
        Overrides.from_json(overrides or {})
    elif overrides:
        raise SettlementError(_("Only scenarios change inputs; start a scenario instead."))
    if kind == Kind.CORRECTION:
        corrects = SettlementRun.objects.filter(pk=getattr(corrects, "pk", None)).first()
        _check_correctable(corrects)
        period = period_of(corrects)
        programme = corrects.programme
    with transaction.atomic():
        _advisory_lock(PERIOD_LOCKS, programme.pk, period.start.toordinal(), period.end.toordinal())
        existing = regular_run(programme, period) if kind == Kind.REGULAR else None
        if existing is not None:
            raise SettlementError(
                _(
                    "Run %(run)s already settles %(programme)s for %(period)s (%(status)s); "
                    "correct it or cancel it instead."
                )
                % {
                    "run": existing.pk,
                    "programme": programme,
                    "period": period,
                    "status": existing.get_status_display(),
                }
            )
        try:
            with transaction.atomic():
                run = SettlementRun.objects.create(
                    programme=programme,
                    period_start=period.start,
                    period_end=period.end,
                    kind=kind,
                    overrides=overrides or {},
                    name=name,
                    corrects=corrects,
                    started_by=by,
                )
        except IntegrityError:
            raise SettlementError(
                _("Another run for %(programme)s %(period)s was started at the same time.")
                % {"programme": programme, "period": period}
            ) from None
        RunTransition.objects.create(run=run, to_status=Status.DRAFT, by=by, reason=reason)
        return run


def _check_correctable(corrects) -> None:
    if corrects is None or corrects.status not in POSTED:
        raise SettlementError(_("Only a posted run can be corrected."))
    if corrects.corrections.filter(status__in=POSTED).exists():
        raise SettlementError(
            _("Run %(run)s has already been corrected; correct its latest correction.")
            % {"run": corrects.pk}
        )


def _plan(run: SettlementRun) -> list[RunChunk]:
    """Split the calculation: slices of the vertical regions, one chunk per agreement, market."""
    programme, period = run.programme, period_of(run)
    overrides = Overrides.from_json(run.overrides)
    size = settings.SETTLEMENT_CHUNK_SIZE
    chunks = []
    context = vertical.prepare(programme, period, overrides)
    if context is not None:
        codes = vertical.region_codes(context)
        if not codes:
            raise SettlementError(
                _("The %(year)s vertical parameters list no regions.")
                % {"year": context.parameters.year}
            )
        chunks += [
            RunChunk(run=run, channel="vertical", number=n, scope=codes[i : i + size])
            for n, i in enumerate(range(0, len(codes), size), start=1)
        ]
    chunks += [
        RunChunk(run=run, channel="horizontal", number=n, scope=[agreement_id])
        for n, agreement_id in enumerate(horizontal.agreement_ids(programme, period), start=1)
    ]
    if programme.market:
        chunks.append(RunChunk(run=run, channel="market", number=1, scope=[]))
    return RunChunk.objects.bulk_create(chunks)


def calculate(run: SettlementRun, *, by=None, reason: str = "", inline: bool = False):
    """Start (or resume, or redo) the calculation; chunks go to workers unless `inline`."""
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        redo = run.status == Status.CALCULATED
        move(run, Status.CALCULATING, by=by, reason=reason)
        if redo or not run.chunks.exists():
            run.chunks.all().delete()
            try:
                _plan(run)
            except CompensationError as exc:
                run.error = str(exc)
                move(run, Status.FAILED, reason=str(exc))
                return run
        run.chunks.filter(status=RunChunk.Status.FAILED).update(
            status=RunChunk.Status.PENDING, error=""
        )
        pending = list(
            run.chunks.filter(status=RunChunk.Status.PENDING).values_list("pk", flat=True)
        )
        run.chunks_total = run.chunks.count()
        run.chunks_done = run.chunks_total - len(pending)
        run.error = ""
        run.save(update_fields=["chunks_total", "chunks_done", "error"])
        if not inline:
            transaction.on_commit(lambda: _queue_chunks(pending))
    if inline:
        for pk in pending:
            run_chunk(pk)
        if not pending:
            finish_if_complete(run.pk)
    elif not pending:
        finish_if_complete(run.pk)
    run.refresh_from_db()
    return run


def _queue_chunks(pks) -> None:
    group(signature("compensation.calculate_chunk", args=(pk,)) for pk in pks).apply_async()


def sweep_stalled_calculations(*, older_than: timedelta) -> list[int]:
    """Queue again the pending chunks of calculations that made no progress lately.

    A chunk's task can be lost between broker and worker (a connection cut while
    the worker receives it), and its run would wait for ever. A run calculating
    with no transition and no chunk finished for `older_than` has its pending
    chunks queued again; a chunk queued twice is computed once (run_chunk locks
    it and skips it once done). Returns the runs swept.
    """
    cutoff = timezone.now() - older_than
    stalled = SettlementRun.objects.filter(
        ~Exists(RunTransition.objects.filter(run=OuterRef("pk"), at__gte=cutoff)),
        ~Exists(RunChunk.objects.filter(run=OuterRef("pk"), finished_at__gte=cutoff)),
        status=Status.CALCULATING,
    ).order_by("pk")
    swept = []
    for run in stalled:
        pending = list(
            run.chunks.filter(status=RunChunk.Status.PENDING).values_list("pk", flat=True)
        )
        if pending:
            transaction.on_commit(lambda pending=pending: _queue_chunks(pending))
        else:
            finish_if_complete(run.pk)
        swept.append(run.pk)
    return swept


def _compute(run: SettlementRun, chunk: RunChunk) -> list[ProposedTransfer]:
    programme, period = run.programme, period_of(run)
    overrides = Overrides.from_json(run.overrides)
    if chunk.channel == "vertical":
        context = vertical.prepare(programme, period, overrides)
        return vertical.allocate(context, chunk.scope) if context else []
    if chunk.channel == "horizontal":
        return horizontal.compute(programme, period, overrides, agreements=chunk.scope)
    return market.compute(programme, period, overrides)


def run_chunk(chunk_id: int) -> None:
    """Calculate one chunk (again, if asked twice) and finish the run if it was the last."""
    with transaction.atomic():
        chunk = (
            RunChunk.objects.select_for_update().select_related("run__programme").get(pk=chunk_id)
        )
        run = chunk.run
        # Chunks go on after another chunk failed the run, so a resume redoes only failures.
        if chunk.status == RunChunk.Status.PENDING and run.status in CALCULATING_OR_FAILED:
            failpoints.pause("settlement.chunk")
            try:
                with transaction.atomic():
                    transfers = _compute(run, chunk)
                    RunTransfer.objects.filter(chunk=chunk).delete()
                    RunTransfer.objects.bulk_create(_rows(run, chunk, transfers), batch_size=2000)
            except CompensationError as exc:
                chunk.status, chunk.error = RunChunk.Status.FAILED, str(exc)
                chunk.save(update_fields=["status", "error"])
                fail_run(run.pk, f"{chunk.channel} #{chunk.number}: {exc}")
                return
            chunk.status, chunk.finished_at = RunChunk.Status.DONE, timezone.now()
            chunk.save(update_fields=["status", "finished_at"])
            SettlementRun.objects.filter(pk=run.pk).update(chunks_done=F("chunks_done") + 1)
    finish_if_complete(chunk.run_id)


def _rows(run, chunk, transfers):
    return [
        RunTransfer(
            run=run,
            chunk=chunk,
            channel=t.channel,
            key=t.key,
            payer=t.payer.code,
            payee=t.payee.code,
            payer_region=t.payer_region,
            payee_region=t.payee_region,
            commodity=t.commodity,
            amount=t.amount,
            description=t.description[:300],
            inputs=t.inputs,
        )
        for t in transfers
    ]


def fail_run(run_id: int, error: str) -> None:
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run_id)
        if run.status == Status.CALCULATING:
            run.error = error
            move(run, Status.FAILED, reason=error)


def finish_if_complete(run_id: int) -> None:
    """Once every chunk is done: scale vertical money to the budget, summarise, mark calculated."""
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().select_related("programme").get(pk=run_id)
        if run.status != Status.CALCULATING:
            return
        if run.chunks.exclude(status=RunChunk.Status.DONE).exists():
            return
        try:
            _scale_vertical(run)
        except CompensationError as exc:
            run.error = str(exc)
            move(run, Status.FAILED, reason=str(exc))
            return
        run.chunks_done = run.chunks_total
        run.summary = summarise(run)
        move(run, Status.CALCULATED, reason=_("%(n)s transfers") % {"n": run.summary["transfers"]})


def _scale_vertical(run: SettlementRun) -> None:
    context = vertical.prepare(run.programme, period_of(run), Overrides.from_json(run.overrides))
    if context is None:
        return
    rows = list(
        RunTransfer.objects.filter(run=run, channel="vertical", commodity=accounts.CNY).order_by(
            "key"
        )
    )
    if not rows:
        return
    total = sum((row.amount for row in rows), Decimal(0))
    scaled = vertical.scale_amounts(context.budget, [row.amount for row in rows])
    unpaid = []
    for row, paid in zip(rows, scaled, strict=True):
        row.inputs = {
            **row.inputs,
            "budget": str(context.budget),
            "allocations_total": str(total.quantize(Decimal("0.01"))),
            "scaled": str(paid != row.amount).lower(),
            "paid": str(paid),
        }
        row.amount = paid
        if paid == 0:
            unpaid.append(row.pk)
    RunTransfer.objects.bulk_update(rows, ["amount", "inputs"], batch_size=2000)
    RunTransfer.objects.filter(pk__in=unpaid).delete()


def summarise(run: SettlementRun) -> dict:
    """Totals per channel, and per region and channel the net received, against last period."""
    totals = defaultdict(dict)
    for row in (
        RunTransfer.objects.filter(run=run)
        .values("channel", "commodity")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        places = PLACES[row["commodity"]]
        totals[row["channel"]][row["commodity"]] = str(Decimal(row["total"]).quantize(places))
    nets = region_nets(run)
    previous = previous_posted(run)
    before = region_nets(previous) if previous else {}
    regions = {}
    for (code, channel), net in sorted(nets.items()):
        last = before.get((code, channel))
        regions.setdefault(code, {})[channel] = {
            "net": str(net),
            "previous": str(last) if last is not None else None,
            "difference": str(net - last) if last is not None else None,
        }
    valuation = (
        Valuation.objects.filter(
            programme=run.programme, year=period_of(run).end.year, current=True
        )
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "valuation": valuation,
        "transfers": run.transfers.count(),
        "channels": dict(totals),
        "regions": regions,
        "previous_run": previous.pk if previous else None,
    }


def region_nets(run: SettlementRun) -> dict[tuple[str, str], Decimal]:
    """Money each region received net of what it paid, per channel."""
    nets: dict[tuple[str, str], Decimal] = defaultdict(lambda: Decimal("0.00"))
    money = RunTransfer.objects.filter(run=run, commodity=accounts.CNY).order_by()
    for side, sign in (("payee_region", 1), ("payer_region", -1)):
        for row in (
            money.exclude(**{side: ""}).values(side, "channel").annotate(total=Sum("amount"))
        ):
            nets[(row[side], row["channel"])] += sign * row["total"]
    return {key: value.quantize(Decimal("0.01")) for key, value in nets.items()}


def previous_posted(run: SettlementRun) -> SettlementRun | None:
    return (
        SettlementRun.objects.filter(
            programme=run.programme,
            period_end__lt=run.period_start,
            status__in=POSTED,
            kind__in=[Kind.REGULAR, Kind.CORRECTION],
        )
        .order_by("-period_end", "-posted_at")
        .first()
    )


def approve(run: SettlementRun, *, by, reason: str = "") -> SettlementRun:
    """Approve a calculated run: an official who may approve runs (config.roles BUTTONS
    "approve_run": finance officials), other than the one who started it."""
    if not may(by, "approve_run"):
        raise SettlementError(_("Only a finance official may approve a settlement run."))
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        if run.kind == Kind.SCENARIO:
            raise SettlementError(_("A scenario is never approved or posted."))
        if run.started_by_id is not None and run.started_by_id == by.pk:
            raise SettlementError(
                _("%(user)s started run %(run)s and cannot also approve it (maker-checker).")
                % {"user": by.get_username(), "run": run.pk}
            )
        run.approved_by = by
        move(run, Status.APPROVED, by=by, reason=reason)
        return run


def cancel(run: SettlementRun, *, by, reason: str) -> SettlementRun:
    if not reason.strip():
        raise SettlementError(_("Say why the run is cancelled."))
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        move(run, Status.CANCELLED, by=by, reason=reason)
        return run


def post(run: SettlementRun, *, by=None, reason: str = "") -> SettlementRun:
    """Book every approved transfer once; a second call returns the posted run unchanged."""
    with transaction.atomic():
        _advisory_lock(RUN_LOCKS, run.pk)
        run = (
            SettlementRun.objects.select_for_update(of=("self",))
            .select_related("corrects")
            .get(pk=run.pk)
        )
        if run.status in POSTED:
            return run
        if run.kind == Kind.SCENARIO:
            raise SettlementError(_("A scenario is never approved or posted."))
        if run.status != Status.APPROVED:
            raise SettlementError(
                _("Run %(run)s is %(status)s; only an approved run is posted.")
                % {"run": run.pk, "status": run.get_status_display()}
            )
        failpoints.pause("settlement.post")
        effective = run.period_end
        if run.kind == Kind.CORRECTION:
            effective = timezone.localdate()
            _reverse(run.corrects, by_run=run, on=effective, by=by)
        rows = list(run.transfers.order_by("channel", "key"))
        entries = book_transfers(
            [_proposed(row) for row in rows],
            key_prefix=run.key_prefix,
            effective_date=effective,
            cause=f"settlement-run:{run.pk}",
            posted_by=by,
        )
        for row, entry in zip(rows, entries, strict=True):
            row.entry = entry
        RunTransfer.objects.bulk_update(rows, ["entry"], batch_size=2000)
        run.posted_at = timezone.now()
        move(run, Status.POSTED, by=by, reason=reason)
        return run


def _proposed(row: RunTransfer) -> ProposedTransfer:
    return ProposedTransfer(
        channel=row.channel,
        key=row.key,
        payer=accounts.ref_for(row.payer),
        payee=accounts.ref_for(row.payee),
        amount=row.amount,
        description=row.description,
        payer_region=row.payer_region,
        payee_region=row.payee_region,
        inputs=row.inputs,
    )


def _reverse(corrected: SettlementRun, *, by_run: SettlementRun, on, by) -> None:
    """Reverse every entry the corrected run posted, referencing each original entry."""
    for entry in JournalEntry.objects.filter(pk__in=corrected.transfers.values("entry")).order_by(
        "sequence"
    ):
        reverse_entry(
            entry=entry,
            idempotency_key=f"{by_run.key_prefix}:reversal:{entry.pk}",
            posted_by=by,
            effective_date=on,
            description=f"Correction run {by_run.pk} reverses run {corrected.pk}: "
            f"{entry.description}"[:300],
        )


@dataclass(frozen=True)
class ComparisonRow:
    region: str
    channel: str
    first: Decimal
    second: Decimal

    @property
    def difference(self) -> Decimal:
        return self.second - self.first


def compare(first: SettlementRun, second: SettlementRun) -> list[ComparisonRow]:
    """Side by side, per region and channel: the money each run gives the region, net."""
    a, b = region_nets(first), region_nets(second)
    zero = Decimal("0.00")
    return [
        ComparisonRow(code, channel, a.get((code, channel), zero), b.get((code, channel), zero))
        for code, channel in sorted(set(a) | set(b))
    ]
