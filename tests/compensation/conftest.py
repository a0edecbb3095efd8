from datetime import date

import pytest
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import MultiPolygon, Polygon

from compensation.models import MethodologyVersion
from pilots.geometry import CHINA_ALBERS, STORAGE_SRID, area_km2, cgcs2000
from pilots.models import (
    LandCover,
    LandUseClass,
    PilotMembership,
    PilotProgramme,
    PlanningVersion,
    Region,
    Zone,
)
from pilots.regions import load_regions


def albers_rectangle(region, dx_m, dy_m, width_m, height_m):
    """A rectangle laid out in metres in the Albers projection, inside the region, in 4490."""
    centre = region.geometry.point_on_surface.transform(
        CoordTransform(cgcs2000(), SpatialReference(CHINA_ALBERS)), clone=True
    )
    x, y = centre.x + dx_m, centre.y + dy_m
    rectangle = Polygon.from_bbox((x, y, x + width_m, y + height_m))
    rectangle.srid = None
    rectangle = rectangle.transform(
        CoordTransform(SpatialReference(CHINA_ALBERS), cgcs2000()), clone=True
    )
    rectangle.srid = STORAGE_SRID
    return MultiPolygon(rectangle, srid=STORAGE_SRID)


@pytest.fixture
def huangshan(db):
    load_regions(prefixes=["340000", "341000"])
    return Region.objects.get(code="341000")


@pytest.fixture
def pilot(huangshan):
    programme = PilotProgramme.objects.create(
        name="test pilot", start_date=date(2023, 1, 1), end_date=date(2025, 12, 31)
    )
    PilotMembership.objects.create(programme=programme, region=huangshan)
    return programme


@pytest.fixture
def plan(huangshan):
    return PlanningVersion.objects.create(
        region=huangshan, name="plan", version=1, effective_from=date(2020, 1, 1)
    )


def add_zone(plan, kind, geometry):
    return Zone.objects.create(
        planning_version=plan,
        region=plan.region,
        kind=kind,
        geometry=geometry,
        area_km2=area_km2(geometry),
    )


def add_cover(region, code, geometry, year=2023, **survey):
    """A land-cover parcel; `survey` sets 三调 attributes (official_area_m2, deduction_m2...)."""
    land_use = LandUseClass.objects.get(scheme="third-survey", code=code)
    return LandCover.objects.create(
        region=region,
        land_use=land_use,
        survey_year=year,
        source="test",
        geometry=geometry,
        area_km2=area_km2(geometry),
        **survey,
    )


def publish(plan):
    plan.published = True
    plan.save()


@pytest.fixture
def guangdong(db):
    return MethodologyVersion.objects.get(methodology__name__startswith="广东省")


@pytest.fixture
def chinese(db):
    return MethodologyVersion.objects.get(methodology__name__startswith="中国")
