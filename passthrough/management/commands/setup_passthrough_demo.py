"""The pass-through part of the demo (called by setup_demo): recipients, a plan, payments."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from compensation.models import SettlementRun
from compensation.settlement.states import POSTED
from config.roles import FINANCE
from passthrough.demo import REGION, load_passthrough_demo
from passthrough.models import PaymentMatch
from pilots.models import OperatorAssignment


class Command(BaseCommand):
    help = "Give the demo's 黄山市 a township, three villages, a posted plan and its payments."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo's illustrative payments never go into production.")
        run = SettlementRun.objects.filter(status__in=POSTED).order_by("pk").first()
        assignment = OperatorAssignment.objects.filter(region__code=REGION).first()
        # The demo's finance officials (finance-checker first); none of them proposes.
        approver = (
            get_user_model().objects.filter(groups__name=FINANCE).order_by("username").first()
        )
        if run is None or assignment is None or approver is None:
            raise CommandError("Run setup_demo first: the posted run and its users do not exist.")
        plan = load_passthrough_demo(run=run, operator=assignment.user, approver=approver)
        self.stdout.write(
            f"Pass-through: plan #{plan.pk} passes {plan.total} CNY of run #{run.pk} on to "
            f"{plan.lines.count()} recipients of {REGION}; "
            f"{PaymentMatch.objects.filter(line__plan=plan).count()} payments matched "
            "(one paid late; ILLUSTRATIVE)."
        )
