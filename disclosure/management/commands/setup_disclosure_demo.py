"""Release the demo pilot to the public: its data, its 2024 run and its agreements, each
proposed by one finance official (finance-maker) and approved by another (finance-checker).

Run by setup_demo after the demo's run is posted; safe to run again (what is already
public is left as it is).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from compensation.models import Agreement, SettlementRun
from disclosure import selectors, services
from disclosure.models import Release
from pilots.demo import PROGRAMME_NAME
from pilots.models import PilotProgramme

MAKER, CHECKER = "finance-maker", "finance-checker"
YEAR = 2024


class Command(BaseCommand):
    help = "Release the demo pilot's data, its 2024 run and its agreements (maker-checker)."

    def handle(self, *args, **options):
        users = get_user_model().objects
        try:
            maker, checker = users.get(username=MAKER), users.get(username=CHECKER)
            programme = PilotProgramme.objects.get(name=PROGRAMME_NAME)
        except (PilotProgramme.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(f"Run setup_demo first: {exc}") from None
        run = (
            SettlementRun.objects.filter(
                programme=programme,
                kind=SettlementRun.Kind.REGULAR,
                period_end__year=YEAR,
                status__in=selectors.POSTED,
            )
            .order_by("-pk")
            .first()
        )
        targets = [(Release.Kind.PILOT, {})]
        if run is not None:
            targets.append((Release.Kind.RUN, {"run": run}))
        targets += [
            (Release.Kind.AGREEMENT, {"agreement": a})
            for a in Agreement.objects.filter(programme=programme).order_by("pk")
        ]
        for kind, target in targets:
            ids = {name: obj.pk for name, obj in target.items()}
            if selectors.current_for(kind, programme=programme.pk, **ids) is not None:
                self.stdout.write(f"Already public: {kind} {ids or programme.name}.")
                continue
            proposal = services.propose_release(
                kind=kind, programme=programme, by=maker, reason="演示数据", **target
            )
            release = services.approve_release(proposal, by=checker)
            self.stdout.write(
                f"Released {kind} #{release.pk} (proposed by {MAKER}, approved by {CHECKER}): "
                f"SHA-256 {release.sha256}."
            )
