"""An independent reference for valuation areas: shapely for geometry, pyproj for projection.

Nothing here goes through Django's GEOS/GDAL bindings or PostGIS: geometries
are read as WKB into shapely and intersected in the storage system (EPSG:4490,
where their edges are straight lines), and each piece is projected to the same
Albers definition with pyproj and measured there. Like the valuation, each zone
keeps only what zones of its planning version before it (by the attribution
order) have not taken.
"""

from collections import defaultdict
from decimal import Decimal

import numpy
import pyproj
import shapely

from compensation.valuation import ATTRIBUTION_ORDER
from pilots.geometry import CHINA_ALBERS
from pilots.models import LandCover, Zone

_TRANSFORMER = pyproj.Transformer.from_crs("EPSG:4490", CHINA_ALBERS, always_xy=True)


def _albers_m2(shape) -> float:
    return shapely.transform(
        shape, lambda xy: numpy.column_stack(_TRANSFORMER.transform(xy[:, 0], xy[:, 1]))
    ).area


def _field_ridge_share(parcel) -> float:
    """三调 books KCMJ / TBMJ (else KCXS) of a parcel with KCDLBM 1203 as 12 其他土地 (田坎)."""
    if parcel.deduction_code != "1203":
        return 0.0
    if parcel.deduction_m2 is not None and parcel.official_area_m2:
        return float(parcel.deduction_m2 / parcel.official_area_m2)
    return float(parcel.deduction_rate or 0)


def reference_areas(*, plans, surveys) -> dict[tuple[int, str], Decimal]:
    """Hectares per (zone id, land-use code), rounded like the valuation (4 places)."""
    totals = defaultdict(float)
    taken = defaultdict(lambda: shapely.Polygon())
    zones = sorted(
        Zone.objects.filter(planning_version__in=plans, region__in=surveys),
        key=lambda z: (ATTRIBUTION_ORDER.index(z.kind), z.id),
    )
    for zone in zones:
        drawn = shapely.from_wkb(bytes(zone.geometry.wkb))
        zone_shape = drawn.difference(taken[zone.planning_version_id])
        taken[zone.planning_version_id] = taken[zone.planning_version_id].union(drawn)
        cover = LandCover.objects.select_related("land_use").filter(
            region_id=zone.region_id, survey_year=surveys[zone.region_id]
        )
        for polygon in cover:
            shape = shapely.from_wkb(bytes(polygon.geometry.wkb))
            if shape.intersects(zone_shape):
                m2 = _albers_m2(shape.intersection(zone_shape))
                ridges = _field_ridge_share(polygon)
                totals[(zone.id, polygon.land_use.code)] += m2 * (1 - ridges)
                if ridges:
                    totals[(zone.id, "12")] += m2 * ridges
    return {
        key: (Decimal(m2) / 10000).quantize(Decimal("0.0001"))
        for key, m2 in totals.items()
        if m2 > 0
    }
