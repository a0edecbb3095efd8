"""Regions, pilots, zones and land cover; the geometries as GeoJSON with a bounding-box filter."""

from decimal import Decimal, InvalidOperation

from django.contrib.gis.db.models import GeometryField
from django.db.models import Func, Value
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
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


SIMPLIFY = OpenApiParameter(
    "simplify",
    str,
    description=(
        "Tolerance in degrees (0 < t <= 1; 0.0001 is about 10 m): each geometry simplified "
        "in the database with ST_SimplifyPreserveTopology, its coordinates rounded to a tenth "
        "of it; a map of a province needs about 0.001, of the country 0.01. Without it, the "
        "stored geometry."
    ),
    examples=[examples.example("about 100 m", "0.001")],
)
MAX_TOLERANCE = Decimal(1)


def tolerance(request) -> float | None:
    """`?simplify=` as degrees, or None when absent; a 400 naming it unless 0 < t <= 1."""
    raw = request.query_params.get("simplify")
    if raw is None:
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 < value <= MAX_TOLERANCE:
        raise ValidationError(
            {"simplify": [_("Give a tolerance in degrees above 0 and at most 1, e.g. 0.001.")]}
        )
    return float(value)


@extend_schema_view(
    list=extend_schema(parameters=[BBOX, SIMPLIFY], examples=[examples.ZONE]),
    retrieve=extend_schema(parameters=[SIMPLIFY], examples=[examples.ZONE]),
)
class ZoneViewSet(ScopedReadViewSet):
    """Protected and developed zones as GeoJSON; `?in_bbox=minx,miny,maxx,maxy` filters by area
    and `?simplify=<degrees>` draws each geometry to that tolerance (fewer bytes per zone)."""

    queryset = Zone.objects.select_related("region").order_by("pk")
    region_paths = ("region__code",)
    serializer_class = geo.ZoneSerializer
    filter_backends = [StrictFilters, InBBoxFilter]
    filterset_fields = {"region__code": ["exact"], "kind": ["exact"], "planning_version": ["exact"]}
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True
    pagination_class = GeoPages

    def get_queryset(self):
        queryset = super().get_queryset()
        degrees = tolerance(self.request)
        if degrees is None:
            return queryset
        return queryset.annotate(
            shape=Func(
                Func("geometry", Value(degrees), function="ST_SimplifyPreserveTopology"),
                Value(degrees / 10),
                function="ST_SnapToGrid",
                output_field=GeometryField(srid=Zone._meta.get_field("geometry").srid),
            )
        ).defer("geometry")

    def get_serializer_class(self):
        if tolerance(self.request) is None:
            return geo.ZoneSerializer
        return geo.SimplifiedZoneSerializer


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
