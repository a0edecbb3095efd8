"""The officials' admin for the spatial registry: readable, offline maps, nothing unsafe."""

import pytest
from django.urls import reverse

from config.roles import AUDITOR, ECOLOGY
from pilots.demo import PROGRAMME_NAME, load_xinan_demo
from pilots.imports import ImportRejected, import_zones
from pilots.models import ImportBatch, LandCover, PilotProgramme, Region, Zone
from tests.factories import UserFactory
from tests.inputs import corpus


@pytest.fixture
def demo(xinan):
    return load_xinan_demo()


@pytest.mark.parametrize(
    "model",
    [
        "region",
        "pilotprogramme",
        "planningversion",
        "zone",
        "landuseclass",
        "landcover",
        "importbatch",
    ],
)
def test_every_changelist_renders(admin_client, demo, model):
    response = admin_client.get(reverse(f"admin:pilots_{model}_changelist"))

    assert response.status_code == 200


def test_every_geometry_is_a_read_only_offline_map_for_every_reader(client, demo):
    """Not Django's dump of the coordinates, which view-only readers were given."""
    failures = []
    for role in (None, AUDITOR, ECOLOGY):
        user = UserFactory(username=f"reader-{role}", group=role, is_superuser=role is None)
        client.force_login(user)
        for model in (Region, Zone, LandCover):
            row = model.objects.order_by("pk").first()
            url = reverse(f"admin:pilots_{model._meta.model_name}_change", args=[row.pk])
            page = client.get(url)
            html = page.content.decode()
            checks = {
                "answers": page.status_code == 200,
                "vendored OpenLayers": "/static/vendor/ol-7.2.2/ol.js" in html,
                "no CDN": "cdn.jsdelivr.net" not in html,
                "no remote tiles": "ol.source.OSM" not in html and "earthdata" not in html,
                "read-only map": "= new MapWidget({" in html and ".removeInteraction(" in html,
                "no coordinates as text": "SRID=4490;MULTIPOLYGON" not in html,
                "nothing posted back": 'name="geometry"' not in html,
            }
            failures += [(role, model.__name__, name) for name, ok in checks.items() if not ok]

    assert failures == []


def test_hostile_zone_names_are_shown_escaped(admin_client, plan):
    name, data = corpus("script_and_sql_in_names.geojson")
    import_zones(name=name, data=data, planning_version=plan)

    page = admin_client.get(reverse("admin:pilots_zone_changelist")).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_synthetic_land_cover_is_labelled(admin_client, demo):
    cover = LandCover.objects.filter(synthetic=True).first()

    page = admin_client.get(
        reverse("admin:pilots_landcover_change", args=[cover.pk]), headers={"accept-language": "en"}
    ).content.decode()

    assert "Synthetic demo data" in page


def test_rejected_import_report_lists_each_problem(admin_client, plan):
    name, data = corpus("outside_china.geojson")
    with pytest.raises(ImportRejected):
        import_zones(name=name, data=data, planning_version=plan)
    batch = ImportBatch.objects.get()

    page = admin_client.get(
        reverse("admin:pilots_importbatch_change", args=[batch.pk]),
        headers={"accept-language": "en"},
    ).content.decode()

    assert "#1: lies 100% outside 黄山市 (341000)" in page


def test_demo_pilot_has_members_zones_and_synthetic_cover(demo):
    programme = PilotProgramme.objects.get(name=PROGRAMME_NAME)

    roles = {m.region.code: m.role for m in programme.memberships.select_related("region")}
    assert roles == {"341000": "protector", "330127": "beneficiary", "330100": "beneficiary"}
    assert set(Zone.objects.values_list("region__code", "kind").distinct()) == {
        (code, kind)
        for code in ("341000", "330127")
        for kind in (
            "ecological_red_line",
            "permanent_basic_farmland",
            "urban_development_boundary",
        )
    }
    assert LandCover.objects.filter(synthetic=False).count() == 0
    assert LandCover.objects.filter(region__code="341000").count() > 300
    assert load_xinan_demo() is None


def test_zones_of_a_published_version_are_view_only(admin_client, demo):
    zone = Zone.objects.filter(planning_version__published=True).first()
    url = reverse("admin:pilots_zone_change", args=[zone.pk])

    page = admin_client.get(url).content.decode()
    delete = admin_client.post(reverse("admin:pilots_zone_delete", args=[zone.pk]), {"post": "yes"})

    assert 'name="_save"' not in page
    assert delete.status_code == 403
    assert Zone.objects.filter(pk=zone.pk).exists()
