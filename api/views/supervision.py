"""Supervision: detected changes and alerts, scoped to the caller's regions; acknowledging."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api import examples
from api.pagination import Pages
from api.serializers import supervision as out
from api.views.base import ScopedReadViewSet
from supervision.alerts import acknowledge
from supervision.models import Alert, ChangeDetection


@extend_schema_view(
    list=extend_schema(examples=[examples.ALERT]), retrieve=extend_schema(examples=[examples.ALERT])
)
class AlertViewSet(ScopedReadViewSet):
    """Alerts raised by the rules; operators see their regions' and may acknowledge them."""

    queryset = Alert.objects.select_related("region", "rule", "acknowledged_by").order_by("-id")
    region_paths = ("region__code",)
    serializer_class = out.AlertSerializer
    pagination_class = Pages
    filterset_fields = {
        "region__code": ["exact"],
        "year": ["exact"],
        "rule__kind": ["exact"],
        "acknowledged_at": ["isnull"],
    }
    ordering_fields = ["raised_at", "year", "measured"]
    action_permissions = {"acknowledge": "acknowledge_alert"}

    @extend_schema(
        request=out.AcknowledgeSerializer,
        responses={200: out.AlertSerializer},
        examples=[examples.ACKNOWLEDGE, examples.ALERT_ACKNOWLEDGED],
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Say what was found or done; an alert is acknowledged once (400 after that)."""
        form = out.AcknowledgeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        alert = acknowledge(
            alert=self.get_object(), user=request.user, comment=form.validated_data["comment"]
        )
        return Response(out.AlertSerializer(alert).data)


@extend_schema_view(
    list=extend_schema(examples=[examples.DETECTION]),
    retrieve=extend_schema(examples=[examples.DETECTION]),
)
class ChangeDetectionViewSet(ScopedReadViewSet):
    """Changes between two plans or two surveys of a region: areas, encroachments, transitions."""

    queryset = (
        ChangeDetection.objects.select_related("region")
        .prefetch_related("encroachments", "transitions")
        .order_by("-id")
    )
    region_paths = ("region__code",)
    serializer_class = out.ChangeDetectionSerializer
    pagination_class = Pages
    filterset_fields = ["subject", "region__code"]
    ordering_fields = ["computed_at"]
