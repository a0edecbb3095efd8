"""Calculations whose chunk tasks were lost are queued again."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from compensation.models import RunChunk, RunTransition, SettlementRun
from compensation.settlement.planning import finish_if_complete, queue_chunks
from compensation.settlement.states import RunStatus


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
        status=RunStatus.CALCULATING,
    ).order_by("pk")
    swept = []
    for run in stalled:
        pending = list(
            run.chunks.filter(status=RunChunk.Status.PENDING).values_list("pk", flat=True)
        )
        if pending:
            transaction.on_commit(lambda pending=pending: queue_chunks(pending))
        else:
            finish_if_complete(run.pk)
        swept.append(run.pk)
    return swept
