"""Which regions' figures rest on synthetic land cover."""

from datetime import date

from django.contrib.gis.geos import MultiPolygon

from pilots.geometry import area_km2
from pilots.models import LandCover, LandUseClass, Region
from pilots.synthetic import synthetic_codes


def _cover(code, *, synthetic):
    region = Region.objects.get(code=code)
    square = MultiPolygon(region.geometry.point_on_surface.buffer(0.01), srid=4490)
    LandCover.objects.create(
        region=region,
        land_use=LandUseClass.objects.get(scheme="third-survey", code="03"),
        survey_year=date.today().year - 1,
        source="test",
        synthetic=synthetic,
        geometry=square,
        area_km2=area_km2(square),
    )


def test_nothing_is_synthetic_without_synthetic_land_cover(xinan):
    _cover("330127", synthetic=False)

    assert synthetic_codes(["330127", "341000", "341022"]) == set()


def test_a_region_and_the_counties_in_it_rest_on_its_synthetic_land_cover(xinan):
    _cover("341000", synthetic=True)
    _cover("330127", synthetic=False)

    assert synthetic_codes(["341000", "341022", "330127", "330100", "340000"]) == {
        "341000",
        "341022",
    }


def test_a_county_with_synthetic_land_cover_does_not_make_its_city_synthetic(xinan):
    _cover("330127", synthetic=True)

    assert synthetic_codes(["330127", "330100", "330000"]) == {"330127"}
