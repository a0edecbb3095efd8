"""Recipients and sub-allocation plans, read-only, scoped to the caller's regions."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from api import examples
from api.pagination import Pages
from api.serializers import passthrough as out
from api.views.base import ScopedReadViewSet
from passthrough.models import Recipient, SubAllocationPlan


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


@extend_schema_view(
    list=extend_schema(examples=[examples.PLAN]),
    retrieve=extend_schema(examples=[examples.PLAN]),
)
class PlanViewSet(ScopedReadViewSet):
    """Sub-allocation plans (分配方案) with their lines: amounts, due dates, sub-accounts."""

    queryset = (
        SubAllocationPlan.objects.select_related("region", "proposed_by", "decided_by")
        .prefetch_related("lines__recipient")
        .order_by("-id")
    )
    region_paths = ("region__code",)
    serializer_class = out.PlanSerializer
    pagination_class = Pages
    filterset_fields = {"region__code": ["exact"], "run": ["exact"], "status": ["exact"]}
    ordering_fields = ["id", "proposed_at", "total"]
