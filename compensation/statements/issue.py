"""Issuing a posted run's statements: one per region it touched or counts as member, plus a summary.

Each statement is rendered by its own task (or inline); the last one to finish
moves the run to "statements issued". Rendering again from the same ledger
gives the same content, digest and CSV bytes.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from celery import group, signature
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compensation import parties
from compensation.exceptions import CompensationError
from compensation.models import RunTransfer, SettlementRun, Statement
from compensation.settlement import states
from compensation.statements import content as statement_content
from compensation.statements.render import csv_bytes, pdf_bytes, xlsx_bytes
from config import bulk
from pilots.models import PilotMembership, Region

FORMATS = ("pdf", "csv", "xlsx")


@dataclass(frozen=True)
class Rendered:
    content: dict
    digest: str
    files: dict[str, bytes]


def render(statement: Statement, formats=FORMATS) -> Rendered:
    """The statement's content from the ledger, and the files in the asked formats."""
    run = statement.run
    if statement.region_id:
        data = statement_content.region_content(run, statement.region)
    else:
        data = statement_content.summary_content(run)
    digest = statement_content.digest_of(data)
    renderers = {
        "pdf": lambda: pdf_bytes(data, digest, names=_names(data)),
        "csv": lambda: csv_bytes(data, digest),
        "xlsx": lambda: xlsx_bytes(data, digest),
    }
    return Rendered(data, digest, {f: renderers[f]() for f in formats})


def _names(data: dict) -> dict[str, str]:
    """Names for the codes a statement prints: counterparties' accounts, the summary's regions."""
    with translation.override("zh-hans"):
        names = parties.labels([t["counterparty"] for t in data.get("transfers", [])])
    codes = list(data.get("regions", {}))
    names.update(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return names


def issue_statements(
    run: SettlementRun, *, by=None, inline: bool = False, retry_failed: bool = True
) -> SettlementRun:
    """Create the run's statements and render them on workers (or here, `inline`).

    Workers get them in batches of STATEMENT_RENDER_BATCH (task
    compensation.render_statements): a message per statement cost a broker round trip
    each, 94% of posting a national run.

    Pending statements are queued again; failed ones too unless `retry_failed` is off.
    """
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in states.POSTED:
            raise states.SettlementError(
                _("Run %(run)s is %(status)s; statements are issued for posted runs.")
                % {"run": run.pk, "status": run.get_status_display()}
            )
        codes = set(
            PilotMembership.objects.filter(programme=run.programme).values_list(
                "region__code", flat=True
            )
        )
        for payer, payee in RunTransfer.objects.filter(run=run).values_list(
            "payer_region", "payee_region"
        ):
            codes |= {payer, payee} - {""}
        existing = set(run.statements.values_list("region__code", flat=True))
        regions = Region.objects.filter(code__in=codes - existing)
        bulk.insert(
            Statement,
            [Statement(run=run, region=region) for region in regions]
            + ([Statement(run=run)] if None not in existing else []),
        )
        if retry_failed:
            run.statements.filter(status=Statement.Status.FAILED).update(
                status=Statement.Status.PENDING, error=""
            )
        pending = list(
            run.statements.filter(status=Statement.Status.PENDING).values_list("pk", flat=True)
        )
        if not inline:
            size = settings.STATEMENT_RENDER_BATCH
            batches = [pending[i : i + size] for i in range(0, len(pending), size)]
            transaction.on_commit(
                lambda: group(
                    signature("compensation.render_statements", args=(batch,)) for batch in batches
                ).apply_async()
            )
    if inline:
        for pk in pending:
            render_statement(pk, by=by)
    finish_if_issued(run.pk, by=by)
    run.refresh_from_db()
    return run


def sweep_stalled_statements(*, older_than: timedelta) -> list[int]:
    """Issue again what lost messages left undone; returns the runs swept.

    A run posted more than `older_than` ago, none of whose statements was issued
    in that time, with statements missing or still pending, had its render tasks
    lost (the broker was unreachable when they were queued, or a connection cut
    took them on the way to a worker). A run still issuing is left alone. Failed
    statements are left for an official to issue again: they failed on their
    content, not the broker.
    """
    cutoff = timezone.now() - older_than
    statements = Statement.objects.filter(run=OuterRef("pk"))
    stalled = SettlementRun.objects.filter(
        Exists(statements.filter(status=Statement.Status.PENDING)) | ~Exists(statements),
        ~Exists(statements.filter(issued_at__gte=cutoff)),
        status=SettlementRun.Status.POSTED,
        posted_at__lt=cutoff,
    ).order_by("pk")
    swept = []
    for run in stalled:
        issue_statements(run, retry_failed=False)
        swept.append(run.pk)
    return swept


def render_statement(statement_id: int, *, by=None) -> None:
    """Render one statement and store its files; done twice, it changes nothing."""
    with transaction.atomic():
        statement = (
            Statement.objects.select_for_update(of=("self",))
            .select_related("run__programme", "region")
            .get(pk=statement_id)
        )
        if statement.status == Statement.Status.ISSUED:
            return
        try:
            rendered = render(statement)
        except (CompensationError, ValueError) as exc:
            statement.status, statement.error = Statement.Status.FAILED, str(exc)
            statement.save(update_fields=["status", "error"])
            return
        statement.data = rendered.content
        statement.digest = rendered.digest
        statement.ledger_hash = rendered.content["ledger"]["last_hash"]
        for fmt, payload in rendered.files.items():
            getattr(statement, fmt).save(
                f"{statement.stem}.{fmt}", ContentFile(payload), save=False
            )
            setattr(statement, f"{fmt}_sha256", hashlib.sha256(payload).hexdigest())
        statement.status, statement.error = Statement.Status.ISSUED, ""
        statement.issued_at = timezone.now()
        statement.save()
    finish_if_issued(statement.run_id, by=by)


def finish_if_issued(run_id: int, *, by=None) -> None:
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run_id)
        if run.status != SettlementRun.Status.POSTED:
            return
        statements = run.statements.all()
        if (
            not statements.exists()
            or statements.filter(~Q(status=Statement.Status.ISSUED)).exists()
        ):
            return
        states.transition(
            run,
            SettlementRun.Status.STATEMENTS_ISSUED,
            by=by,
            reason=_("%(n)s statements") % {"n": statements.count()},
        )
