"""The vertical cascade's inputs: allocation methods, tiers and regional indicators.

Read-only, for officials and auditors (like the vertical parameters in the admin):
operators hold no view permission on them (config.roles). Scenarios that try another
method go through the runs API (`overrides.cascade_methods`).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view

from api import examples
from api.pagination import Pages
from api.serializers import cascade
from api.views.base import ScopedReadViewSet
from compensation.models import AllocationMethod, CascadeTier, RegionIndicator


@extend_schema_view(
    list=extend_schema(examples=[examples.ALLOCATION_METHOD]),
    retrieve=extend_schema(examples=[examples.ALLOCATION_METHOD]),
)
class AllocationMethodViewSet(ScopedReadViewSet):
    """Allocation methods by version: factors with weights and sources, ΔEI adjustments, cap."""

    queryset = (
        AllocationMethod.objects.select_related("issuer")
        .defer("issuer__geometry")
        .prefetch_related("factors", "adjustments")
        .order_by("name", "-version", "id")
    )
    serializer_class = cascade.AllocationMethodSerializer
    pagination_class = Pages
    filterset_fields = {
        "name": ["exact"],
        "published": ["exact"],
        "illustrative": ["exact"],
        "issuer__code": ["exact"],
    }
    ordering_fields = ["id", "name", "version"]


@extend_schema_view(
    list=extend_schema(examples=[examples.CASCADE_TIER]),
    retrieve=extend_schema(examples=[examples.CASCADE_TIER]),
)
class CascadeTierViewSet(ScopedReadViewSet):
    """A programme-year's tiers: who pays (null: central), whom, by which method."""

    queryset = (
        CascadeTier.objects.select_related("payer")
        .defer("payer__geometry")
        .prefetch_related("recipients")
        .order_by("programme", "-year", "level", "payer__code", "id")
    )
    serializer_class = cascade.CascadeTierSerializer
    pagination_class = Pages
    filterset_fields = {
        "programme": ["exact"],
        "year": ["exact"],
        "level": ["exact"],
        "payer__code": ["exact"],
        "method": ["exact"],
    }
    ordering_fields = ["id", "year", "level"]


@extend_schema_view(
    list=extend_schema(examples=[examples.REGION_INDICATOR]),
    retrieve=extend_schema(examples=[examples.REGION_INDICATOR]),
)
class RegionIndicatorViewSet(ScopedReadViewSet):
    """Indicators the cascade reads that Tanhui does not otherwise hold, with their sources."""

    queryset = (
        RegionIndicator.objects.select_related("region")
        .defer("region__geometry")
        .order_by("region__code", "-year", "kind")
    )
    serializer_class = cascade.RegionIndicatorSerializer
    pagination_class = Pages
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "kind": ["exact"]}
    ordering_fields = ["id", "year"]
