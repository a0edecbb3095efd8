"""Celery tasks of settlement: calculate a chunk, post a run, settle a pilot on schedule.

Tasks are acknowledged late and rejected when their worker dies (config/settings.py),
so a killed worker's task runs again; every task body is idempotent.
"""

from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from compensation.models import RunChunk, SettlementRun
from compensation.periods import previous_period
from compensation.settlement import planning, posting, states, sweeps
from compensation.statements import issue
from pilots.models import PilotProgramme

RETRIED = (OperationalError, InterfaceError)


class ChunkTask(Task):
    """After its last retry, a chunk's failure fails the run, which can then be resumed."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        chunk = RunChunk.objects.filter(pk=args[0]).first()
        if chunk is not None:
            RunChunk.objects.filter(pk=chunk.pk).update(
                status=RunChunk.Status.FAILED, error=str(exc)[:2000]
            )
            states.fail_run(chunk.run_id, f"{chunk.channel} #{chunk.number}: {exc}")


@shared_task(
    name="compensation.calculate_chunk",
    base=ChunkTask,
    autoretry_for=RETRIED,
    retry_backoff=True,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=settings.SETTLEMENT_TASK_MAX_RETRIES,
)
def calculate_chunk(chunk_id: int) -> None:
    planning.run_chunk(chunk_id)


@shared_task(
    name="compensation.post_run",
    autoretry_for=RETRIED,
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=settings.SETTLEMENT_TASK_MAX_RETRIES,
)
def post_run(run_id: int, user_id: int | None = None, reason: str = "") -> str:
    """Post the run with the poster's reason (kept in its history), then issue statements."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = posting.post(SettlementRun.objects.get(pk=run_id), by=user, reason=reason)
    issue.issue_statements(run, by=user)
    run.refresh_from_db()
    return run.status


@shared_task(name="compensation.scheduled_settlement")
def scheduled_settlement(programme_id: int) -> int:
    """Start and calculate the pilot's last complete period; it then waits for approval."""
    programme = PilotProgramme.objects.get(pk=programme_id)
    period = previous_period(programme.settlement_frequency, timezone.localdate())
    run = planning.start_and_calculate(
        programme=programme, period=period, reason="scheduled", resume=True
    )
    return run.pk


@shared_task(
    name="compensation.render_statements",
    autoretry_for=RETRIED,
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=settings.SETTLEMENT_TASK_MAX_RETRIES,
)
def render_statements(statement_ids: list[int]) -> None:
    """Render statements `statement_ids` in turn, each in its own transaction; an issued
    one is skipped, so a retried batch renders only what is left."""
    for statement_id in statement_ids:
        issue.render_statement(statement_id)


@shared_task(name="compensation.issue_statements")
def issue_statements(run_id: int) -> None:
    issue.issue_statements(SettlementRun.objects.get(pk=run_id))


@shared_task(name="compensation.sweep_stalled")
def sweep_stalled() -> dict[str, list[int]]:
    """On celery beat's schedule: work whose tasks were lost is queued again (runs swept)."""
    after = timedelta(seconds=settings.STALLED_AFTER)
    return {
        "calculations": sweeps.sweep_stalled_calculations(older_than=after),
        "statements": issue.sweep_stalled_statements(older_than=after),
    }
