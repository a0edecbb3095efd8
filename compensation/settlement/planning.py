"""Start a run, plan it into chunks with its inputs pinned, compute the chunks, finish the run.

Calculation splits into chunks, one per scope a channel plans (vertical:
slices of the year's regions; horizontal: slices of its agreements; market: one),
run by Celery workers or inline. Each chunk replaces its own proposed
transfers in one transaction, so a chunk run twice (a retried or redelivered
task) writes the same rows; the chunk that finds every other chunk done
finishes the run (each channel's finish, e.g. the vertical budget cap; the
summary). A failed run resumes with only its unfinished chunks.

Planning pins every input the channels read (SettlementRun.pinned_inputs: per
channel, per input, its rows' ids and a digest). A chunk, and the finish,
first compare the inputs with the pins and refuse when one changed, so every
chunk of a run computes from the same inputs; calculating again re-plans and
re-pins.
"""

from celery import group, signature
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation import channels
from compensation.exceptions import CompensationError
from compensation.models import RunChunk, RunTransfer, RunTransition, SettlementRun
from compensation.overrides import Overrides
from compensation.periods import Period
from compensation.settlement import reports
from compensation.settlement.locks import PERIOD_LOCKS, advisory_lock
from compensation.settlement.rows import proposed, stored
from compensation.settlement.states import (
    CALCULATING_OR_FAILED,
    POSTED,
    RunKind,
    RunStatus,
    SettlementError,
    check_text,
    fail,
    fail_run,
    transition,
)
from config import bulk, failpoints


def period_of(run: SettlementRun) -> Period:
    return Period(run.period_start, run.period_end)


def regular_run(programme, period: Period) -> SettlementRun | None:
    """The live (not cancelled) regular run of a pilot and period, if any."""
    return (
        SettlementRun.objects.filter(
            programme=programme,
            period_start=period.start,
            period_end=period.end,
            kind=RunKind.REGULAR,
        )
        .exclude(status=RunStatus.CANCELLED)
        .first()
    )


def overlapping_run(programme, period: Period) -> SettlementRun | None:
    """A live regular run of the pilot whose period shares a day with `period`, if any."""
    return (
        SettlementRun.objects.filter(
            programme=programme,
            period_start__lte=period.end,
            period_end__gte=period.start,
            kind=RunKind.REGULAR,
        )
        .exclude(status=RunStatus.CANCELLED)
        .order_by("period_start", "pk")
        .first()
    )


def start_run(
    *,
    programme,
    period: Period,
    by=None,
    kind: str = RunKind.REGULAR,
    overrides: dict | None = None,
    name: str = "",
    corrects: SettlementRun | None = None,
    reason: str = "",
) -> SettlementRun:
    """A new draft run. A regular run whose period shares a day with a live regular run
    of the pilot (the same period, or 2024Q1 beside 2024) is refused: a day is settled once.

    Raises SettlementError for that, and for a name or reason that does not fit its column
    (length, NUL).
    """
    check_text(SettlementRun, "name", name)
    check_text(RunTransition, "reason", reason)
    if kind == RunKind.SCENARIO:
        Overrides.from_json(overrides or {})
    elif overrides:
        raise SettlementError(_("Only scenarios change inputs; start a scenario instead."))
    if kind == RunKind.CORRECTION:
        corrects = SettlementRun.objects.filter(pk=getattr(corrects, "pk", None)).first()
        _check_correctable(corrects)
        period = period_of(corrects)
        programme = corrects.programme
    with transaction.atomic():
        # One lock per pilot: overlapping periods must not slip past each other's check.
        advisory_lock(PERIOD_LOCKS, programme.pk)
        existing = overlapping_run(programme, period) if kind == RunKind.REGULAR else None
        if existing is not None and period_of(existing) != period:
            raise SettlementError(
                _(
                    "Run %(run)s already settles %(programme)s for %(other)s (%(status)s), "
                    "which overlaps %(period)s: a day is settled once. Correct or cancel "
                    "that run instead."
                )
                % {
                    "run": existing.pk,
                    "programme": programme,
                    "other": period_of(existing),
                    "period": period,
                    "status": existing.get_status_display(),
                }
            )
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
        RunTransition.objects.create(run=run, to_status=RunStatus.DRAFT, by=by, reason=reason)
        return run


def start_and_calculate(
    *,
    programme,
    period: Period,
    by=None,
    kind: str = RunKind.REGULAR,
    overrides: dict | None = None,
    name: str = "",
    reason: str = "",
    inline: bool = False,
    resume: bool = False,
) -> SettlementRun:
    """Start a run (start_run) and calculate it (calculate): the API's, the admin's, the
    `settle` command's, the schedule's and the demo's one way in.

    With `resume`, the period's live regular run, if there is one, is taken up instead
    of refused: calculated if it is a draft or failed, else returned as it is.
    Raises SettlementError (start_run's refusals) or the calculation's CompensationError.
    """
    run = regular_run(programme, period) if resume else None
    if run is None:
        run = start_run(
            programme=programme,
            period=period,
            by=by,
            kind=kind,
            overrides=overrides,
            name=name,
            reason=reason,
        )
    if run.status in (RunStatus.DRAFT, RunStatus.FAILED):
        run = calculate(run, by=by, reason=reason, inline=inline)
    return run


def _check_correctable(corrects) -> None:
    if corrects is None or corrects.status not in POSTED:
        raise SettlementError(_("Only a posted run can be corrected."))
    if corrects.corrections.filter(status__in=POSTED).exists():
        raise SettlementError(
            _("Run %(run)s has already been corrected; correct its latest correction.")
            % {"run": corrects.pk}
        )


