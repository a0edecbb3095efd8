"""Read endpoints, scoped exactly like the admin and the pages (config.access)."""

from rest_framework import viewsets
from rest_framework.pagination import CursorPagination
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from api import serializers
from compensation.models import SettlementRun, Statement
from config.access import scoped, sees_every_region
from pilots.models import Region, Zone


class ByIdCursor(CursorPagination):
    ordering = "-id"
    page_size = 100


class ByCodeCursor(CursorPagination):
    ordering = "code"
    page_size = 100


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Regions by GB/T 2260 code; operators see theirs only."""

    serializer_class = serializers.RegionSerializer
    lookup_field = "code"
    pagination_class = ByCodeCursor

    def get_queryset(self):
        return scoped(Region.objects.defer("geometry"), self.request.user, "code")


class ZoneViewSet(viewsets.ReadOnlyModelViewSet):
    """Protected and developed zones as GeoJSON; `?in_bbox=minx,miny,maxx,maxy` filters by area."""

    serializer_class = serializers.ZoneSerializer
    filter_backends = [InBBoxFilter]
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True
    pagination_class = GeoJsonPagination

    def get_queryset(self):
        zones = Zone.objects.select_related("region").order_by("pk")
        return scoped(zones, self.request.user, "region__code")


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    """Settlement runs with their progress; a run spans regions, so officials only."""

    serializer_class = serializers.RunSerializer
    pagination_class = ByIdCursor
    filterset_fields = ["programme", "status", "kind", "period_start", "period_end"]

    def get_queryset(self):
        if not sees_every_region(self.request.user):
            return SettlementRun.objects.none()
        return SettlementRun.objects.all()


class StatementViewSet(viewsets.ReadOnlyModelViewSet):
    """Issued statements and their download links; operators see their regions' only."""

    serializer_class = serializers.StatementSerializer
    pagination_class = ByIdCursor
    filterset_fields = {"run": ["exact"], "status": ["exact"], "region__code": ["exact"]}

    def get_queryset(self):
        return scoped(Statement.objects.select_related("region"), self.request.user, "region__code")
