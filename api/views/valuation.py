"""Methodologies with versions and coefficients, carbon prices, valuations, sink verification."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import examples
from api.filters import StrictFilters
from api.idempotency import idempotent
from api.pagination import ByIdCursor, Pages
from api.serializers import valuation
from api.serializers.inputs import ReasonSerializer, RequestVerificationSerializer
from api.views.base import ScopedReadViewSet
from compensation import sinks
from compensation.models import (
    CarbonPrice,
    Methodology,
    MethodologyVersion,
    SinkVerification,
    Valuation,
)


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
class MethodologyVersionViewSet(ScopedReadViewSet):
    """Versions of a methodology with their sink coefficients per land-use class."""

    queryset = MethodologyVersion.objects.prefetch_related("coefficients").order_by(
        "methodology", "-version"
    )
    serializer_class = valuation.MethodologyVersionSerializer
    pagination_class = Pages
    filterset_fields = ["methodology", "published", "scheme"]
    ordering_fields = ["version", "valid_from"]


@extend_schema_view(
    list=extend_schema(examples=[examples.PRICE]), retrieve=extend_schema(examples=[examples.PRICE])
)
class PriceViewSet(ScopedReadViewSet):
    """Dated carbon prices per market, with their source."""

    queryset = CarbonPrice.objects.select_related("market").order_by("market__code", "-date", "id")
    serializer_class = valuation.PriceSerializer
    pagination_class = Pages
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


@extend_schema_view(
    list=extend_schema(examples=[examples.SINK_VERIFICATION]),
    retrieve=extend_schema(examples=[examples.SINK_VERIFICATION]),
)
class SinkVerificationViewSet(ScopedReadViewSet):
    """Sink verification (碳汇核证): requested by one ecology official, approved by another.

    Approving posts the valuation's verified tonnes to the ledger
    (compensation.sinks); operators see the verifications touching their regions.
    """

    queryset = SinkVerification.objects.all()
    serializer_class = valuation.SinkVerificationSerializer
    pagination_class = ByIdCursor
    filter_backends = [StrictFilters]  # cursor pages keep their own order
    filterset_fields = {"valuation": ["exact"], "status": ["exact"], "region__code": ["exact"]}
    action_permissions = {
        "create": "request_sink_verification",
        "approve": "decide_sink_verification",
        "reject": "decide_sink_verification",
    }

    def get_queryset(self):
        return sinks.verifications_visible_to(self.request.user)

    @extend_schema(
        request=RequestVerificationSerializer,
        responses={201: valuation.SinkVerificationSerializer},
        examples=[examples.REQUEST_VERIFICATION, examples.VERIFICATION_REQUESTED],
    )
    @idempotent
    def create(self, request):
        """Request verification of a current valuation's sink, for every region or one."""
        form = RequestVerificationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        verification = sinks.request_verification(by=request.user, **form.validated_data)
        return _verification_response(verification, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: valuation.SinkVerificationSerializer},
        examples=[examples.REASON, examples.SINK_VERIFICATION],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        """Approve and post the verified tonnes; the official who requested it may not."""
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        verification = sinks.approve_verification(
            self.get_object(), by=request.user, **form.validated_data
        )
        return _verification_response(verification)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: valuation.SinkVerificationSerializer},
        examples=[examples.REJECT_REASON, examples.VERIFICATION_REJECTED],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, pk=None):
        """Reject with a reason (required); nothing is posted. The requester may not."""
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        verification = sinks.reject_verification(
            self.get_object(), by=request.user, **form.validated_data
        )
        return _verification_response(verification)


def _verification_response(verification, code=status.HTTP_200_OK):
    return Response(valuation.SinkVerificationSerializer(verification).data, status=code)
