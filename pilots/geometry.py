"""Geometry rules in one place: storage CRS and equal-area measurement."""

from decimal import ROUND_HALF_EVEN, Decimal

from django.contrib.gis.gdal import CoordTransform, SpatialReference

STORAGE_SRID = 4490  # CGCS2000
# Albers equal-area conic for China (DOMAIN.md §7). A constant of ours, never user input.
CHINA_ALBERS = (
    "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)
# The same projection registered in PostGIS's spatial_ref_sys (migration 0004), so that
# ST_Transform reuses one cached PROJ transformation instead of parsing the string per row.
CHINA_ALBERS_SRID = 990001
KM2 = Decimal("0.001")  # region boundaries
PARCEL_KM2 = Decimal("0.000001")  # zones and land-cover parcels: 1 m²

_to_albers = None


def cgcs2000() -> SpatialReference:
    """EPSG:4490 with the traditional GIS axis order (longitude, latitude), as stored."""
    srs = SpatialReference(STORAGE_SRID)
    srs.axis_order = 0
    return srs


def area_m2(geometry) -> float:
    """Area of a geometry stored in EPSG:4490, in m², measured in an equal-area projection."""
    global _to_albers
    if _to_albers is None:
        _to_albers = CoordTransform(cgcs2000(), SpatialReference(CHINA_ALBERS))
    return geometry.transform(_to_albers, clone=True).area


def area_km2(geometry, quantum: Decimal = KM2) -> Decimal:
    """Area in km², rounded half to even to `quantum` (KM2 for regions, PARCEL_KM2 below)."""
    return (Decimal(area_m2(geometry)) / Decimal(1_000_000)).quantize(quantum, ROUND_HALF_EVEN)
