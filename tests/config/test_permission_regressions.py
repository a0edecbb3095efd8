"""Defects the permission enumeration found, each as its own regression test (issue 28)."""

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from compensation.models import MethodologyVersion, SinkCoefficient
from pilots.models import Region, Zone

pytestmark = pytest.mark.django_db


def _draft_from(client, user, version):
    client.force_login(user)
    return client.post(
        reverse("admin:compensation_methodologyversion_changelist"),
        {"action": "new_draft_version", "_selected_action": [version.pk]},
    )


def _versions_logged_by(user) -> int:
    kind = ContentType.objects.get_for_model(MethodologyVersion)
    return LogEntry.objects.filter(actor=user, content_type=kind).count()


def test_an_auditor_cannot_make_a_methodology_version_through_the_admin_action(client, world):
    version = MethodologyVersion.objects.filter(published=True).order_by("pk").first()
    versions, coefficients = MethodologyVersion.objects.count(), SinkCoefficient.objects.count()
    auditor = world["users"]["auditor"]

    _draft_from(client, auditor, version)

    assert MethodologyVersion.objects.count() == versions
    assert SinkCoefficient.objects.count() == coefficients
    assert _versions_logged_by(auditor) == 0


def test_an_ecology_official_makes_a_draft_version_with_its_coefficients(client, world):
    version = MethodologyVersion.objects.filter(published=True).order_by("pk").first()
    ecology = world["users"]["ecology"]

    _draft_from(client, ecology, version)

    draft = MethodologyVersion.objects.filter(methodology=version.methodology).latest("version")
    assert (draft.published, draft.version > version.version) == (False, True)
    assert sorted(draft.coefficients.values_list("land_use_code", "value")) == sorted(
        version.coefficients.values_list("land_use_code", "value")
    )
    assert _versions_logged_by(ecology) == 1


def test_an_operator_asking_the_admin_for_another_regions_zone_gets_404(client, world):
    zone = Zone.objects.filter(region__code=world["other"]).order_by("pk").first()
    client.force_login(world["users"]["operator"])

    for page in ("change", "history", "delete"):
        response = client.get(reverse(f"admin:pilots_zone_{page}", args=[zone.pk]))

        assert response.status_code == 404, page


def test_an_operators_zone_list_offers_no_other_region_in_its_sidebar(client, world):
    other = Region.objects.get(code=world["other"])
    client.force_login(world["users"]["operator"])

    response = client.get(reverse("admin:pilots_zone_changelist"))

    offered = {
        pk
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "region"
        for pk, _label in spec.lookup_choices
    }
    assert response.status_code == 200
    assert other.pk not in offered
    assert other.name not in response.content.decode()


def test_the_admins_device_secret_pages_refuse_instead_of_failing(client, world):
    root = User.objects.create_superuser("root", password="root-2026-pw")
    client.force_login(root)

    for page in ("config", "qrcode"):
        response = client.get(reverse(f"admin:otp_totp_totpdevice_{page}", args=[0]))

        assert response.status_code == 403, page


@pytest.mark.parametrize(
    ("command", "options"),
    [("approve", {}), ("post", {}), ("settle", {"period": "2024Q1", "inline": True})],
)
def test_a_command_refuses_a_user_whose_role_may_not_press_its_button(command, options, world):
    run = world["run"]
    args = () if command == "settle" else (run.pk,)
    if command == "settle":
        options = {**options, "pilot": str(run.programme.pk)}

    with pytest.raises(CommandError, match="may not"):
        call_command(command, *args, user="auditor", stdout=io.StringIO(), **options)
