"""Releasing to the public (信息公开) and withdrawing: propose, then another official decides.

Who may propose and who may approve is config.roles (BUTTONS propose_release and
approve_release); the proposer never approves (checked here and by the database).
Approval freezes the content (disclosure.selectors) and its SHA-256, and records the
approver's office, which the publication log shows instead of a name.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation.models import Agreement, SettlementRun
from compensation.statements.content import digest_of
from config.roles import ROLES, may, roles_that_may
from disclosure import selectors
from disclosure.exceptions import ReleaseRefused
from disclosure.models import Release
from pilots.models import PilotProgramme

Kind, Action, Status = Release.Kind, Release.Action, Release.Status


def _require(user, button: str, message: str) -> None:
    if not may(user, button):
        raise ReleaseRefused(message)


def _check_target(kind, programme, run, agreement) -> None:
    if kind == Kind.RUN:
        if run is None or run.programme_id != programme.pk:
            raise ReleaseRefused(_("Choose a settlement run of %(pilot)s.") % {"pilot": programme})
        if run.status not in selectors.POSTED:
            raise ReleaseRefused(
                _("Run %(id)s is %(status)s; only a posted run is released.")
                % {"id": run.pk, "status": run.get_status_display()}
            )
    elif kind == Kind.AGREEMENT and (agreement is None or agreement.programme_id != programme.pk):
        raise ReleaseRefused(_("Choose an agreement of %(pilot)s.") % {"pilot": programme})
    if (kind != Kind.RUN and run is not None) or (kind != Kind.AGREEMENT and agreement is not None):
        raise ReleaseRefused(_("A %(kind)s release names no other target.") % {"kind": kind})


def propose_release(
    *,
    kind: str,
    programme: PilotProgramme,
    by,
    action: str = Action.RELEASE,
    run: SettlementRun | None = None,
    agreement: Agreement | None = None,
    reason: str = "",
) -> Release:
    """A proposed release (or withdrawal, `action`) of a pilot's data, a posted run or an
    agreement's outcomes, by `by`; another official approves it (approve_release).

    Raises ReleaseRefused: `by` may not propose, the target is not of `programme` or not
    posted, nothing is public to withdraw, or a proposal for the target is already open.
    """
    _require(by, "propose_release", _("Your role may not propose releases to the public."))
    _check_target(kind, programme, run, agreement)
    proposal = Release(
        kind=kind,
        action=action,
        programme=programme,
        run=run,
        agreement=agreement,
        proposed_by=by,
        reason=reason,
    )
    target = {"kind": kind, "programme": programme.pk}
    if run is not None:
        target["run"] = run.pk
    if agreement is not None:
        target["agreement"] = agreement.pk
    if (
        action == Action.WITHDRAW
        and selectors.current_for(kind, **{k: v for k, v in target.items() if k != "kind"}) is None
    ):
        raise ReleaseRefused(_("Nothing of this target is public; there is nothing to withdraw."))
    waiting = selectors.same_target(proposal).filter(status=Status.PROPOSED).first()
    refusal = _("Release %(id)s of this target is already waiting for approval.")
    if waiting is not None:
        raise ReleaseRefused(refusal % {"id": waiting.pk})
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        raise ReleaseRefused(
            refusal % {"id": selectors.same_target(proposal).filter(status=Status.PROPOSED)[0].pk}
        ) from None
    return proposal


def office_of(user) -> str:
    """The role (config.roles) under which `user` approves releases: the log's "who"."""
    allowed = roles_that_may("approve_release")
    groups = set(user.groups.values_list("name", flat=True))
    return next((role for role in ROLES if role in allowed and role in groups), "administrator")


def _decide(release: Release, by) -> Release:
    _require(by, "approve_release", _("Your role may not approve releases to the public."))
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status != Status.PROPOSED:
        raise ReleaseRefused(
            _("Release %(id)s is %(status)s; only a proposed release is decided.")
            % {"id": release.pk, "status": release.get_status_display()}
        )
    if release.proposed_by_id == by.pk:
        raise ReleaseRefused(
            _("You proposed release %(id)s; another official approves or rejects it.")
            % {"id": release.pk}
        )
    release.approved_by = by
    release.decided_at = timezone.now()
    return release


def approve_release(release: Release, *, by) -> Release:
    """Approve a proposed release (another official): its content is frozen with its SHA-256
    and it appears in the publication log; a withdrawal hides the target's earlier releases.

    Raises ReleaseRefused (no permission, the proposer, not proposed, a withdrawal of a
    target no longer public); nothing changes then.
    """
    with transaction.atomic():
        release = _decide(release, by)
        if release.action == Action.WITHDRAW:
            withdrawn = selectors.current_for(
                release.kind,
                programme=release.programme_id,
                **({"run": release.run_id} if release.run_id else {}),
                **({"agreement": release.agreement_id} if release.agreement_id else {}),
            )
            if withdrawn is None:
                raise ReleaseRefused(_("Nothing of this target is public any more."))
            content = {
                "format": selectors.FORMAT,
                "kind": release.kind,
                "action": Action.WITHDRAW,
                "withdraws": withdrawn.pk,
                "withdrawn_sha256": withdrawn.sha256,
            }
        else:
            content = selectors.CONTENT[release.kind](release)
        release.content = content
        release.sha256 = digest_of(content)
        release.office = office_of(by)
        release.status = Status.APPROVED
        release.save()
        return release


def reject_release(release: Release, *, by, reason: str) -> Release:
    """Reject a proposed release (another official), saying why; nothing is published.

    Raises ReleaseRefused as approve_release does, or when `reason` is blank."""
    if not reason.strip():
        raise ReleaseRefused(_("Say why the release is rejected."))
    with transaction.atomic():
        release = _decide(release, by)
        release.status = Status.REJECTED
        release.reason = f"{release.reason}\n{reason}".strip()
        release.save()
        return release