def _plan(run: SettlementRun, names) -> None:
    """Plan channels `names` afresh: their chunks (and rows) replaced by one chunk per scope
    each plans, their inputs pinned again."""
    programme, period = run.programme, period_of(run)
    overrides = Overrides.from_json(run.overrides)
    run.chunks.filter(channel__in=list(names)).delete()
    RunChunk.objects.bulk_create(
        RunChunk(run=run, channel=name, number=number, scope=scope)
        for name in names
        for number, scope in enumerate(
            channels.REGISTRY[name].plan(programme, period, overrides), start=1
        )
    )
    run.pinned_inputs = {
        **run.pinned_inputs,
        **{name: channels.REGISTRY[name].inputs(programme, period, overrides) for name in names},
    }
    run.save(update_fields=["pinned_inputs"])


def _changed(run: SettlementRun, names) -> dict[str, list[str]]:
    """Channel -> labels of its inputs changed since the run was planned, for channels
    `names` with a change."""
    if not run.pinned_inputs:  # planned before inputs were pinned
        return {}
    programme, period = run.programme, period_of(run)
    overrides = Overrides.from_json(run.overrides)
    changed = {
        name: channels.changed_inputs(
            name, programme, period, overrides, run.pinned_inputs.get(name, {})
        )
        for name in names
    }
    return {name: labels for name, labels in changed.items() if labels}


def _check_inputs(run: SettlementRun, names) -> None:
    """SettlementError naming every input of channels `names` changed since planning."""
    changed = [label for labels in _changed(run, names).values() for label in labels]
    if changed:
        raise SettlementError(
            _("Run %(run)s was planned before %(inputs)s changed: recalculate it.")
            % {"run": run.pk, "inputs": _(", ").join(changed)}
        )


def calculate(run: SettlementRun, *, by=None, reason: str = "", inline: bool = False):
    """Start (or resume, or redo) the calculation; chunks go to workers unless `inline`.

    A calculated run and a run never planned are planned, and their inputs pinned,
    afresh. A failed run resumes with its unfinished chunks, except that a channel
    whose inputs changed since planning is planned and pinned afresh.
    """
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RunStatus.CALCULATED or not run.chunks.exists():
            replan = list(channels.REGISTRY)
        elif run.status == RunStatus.FAILED:
            replan = list(_changed(run, channels.REGISTRY))
        else:
            replan = []
        transition(run, RunStatus.CALCULATING, by=by, reason=reason)
        if replan:
            try:
                _plan(run, replan)
            except CompensationError as exc:
                fail(run, str(exc))
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
            transaction.on_commit(lambda: queue_chunks(pending))
    if inline:
        for pk in pending:
            run_chunk(pk)
    if not pending:
        finish_if_complete(run.pk)
    run.refresh_from_db()
    return run


def queue_chunks(pks) -> None:
    """Send the chunks with ids `pks` to the workers (task compensation.calculate_chunk)."""
    group(signature("compensation.calculate_chunk", args=(pk,)) for pk in pks).apply_async()


def run_chunk(chunk_id: int) -> None:
    """Calculate one chunk (again, if asked twice) and finish the run if it was the last.

    A chunk whose channel's inputs changed since planning fails, and fails the run.
    """
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
                    _check_inputs(run, [chunk.channel])
                    transfers = channels.REGISTRY[chunk.channel].compute(
                        run.programme,
                        period_of(run),
                        Overrides.from_json(run.overrides),
                        chunk.scope,
                    )
                    RunTransfer.objects.filter(chunk=chunk).delete()
                    RunTransfer.objects.bulk_create(stored(run, chunk, transfers), batch_size=2000)
            except CompensationError as exc:
                chunk.status, chunk.error = RunChunk.Status.FAILED, str(exc)
                chunk.save(update_fields=["status", "error"])
                fail_run(run.pk, f"{chunk.channel} #{chunk.number}: {exc}")
                return
            chunk.status, chunk.finished_at = RunChunk.Status.DONE, timezone.now()
            chunk.save(update_fields=["status", "finished_at"])
            SettlementRun.objects.filter(pk=run.pk).update(chunks_done=F("chunks_done") + 1)
    finish_if_complete(chunk.run_id)


def finish_if_complete(run_id: int) -> None:
    """Once every chunk is done: each channel's finish (the vertical budget cap), the
    summary, and the run is calculated; inputs changed since planning fail it."""
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().select_related("programme").get(pk=run_id)
        if run.status != RunStatus.CALCULATING:
            return
        if run.chunks.exclude(status=RunChunk.Status.DONE).exists():
            return
        try:
            _check_inputs(run, channels.REGISTRY)
            _finish(run)
        except CompensationError as exc:
            fail(run, str(exc))
            return
        run.chunks_done = run.chunks_total
        run.summary = reports.summarise(run)
        transition(
            run, RunStatus.CALCULATED, reason=_("%(n)s transfers") % {"n": run.summary["transfers"]}
        )


def _finish(run: SettlementRun) -> None:
    """Each channel's finish over the run's rows of that channel, in key order: rows take the
    amounts and inputs it returns, and rows it drops are deleted."""
    programme, period = run.programme, period_of(run)
    overrides = Overrides.from_json(run.overrides)
    for name, channel in channels.REGISTRY.items():
        rows = list(RunTransfer.objects.filter(run=run, channel=name).order_by("key"))
        if not rows:
            continue
        finished = {
            t.key: t
            for t in channel.finish(programme, period, overrides, [proposed(r) for r in rows])
        }
        kept = [row for row in rows if row.key in finished]
        for row in kept:
            row.amount, row.inputs = finished[row.key].amount, finished[row.key].inputs
        bulk.update(RunTransfer, kept, ["amount", "inputs"])
        RunTransfer.objects.filter(
            pk__in=[row.pk for row in rows if row.key not in finished]
        ).delete()
