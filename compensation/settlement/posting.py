"""Posting an approved run to the ledger, exactly once; a correction reverses what it corrects.

Posting books every transfer under `run:<id>:<channel>:<key>` in one
transaction, behind an advisory lock and the run's row lock: a retry, a
duplicate click or two workers racing post each transfer once, and the
second caller gets the posted run back. A run dated in a closed period (结账,
ledger.periods) is refused before it is queued and again when it posts.
"""

from celery import signature
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation.booking import book_transfers
from compensation.exceptions import BooksClosed
from compensation.models import RunTransfer, SettlementRun
from compensation.settlement.locks import RUN_LOCKS, advisory_lock
from compensation.settlement.rows import proposed
from compensation.settlement.states import POSTED, RunKind, RunStatus, SettlementError, transition
from config import bulk, failpoints
from ledger import periods
from ledger.exceptions import PeriodClosed
from ledger.models import JournalEntry
from ledger.services import reverse_entry


def post(run: SettlementRun, *, by=None, reason: str = "") -> SettlementRun:
    """Book every approved transfer once; a second call returns the posted run unchanged."""
    with transaction.atomic():
        advisory_lock(RUN_LOCKS, run.pk)
        run = (
            SettlementRun.objects.select_for_update(of=("self",))
            .select_related("corrects")
            .get(pk=run.pk)
        )
        if run.status in POSTED:
            return run
        if run.kind == RunKind.SCENARIO:
            raise SettlementError(_("A scenario is never approved or posted."))
        if run.status != RunStatus.APPROVED:
            raise SettlementError(
                _("Run %(run)s is %(status)s; only an approved run is posted.")
                % {"run": run.pk, "status": run.get_status_display()}
            )
        failpoints.pause("settlement.post")
        effective = effective_date(run)
        try:
            if run.kind == RunKind.CORRECTION:
                _reverse(run.corrects, by_run=run, on=effective, by=by)
            # Booking reads no transfer's inputs: they stay undecoded in the database.
            rows = list(run.transfers.defer("inputs").order_by("channel", "key"))
            entries = book_transfers(
                [proposed(row, with_inputs=False) for row in rows],
                key_prefix=run.key_prefix,
                effective_date=effective,
                cause=f"settlement-run:{run.pk}",
                posted_by=by,
            )
        except (PeriodClosed, BooksClosed) as exc:
            raise SettlementError(str(exc)) from exc
        _link_entries(rows, entries)
        run.posted_at = timezone.now()
        transition(run, RunStatus.POSTED, by=by, reason=reason)
        return run


def effective_date(run: SettlementRun):
    """The date a run's entries carry: its period's last day; a correction's, the day it
    posts (its reversals too)."""
    return timezone.localdate() if run.kind == RunKind.CORRECTION else run.period_end


def _link_entries(rows: list[RunTransfer], entries) -> None:
    """Each row's ledger entry stored, in one statement (config.bulk.update)."""
    for row, entry in zip(rows, entries, strict=True):
        row.entry = entry
    bulk.update(RunTransfer, rows, ["entry"])


def post_or_queue(run: SettlementRun, *, by, reason: str = "") -> tuple[SettlementRun, bool]:
    """An approved run is posted on a worker once this transaction commits (task
    compensation.post_run, which then issues the statements): (run, True). A run in any
    other status goes through post() now, which returns a posted run unchanged or raises
    SettlementError: (run, False)."""
    if run.status != RunStatus.APPROVED:
        return post(run, by=by, reason=reason), False
    try:
        periods.check_open(effective_date(run))
    except PeriodClosed as exc:
        raise SettlementError(str(exc)) from exc
    run_id, user_id = run.pk, getattr(by, "pk", None)
    transaction.on_commit(
        lambda: signature("compensation.post_run", args=(run_id, user_id, reason)).apply_async()
    )
    return run, True


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
