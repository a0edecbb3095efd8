"""A Xin'an River pilot with valuations written directly: the channels' input, not valuation's."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from compensation.models import (
    CarbonPrice,
    CreditProject,
    MethodologyVersion,
    RegionPosition,
    Valuation,
    ValuationLine,
)
from compensation.sinks import verify_sink
from pilots.models import PilotMembership, PilotProgramme, PlanningVersion, Region, Zone
from pilots.regions import load_regions
from tests.compensation.conftest import albers_rectangle

UPSTREAM, DOWNSTREAM = "341000", "330127"
FIELD = Path(__file__).resolve().parents[2] / "data" / "field"

# Monitoring files with a good row 1 and a bad row 2, each as every surface must refuse it
# (importer, command, API, portal page): the message names row 2 and the field, in English.
MONITORING_HEADER = "section,year,pollutant,mean_mg_per_l,source"
GOOD_ROW = "街口,2026,TN,1.1,监测站"
TOO_LARGE = "is too large: at most 7 digits before the point fit."
REFUSED_ROWS = {
    "1e400": ("街口,2026,TP,1e400", f"the annual mean 1e400 {TOO_LARGE}"),
    "99999999999": ("街口,2026,TP,99999999999", f"the annual mean 99999999999 {TOO_LARGE}"),
    "NaN": ("街口,2026,TP,NaN", "annual mean 'NaN' is not a number."),
    "Infinity": ("街口,2026,TP,Infinity", "annual mean 'Infinity' is not a number."),
    "six places": (
        "街口,2026,TP,0.020001",
        "the annual mean 0.020001 has more than 5 decimal places; round it.",
    ),
    "500-character section": (
        f"{'街' * 500},2026,TP,0.02",
        "monitoring section is 500 characters long; at most 100 fit.",
    ),
    "10,000-character section": (
        f"{'街' * 10_000},2026,TP,0.02",
        "monitoring section is 10000 characters long; at most 100 fit.",
    ),
    "NUL in the pollutant": (
        "街口,2026,T\x00P,0.02",
        "pollutant 'T\\x00P' is not one of CODMn, NH3-N, TN, TP.",
    ),
    "NUL in the year": ("街口,20\x0026,TP,0.02", "year '20\\x0026' is not a year or a date."),
    "NUL in the value": ("街口,2026,TP,0.0\x002", "annual mean '0.0\\x002' is not a number."),
    "a quoted field with a newline": (
        '"街\n口",2026,TP,0.02',
        "monitoring section contains the control character U+000A.",
    ),
    "301-character source": (
        f"街口,2026,TP,0.02,{'站' * 301}",
        "source is 301 characters long; at most 300 fit.",
    ),
    "NUL": ("街\x00口,2026,TP,0.02", "monitoring section contains a NUL character."),
    "a field beyond the header": (
        "街口,2026,TP,0.02,监测站,0.03",
        "field 6 is beyond the 5 columns of the header.",
    ),
    "no such month": ("街口,2026年13月,TP,0.02", "year '2026年13月' is not a year or a date."),
}


def monitoring_csv(*rows: str) -> bytes:
    return "\n".join((MONITORING_HEADER, *rows, "")).encode()


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here; translations are checked on their own."""
    with translation.override("en"):
        yield


@pytest.fixture
def xinan(db):
    load_regions(prefixes=["340000", "341000", "330000", "330100", "330127"])
    return {code: Region.objects.get(code=code) for code in (UPSTREAM, DOWNSTREAM)}


@pytest.fixture
def programme(xinan):
    pilot = PilotProgramme.objects.create(
        name="新安江试点",
        start_date=date(2023, 1, 1),
        end_date=date(2026, 12, 31),
        market=True,
    )
    for region in xinan.values():
        PilotMembership.objects.create(programme=pilot, region=region)
    return pilot


def make_valuation(programme, year, positions) -> Valuation:
    """A current valuation whose regions have these (sink, emissions) in tCO2e."""
    Valuation.objects.filter(programme=programme, year=year, current=True).update(current=False)
    valuation = Valuation.objects.create(
        programme=programme,
        year=year,
        methodology_version=MethodologyVersion.objects.filter(published=True).first(),
        price=CarbonPrice.objects.filter(market__code="CEA", date__year__lte=year).first(),
        inputs={},
        code_version="test",
        input_hash=f"{year}-{Valuation.objects.count()}",
    )
    for code, (sink, emission) in positions.items():
        sink, emission = Decimal(sink), Decimal(emission)
        RegionPosition.objects.create(
            valuation=valuation,
            region=Region.objects.get(code=code),
            sink_tco2e=sink,
            emission_tco2e=emission,
            net_tco2e=sink - emission,
            value_cny=Decimal("0.00"),
        )
    return valuation


def verified(programme, year, positions) -> Valuation:
    valuation = make_valuation(programme, year, positions)
    verify_sink(valuation=valuation)
    return valuation


def protected_zone(region) -> Zone:
    plan, _ = PlanningVersion.objects.get_or_create(
        region=region, version=1, defaults={"name": "plan", "effective_from": date(2020, 1, 1)}
    )
    return Zone.objects.create(
        planning_version=plan,
        region=region,
        kind=Zone.Kind.ECOLOGICAL_RED_LINE,
        geometry=albers_rectangle(region, 0, 0, 1000, 1000),
        area_km2=Decimal("1.0000"),
    )


def credit_project(valuation, *, tonnes: str, code: str = "XAJ001") -> CreditProject:
    """A credit project on one new upstream zone holding `tonnes` of the valuation's sink."""
    region = Region.objects.get(code=UPSTREAM)
    zone = protected_zone(region)
    ValuationLine.objects.create(
        valuation=valuation,
        zone=zone,
        region=region,
        protected=True,
        land_use_code="03",
        area_ha=(Decimal(tonnes) / Decimal("3.9")).quantize(Decimal("0.0001")),
        coefficient_tco2e=Decimal("3.9"),
        tco2e=Decimal(tonnes),
    )
    project = CreditProject.objects.create(
        programme=valuation.programme,
        region=region,
        code=code,
        name="黄山林业碳汇",
        methodology_version=MethodologyVersion.objects.filter(published=True).first(),
        crediting_start=date(2021, 1, 1),
        crediting_end=date(2030, 12, 31),
    )
    project.zones.add(zone)
    return project
