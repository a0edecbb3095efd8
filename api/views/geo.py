"""Regions, pilots, zones and land cover; the geometries as GeoJSON with a bounding-box filter."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.filters import OrderingFilter
from rest_framework_gis.filters import InBBoxFilter

from api import examples
from api.filters import StrictFilters
from api.pagination import ByCodeCursor, GeoPages, Pages
from api.serializers import geo
from api.views.base import REGION_CODE_IN_PATH, ScopedReadViewSet
from pilots.models import LandCover, PilotProgramme, Region, Zone

BBOX = OpenApiParameter(
    "in_bbox",
    str,
    description="minx,miny,maxx,maxy in WGS 84 degrees; features overlapping the box.",
    examples=[examples.example("Huangshan", "118.0,29.5,118.5,30.0")],
)


@extend_schema_view(
    list=extend_schema(examples=[examples.REGION]),
    retrieve=extend_schema(examples=[examples.REGION]),
)
class RegionViewSet(ScopedReadViewSet):
    """Regions by GB/T 2260 code; operators see theirs only."""

    queryset = Region.objects.defer("geometry")
    region_paths = ("code",)
    serializer_class = geo.RegionSerializer
    lookup_field = "code"
    lookup_value_regex = REGION_CODE_IN_PATH
    pagination_class = ByCodeCursor
    filter_backends = [StrictFilters]
    filterset_fields = ["level"]


@extend_schema_view(
    list=extend_schema(examples=[examples.PILOT]), retrieve=extend_schema(examples=[examples.PILOT])
)
class PilotViewSet(ScopedReadViewSet):
    """Pilot programmes (试点); operators see those their regions belong to."""

    queryset = PilotProgramme.objects.prefetch_related("regions").order_by("name", "id")
    region_paths = ("regions__code",)
    serializer_class = geo.PilotSerializer
    pagination_class = Pages
    filterset_fields = ["status", "settlement_frequency"]
    ordering_fields = ["name", "start_date", "end_date"]


@extend_schema_view(
    list=extend_schema(parameters=[BBOX], examples=[examples.ZONE]),
    retrieve=extend_schema(examples=[examples.ZONE]),
)
class ZoneViewSet(ScopedReadViewSet):
    """Protected and developed zones as GeoJSON; `?in_bbox=minx,miny,maxx,maxy` filters by area."""

    queryset = Zone.objects.select_related("region").order_by("pk")
    region_paths = ("region__code",)
    serializer_class = geo.ZoneSerializer
    filter_backends = [StrictFilters, InBBoxFilter]
    filterset_fields = {"region__code": ["exact"], "kind": ["exact"], "planning_version": ["exact"]}
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True
    pagination_class = GeoPages


@extend_schema_view(
    list=extend_schema(parameters=[BBOX], examples=[examples.LAND_COVER]),
    retrieve=extend_schema(examples=[examples.LAND_COVER]),
)
class LandCoverViewSet(ScopedReadViewSet):
    """Surveyed land-cover polygons as GeoJSON, with the same bounding-box filter."""

    queryset = LandCover.objects.select_related("region", "land_use").order_by("pk")
    region_paths = ("region__code",)
    serializer_class = geo.LandCoverSerializer
    filter_backends = [StrictFilters, InBBoxFilter, OrderingFilter]
    filterset_fields = {
        "region__code": ["exact"],
        "survey_year": ["exact"],
        "land_use__code": ["exact"],
        "synthetic": ["exact"],
    }
    ordering_fields = ["survey_year", "area_km2"]
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True
    pagination_class = GeoPages
