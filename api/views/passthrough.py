"""Recipients, sub-allocation plans, payment evidence, matches and obligations, read-only,
scoped to the caller's regions."""

from datetime import date
from functools import cached_property

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from api import examples
from api.filters import StrictFilterSet, WholeFilter
from api.pagination import Pages
from api.serializers import passthrough as out
from api.views.base import ScopedReadViewSet
from passthrough.models import PaymentMatch, Recipient, SubAllocationLine, SubAllocationPlan
from passthrough.obligations import obligations
from passthrough.payments import payments_with_matched
from pilots.access import scoped


@extend_schema_view(
    list=extend_schema(examples=[examples.RECIPIENT]),
    retrieve=extend_schema(examples=[examples.RECIPIENT]),
)
class RecipientViewSet(ScopedReadViewSet):
    """Recipients below the region (受偿主体); personal details only for those who pay."""

    queryset = Recipient.objects.select_related("region").prefetch_related("zones").order_by("id")
    region_paths = ("region__code",)
    serializer_class = out.RecipientSerializer
    pagination_class = Pages
    filterset_fields = {"region__code": ["exact"], "kind": ["exact"], "active": ["exact"]}
    # Never the personal details: ordering by them would leak them to whom they are hidden.
    ordering_fields = ["id", "code", "kind", "name"]


class PlanFilter(StrictFilterSet):
    # A run's id as a number, not a choice of every run: a run never seen answers like none.
    run = WholeFilter(field_name="run_id")

    class Meta:
        model = SubAllocationPlan
        fields = {"region__code": ["exact"], "run": ["exact"], "status": ["exact"]}


@extend_schema_view(
    list=extend_schema(examples=[examples.PLAN]),
    retrieve=extend_schema(examples=[examples.PLAN]),
)
class PlanViewSet(ScopedReadViewSet):
    """Sub-allocation plans (分配方案) with their lines: amounts, due dates, sub-accounts."""

    queryset = (
        SubAllocationPlan.objects.select_related(
            "region", "proposed_by", "decided_by", "reversed_by"
        )
        .prefetch_related("lines__recipient")
        .order_by("-id")
    )
    region_paths = ("region__code",)
    serializer_class = out.PlanSerializer
    pagination_class = Pages
    filterset_class = PlanFilter
    ordering_fields = ["id", "proposed_at", "total"]


@extend_schema_view(
    list=extend_schema(examples=[examples.PAYMENT]),
    retrieve=extend_schema(examples=[examples.PAYMENT]),
)
class PaymentViewSet(ScopedReadViewSet):
    """Payment evidence (支付凭证): treasury vouchers and bank receipts, with what is matched."""

    queryset = payments_with_matched().select_related("entered_by").order_by("-paid_on", "-id")
    region_paths = ("region__code",)
    serializer_class = out.PaymentSerializer
    pagination_class = Pages
    filterset_fields = {
        "region__code": ["exact"],
        "kind": ["exact"],
        "reference": ["exact"],
        "paid_on": ["gte", "lte"],
    }
    ordering_fields = ["id", "paid_on", "amount"]


class MatchFilter(StrictFilterSet):
    region = filters.CharFilter(field_name="payment__region__code")
    # Ids as numbers, not choices of every row: another region's id answers like none.
    payment = WholeFilter(field_name="payment_id")
    line = WholeFilter(field_name="line_id")

    class Meta:
        model = PaymentMatch
        fields = ["region", "payment", "line"]


@extend_schema_view(
    list=extend_schema(examples=[examples.MATCH]),
    retrieve=extend_schema(examples=[examples.MATCH]),
)
class MatchViewSet(ScopedReadViewSet):
    """Payment matches (核销): the part of a payment that settles one plan line."""

    queryset = PaymentMatch.objects.select_related(
        "payment__region", "line__recipient", "matched_by"
    ).order_by("-id")
    region_paths = ("payment__region__code",)
    serializer_class = out.MatchSerializer
    pagination_class = Pages
    filterset_class = MatchFilter
    ordering_fields = ["id", "matched_at", "amount"]


class OnSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, default=None)


ON = OpenApiParameter(
    "on", str, description="Read the statuses on this date (YYYY-MM-DD); today without it."
)


class ObligationFilter(StrictFilterSet):
    region = filters.CharFilter(field_name="plan__region__code")
    # Ids as numbers, not choices of every row: another region's id answers like none.
    plan = WholeFilter(field_name="plan_id")
    recipient = filters.CharFilter(field_name="recipient__code")
    due_date = filters.DateFromToRangeFilter()

    class Meta:
        model = SubAllocationLine
        fields = ["region", "plan", "recipient", "due_date"]


@extend_schema_view(
    list=extend_schema(parameters=[ON], examples=[examples.OBLIGATION]),
    retrieve=extend_schema(parameters=[ON], examples=[examples.OBLIGATION]),
)
class ObligationViewSet(ScopedReadViewSet):
    """Obligations (应付未付): each posted plan line with what is paid and owed, and its status
    on a date (open, paid, withheld, partial or late; passthrough.obligations), as they stood
    that day: plans approved and payments paid by then."""

    queryset = obligations()
    region_paths = ("plan__region__code",)
    serializer_class = out.ObligationSerializer
    pagination_class = Pages
    filterset_class = ObligationFilter
    ordering_fields = ["id", "due_date", "amount"]

    @cached_property
    def on(self) -> date:
        """The request's `on` (today without it); a bad date is a 400 naming the field."""
        query = OnSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data["on"] or timezone.localdate()

    def get_queryset(self):
        rows = obligations(on=self.on).select_related("plan__region")
        return scoped(rows, self.request.user, *self.region_paths)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": self.on}
