"""Sink verification from a shell: request, then approve or reject (maker-checker).

    manage.py verify_sink request VALUATION [--region CODE] --user NAME [--reason TEXT]
    manage.py verify_sink approve VERIFICATION --user NAME [--reason TEXT]
    manage.py verify_sink reject VERIFICATION --user NAME --reason TEXT

The same service as the admin and the API (compensation.sinks); the audit log
records the named user as the actor.
"""

from auditlog.context import set_actor
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from compensation import sinks
from compensation.exceptions import CompensationError
from compensation.management.commands._lookup import user_named
from compensation.models import SinkVerification, Valuation
from pilots.management.arguments import GuardedCommand, whole_number
from pilots.models import Region


class Command(GuardedCommand):
    help = (
        "Sink verification: an ecology official requests it for a current valuation, "
        "another approves it (posting the verified tonnes) or rejects it."
    )

    def add_arguments(self, parser):
        steps = parser.add_subparsers(dest="step", required=True)
        request = steps.add_parser("request", help="request verification of a valuation")
        request.add_argument("valuation", type=whole_number, help="valuation id (the current one)")
        request.add_argument("--region", help="GB/T 2260 code; omitted: every region")
        for name, helps in (("approve", "approve and post"), ("reject", "reject, saying why")):
            step = steps.add_parser(name, help=helps)
            step.add_argument("verification", type=whole_number, help="sink verification id")
        for step in steps.choices.values():
            step.add_argument("--user", required=True, help="the ecology official")
            step.add_argument("--reason", default="", help="recorded with the step")

    def handle(self, *args, step, user, reason, **options):
        button = "request_sink_verification" if step == "request" else "decide_sink_verification"
        official = user_named(user, button=button)
        try:
            with set_actor(official):
                if step == "request":
                    verification = sinks.request_verification(
                        valuation=self._valuation(options["valuation"]),
                        region=self._region(options["region"]),
                        by=official,
                        reason=reason,
                    )
                else:
                    decide = (
                        sinks.approve_verification
                        if step == "approve"
                        else sinks.reject_verification
                    )
                    verification = decide(
                        self._verification(options["verification"]), by=official, reason=reason
                    )
        except CompensationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Sink verification %(id)s is %(status)s (%(entries)s ledger entries).")
                % {
                    "id": verification.pk,
                    "status": verification.get_status_display(),
                    "entries": verification.entries,
                }
            )
        )

    @staticmethod
    def _valuation(pk: int) -> Valuation:
        found = Valuation.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(_("No valuation %(id)s.") % {"id": pk})
        return found

    @staticmethod
    def _region(code: str | None) -> Region | None:
        if code is None:
            return None
        found = Region.objects.filter(code=code).first()
        if found is None:
            raise CommandError(_("No region %(code)s.") % {"code": code})
        return found

    @staticmethod
    def _verification(pk: int) -> SinkVerification:
        found = SinkVerification.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(_("No sink verification %(id)s.") % {"id": pk})
        return found
