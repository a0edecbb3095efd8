"""Closing the books for a period (结账) and reopening them (反结账), maker-checker.

A finance official proposes an act on the dates `start` to `end` (inclusive); another
approves or rejects it. A period is closed while its latest approved act is a close;
the database then refuses every journal entry dated in it (ledger/sql/0006_period_close,
LEDGER_CLOSED), whoever posts it. Who may propose and who may decide is config.roles
(BUTTONS propose_period_close and decide_period_close); the proposer never decides
(checked here and by the database). Approving locks the hash chain head, which every
posting transaction locks first, so no entry dated in the period is posted between the
check and the close.

    propose(action, start, end, by, reason)  -> PeriodClose (proposed)
    approve(act, by) / reject(act, by, reason) -> PeriodClose (decided)
    closed_period_of(day)                     -> the approved close covering `day`, or None
    check_open(day)                           -> None, or raises PeriodClosed

Errors: PeriodActRefused (what to do instead, in the user's language); PeriodClosed.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.roles import may
from ledger import storage
from ledger.exceptions import PeriodActRefused, PeriodClosed
from ledger.models import PeriodClose

Action, Status = PeriodClose.Action, PeriodClose.Status


def _day(value: date) -> str:
    return value.isoformat()


def closed_periods(start: date | None = None, end: date | None = None) -> list[PeriodClose]:
    """The approved closes still in force (no later approved reopening of the same dates),
    overlapping `start`–`end` when given, by first day."""
    approved = PeriodClose.objects.filter(status=Status.APPROVED)
    if start is not None:
        approved = approved.filter(end__gte=start)
    if end is not None:
        approved = approved.filter(start__lte=end)
    latest = {}
    for act in approved.order_by("decided_at", "id"):
        latest[(act.start, act.end)] = act
    return sorted(
        (act for act in latest.values() if act.action == Action.CLOSE), key=lambda a: a.start
    )


def _closed_exactly(start: date, end: date) -> bool:
    """Whether a close in force has exactly these dates (what a reopening names)."""
    return any(c.start == start and c.end == end for c in closed_periods(start, end))


def closed_period_of(day: date) -> PeriodClose | None:
    """The close in force covering `day`, or None when the day is open."""
    found = closed_periods(day, day)
    return found[0] if found else None


def check_open(day: date) -> None:
    """Raise PeriodClosed (translated, naming the period) when `day` lies in a closed period."""
    closed = closed_period_of(day)
    if closed is not None:
        raise PeriodClosed(closed_message(closed.start, closed.end, day))


def closed_message(start: date, end: date, day: date) -> str:
    """Why nothing dated `day` is posted: the closed period `start`–`end`, and what to do."""
    return _(
        "The books are closed for %(start)s to %(end)s, so nothing is posted on %(day)s. "
        "Post it in an open period, or have a finance official propose reopening the "
        "period and another approve it."
    ) % {"start": _day(start), "end": _day(end), "day": _day(day)}


def _require(user, button: str, message: str) -> None:
    if not may(user, button):
        raise PeriodActRefused(message)


def propose(*, action: str, start: date, end: date, by, reason: str = "") -> PeriodClose:
    """A proposed close (or reopening) of `start`–`end` by `by`; another official decides.

    A close may not overlap a period already closed; a reopening names exactly the dates
    of a close in force and says why. Raises PeriodActRefused; nothing is stored then.
    """
    _require(by, "propose_period_close", _("Your role may not close or reopen periods."))
    if start > end:
        raise PeriodActRefused(_("A period's first day comes before its last day."))
    if action == Action.REOPEN:
        if not reason.strip():
            raise PeriodActRefused(_("Say why the period is reopened."))
        if not _closed_exactly(start, end):
            raise PeriodActRefused(
                _("%(start)s to %(end)s is not a closed period; name a close in force.")
                % {"start": _day(start), "end": _day(end)}
            )
    elif action == Action.CLOSE:
        overlap = closed_periods(start, end)
        if overlap:
            raise PeriodActRefused(
                _("%(start)s to %(end)s is already closed.")
                % {"start": _day(overlap[0].start), "end": _day(overlap[0].end)}
            )
    else:
        raise PeriodActRefused(_("Choose to close or to reopen the period."))
    if PeriodClose.objects.filter(status=Status.PROPOSED, start=start, end=end).exists():
        raise PeriodActRefused(_("An act on this period is already proposed; decide it first."))
    return PeriodClose.objects.create(
        action=action, start=start, end=end, reason=reason.strip(), proposed_by=by
    )


def _decide(act: PeriodClose, by) -> PeriodClose:
    _require(by, "decide_period_close", _("Your role may not approve period closes."))
    storage.lock_chain_head()
    act = PeriodClose.objects.select_for_update().get(pk=act.pk)
    if act.status != Status.PROPOSED:
        raise PeriodActRefused(
            _("This act is %(status)s; only a proposed act is decided.")
            % {"status": act.get_status_display()}
        )
    if act.proposed_by_id == by.pk:
        raise PeriodActRefused(_("You proposed this act; another official approves or rejects it."))
    act.decided_by = by
    act.decided_at = timezone.now()
    return act


def approve(act: PeriodClose, *, by) -> PeriodClose:
    """Approve a proposed act (another official): a close takes effect at once, a reopening
    lets entries dated in the period be posted again. Raises PeriodActRefused."""
    with transaction.atomic():
        act = _decide(act, by)
        if act.action == Action.CLOSE and closed_periods(act.start, act.end):
            raise PeriodActRefused(_("Part of this period was closed meanwhile."))
        if act.action == Action.REOPEN and not _closed_exactly(act.start, act.end):
            raise PeriodActRefused(_("The period was reopened meanwhile."))
        act.status = Status.APPROVED
        act.save()
        return act


def reject(act: PeriodClose, *, by, reason: str) -> PeriodClose:
    """Reject a proposed act (another official), saying why. Raises PeriodActRefused."""
    if not reason.strip():
        raise PeriodActRefused(_("Say why the act is rejected."))
    with transaction.atomic():
        act = _decide(act, by)
        act.status = Status.REJECTED
        act.reason = f"{act.reason}\n{reason.strip()}".strip()
        act.save()
        return act
