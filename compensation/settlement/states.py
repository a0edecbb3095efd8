"""A run's states and the one table of moves between them (TRANSITIONS).

From TRANSITIONS come the moves transition() allows, the buttons a run's admin
page shows (actions_for) and the permissions of the API's actions
(api_permissions); who may press a button is config.roles BUTTONS (may()).

    draft → calculating → calculated → approved → posted → statements issued
                ↓   ↑          ↓ (recalculate)
              failed         cancelled (from any state before posted)
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compensation.exceptions import CompensationError
from compensation.models import RunTransition, SettlementRun
from config.roles import may

RunStatus = SettlementRun.Status
RunKind = SettlementRun.Kind


class SettlementError(CompensationError):
    """A run cannot do what was asked: wrong status, wrong user, or a run already exists."""


@dataclass(frozen=True)
class Transition:
    """A move of a run: the action's name, where it goes, from where, and who presses it.

    `button` is a key of config.roles.BUTTONS, None for a move the system makes
    (a calculation finishing or failing); `labels` gives the admin button's label,
    per source status where it differs (a calculated run is recalculated).
    """

    action: str
    target: str
    sources: frozenset
    button: str | None = None
    labels: tuple[tuple[str | None, Promise], ...] = ()
    scenarios: bool = True

    def label(self, status: str) -> Promise:
        found = dict(self.labels)
        return found.get(status, found.get(None))


BEFORE_POSTING = frozenset(
    {
        RunStatus.DRAFT,
        RunStatus.CALCULATING,
        RunStatus.FAILED,
        RunStatus.CALCULATED,
        RunStatus.APPROVED,
    }
)
TRANSITIONS = (
    Transition("start", RunStatus.DRAFT, frozenset({None}), "start_run"),
    Transition(
        "calculate",
        RunStatus.CALCULATING,
        frozenset({RunStatus.DRAFT, RunStatus.FAILED, RunStatus.CALCULATED}),
        "start_run",
        ((None, gettext_lazy("Calculate")), (RunStatus.CALCULATED, gettext_lazy("Recalculate"))),
    ),
    Transition("finish", RunStatus.CALCULATED, frozenset({RunStatus.CALCULATING})),
    Transition("fail", RunStatus.FAILED, frozenset({RunStatus.CALCULATING})),
    Transition(
        "approve",
        RunStatus.APPROVED,
        frozenset({RunStatus.CALCULATED}),
        "approve_run",
        ((None, gettext_lazy("Approve")),),
        scenarios=False,
    ),
    Transition(
        "post",
        RunStatus.POSTED,
        frozenset({RunStatus.APPROVED}),
        "post_run",
        ((None, gettext_lazy("Post to the ledger")),),
        scenarios=False,
    ),
    Transition(
        "issue",
        RunStatus.STATEMENTS_ISSUED,
        frozenset({RunStatus.POSTED}),
        "post_run",
        ((None, gettext_lazy("Issue statements")),),
        scenarios=False,
    ),
    Transition(
        "cancel",
        RunStatus.CANCELLED,
        BEFORE_POSTING,
        "start_run",
        ((None, gettext_lazy("Cancel")),),
    ),
)
ACTIONS = {t.action: t for t in TRANSITIONS}
MOVES = {status: {t.target for t in TRANSITIONS if status in t.sources} for status in RunStatus}
POSTED = frozenset({RunStatus.POSTED, RunStatus.STATEMENTS_ISSUED})
CALCULATING_OR_FAILED = frozenset({RunStatus.CALCULATING, RunStatus.FAILED})


def actions_for(run: SettlementRun, user) -> list[tuple[str, Promise]]:
    """The (action, label) buttons `user` may press on `run`'s page, in TRANSITIONS order."""
    return [
        (t.action, t.label(run.status))
        for t in TRANSITIONS
        if t.labels
        and run.status in t.sources
        and (t.scenarios or run.kind != RunKind.SCENARIO)
        and may(user, t.button)
    ]


def button_of(action: str) -> str | None:
    """The config.roles button an action needs; None for an action no person presses."""
    found = ACTIONS.get(action)
    return found.button if found else None


def api_permissions(**view_actions: str) -> dict[str, str]:
    """An API view's `action_permissions`: view action -> the button of its transition."""
    return {view: ACTIONS[action].button for view, action in view_actions.items()}


def check_text(model, field: str, value: str) -> None:
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


def transition(run: SettlementRun, to: str, *, by=None, reason: str = "") -> None:
    """Record the move of `run` to `to` (MOVES); SettlementError if not allowed or `reason` bad."""
    check_text(RunTransition, "reason", reason)
    if to not in MOVES[run.status]:
        raise SettlementError(
            _("Run %(run)s is %(status)s; it cannot become %(to)s.")
            % {"run": run.pk, "status": run.get_status_display(), "to": RunStatus(to).label}
        )
    RunTransition.objects.create(
        run=run, from_status=run.status, to_status=to, by=by, reason=reason
    )
    run.status = to
    run.save()


def fail(run: SettlementRun, error: str) -> None:
    """Record `error` on a run (locked by the caller) and fail it."""
    run.error = error
    transition(run, RunStatus.FAILED, reason=error)


def fail_run(run_id: int, error: str) -> None:
    """Fail the run with id `run_id` if it is still calculating (a chunk or its task failed)."""
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.CALCULATING:
            fail(run, error)


def approve(run: SettlementRun, *, by, reason: str = "") -> SettlementRun:
    """Approve a calculated run: an official who may approve runs (config.roles BUTTONS
    "approve_run": finance officials), other than the one who started it."""
    if not may(by, ACTIONS["approve"].button):
        raise SettlementError(_("Only a finance official may approve a settlement run."))
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        if run.kind == RunKind.SCENARIO:
            raise SettlementError(_("A scenario is never approved or posted."))
        if run.started_by_id is not None and run.started_by_id == by.pk:
            raise SettlementError(
                _("%(user)s started run %(run)s and cannot also approve it (maker-checker).")
                % {"user": by.get_username(), "run": run.pk}
            )
        run.approved_by = by
        transition(run, RunStatus.APPROVED, by=by, reason=reason)
        return run


def cancel(run: SettlementRun, *, by, reason: str) -> SettlementRun:
    """Cancel a run not yet posted; `reason` is required."""
    if not reason.strip():
        raise SettlementError(_("Say why the run is cancelled."))
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        transition(run, RunStatus.CANCELLED, by=by, reason=reason)
        return run
