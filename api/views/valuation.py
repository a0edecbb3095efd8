"""Methodologies with their versions and coefficients, carbon prices, valuations."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from api import examples
from api.pagination import Pages
from api.serializers import valuation
from api.views.base import ScopedReadViewSet
from compensation.models import CarbonPrice, Methodology, MethodologyVersion, Valuation


@extend_schema_view(
    list=extend_schema(examples=[examples.METHODOLOGY]),
    retrieve=extend_schema(examples=[examples.METHODOLOGY]),
)
class MethodologyViewSet(ScopedReadViewSet):
    """Methodologies; reference data of every region's valuation, read by officials."""

    queryset = Methodology.objects.prefetch_related("versions").order_by("name", "id")
    serializer_class = valuation.MethodologySerializer
    pagination_class = Pages
    ordering_fields = ["name"]


@extend_schema_view(
    list=extend_schema(examples=[examples.METHODOLOGY_VERSION]),
    retrieve=extend_schema(examples=[examples.METHODOLOGY_VERSION]),
)
class MethodologyVersionViewSet(MethodologyViewSet):
    """Versions of a methodology with their sink coefficients per land-use class."""

    queryset = MethodologyVersion.objects.prefetch_related("coefficients").order_by(
        "methodology", "-version"
    )
    serializer_class = valuation.MethodologyVersionSerializer
    filterset_fields = ["methodology", "published", "scheme"]
    ordering_fields = ["version", "valid_from"]


@extend_schema_view(
    list=extend_schema(examples=[examples.PRICE]), retrieve=extend_schema(examples=[examples.PRICE])
)
class PriceViewSet(MethodologyViewSet):
    """Dated carbon prices per market, with their source."""

    queryset = CarbonPrice.objects.select_related("market").order_by("market__code", "-date", "id")
    serializer_class = valuation.PriceSerializer
    filterset_fields = {"market__code": ["exact"], "date": ["exact", "gte", "lte"]}
    ordering_fields = ["date", "price"]


@extend_schema_view(
    list=extend_schema(examples=[examples.VALUATION]),
    retrieve=extend_schema(examples=[examples.VALUATION]),
)
class ValuationViewSet(ScopedReadViewSet):
    """A pilot's valuations with their provenance; a valuation spans regions: officials only."""

    queryset = Valuation.objects.select_related("price").order_by("-year", "-id")
    serializer_class = valuation.ValuationSerializer
    pagination_class = Pages
    filterset_fields = ["programme", "year", "current"]
    ordering_fields = ["year", "created_at"]

    @extend_schema(
        responses=valuation.ValuationLineSerializer(many=True),
        examples=[examples.VALUATION_LINE],
        filters=False,
    )
    @action(detail=True, filter_backends=[])
    def lines(self, request, pk=None):
        """Area, tonnes and value per zone and land-use class."""
        rows = self.get_object().lines.select_related("region").order_by("id")
        return self._page(rows, valuation.ValuationLineSerializer)

    @extend_schema(
        responses=valuation.PositionSerializer(many=True),
        examples=[examples.POSITION],
        filters=False,
    )
    @action(detail=True, filter_backends=[])
    def positions(self, request, pk=None):
        """Each region's net carbon position: protector or beneficiary."""
        rows = self.get_object().positions.select_related("region").order_by("region__code")
        return self._page(rows, valuation.PositionSerializer)

    def _page(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True).data)
