"""Agreements between regions, and the monitoring data operators submit for theirs."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api import examples
from api.pagination import Pages
from api.serializers import horizontal
from api.serializers.inputs import MonitoringUploadSerializer
from api.views.base import ScopedReadViewSet
from compensation.imports import import_monitoring
from compensation.models import Agreement, MonitoringRecord
from pilots.access import scoped


@extend_schema_view(
    list=extend_schema(examples=[examples.AGREEMENT]),
    retrieve=extend_schema(examples=[examples.AGREEMENT]),
)
class AgreementViewSet(ScopedReadViewSet):
    """Agreements with their parties, rounds and index weights (officials, like the admin)."""

    queryset = Agreement.objects.select_related("carbon_market").prefetch_related(
        "parties__region", "rounds__weights"
    )
    region_paths = ("parties__region__code",)
    serializer_class = horizontal.AgreementSerializer
    pagination_class = Pages
    filterset_fields = ["programme", "rule"]
    ordering_fields = ["name"]


@extend_schema_view(
    list=extend_schema(examples=[examples.MONITORING]),
    retrieve=extend_schema(examples=[examples.MONITORING]),
)
class MonitoringViewSet(ScopedReadViewSet):
    """Annual mean concentrations at agreements' sections; operators see their agreements'."""

    queryset = MonitoringRecord.objects.order_by("-year", "id")
    region_paths = ("agreement__parties__region__code",)
    serializer_class = horizontal.MonitoringSerializer
    pagination_class = Pages
    filterset_fields = ["agreement", "year", "section", "pollutant"]
    ordering_fields = ["year", "section", "pollutant"]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": MonitoringUploadSerializer},
        responses={201: horizontal.MonitoringSerializer(many=True)},
        examples=[
            examples.MONITORING_UPLOAD,
            examples.MONITORING_UPLOAD_WORKBOOK,
            examples.MONITORING_CREATED,
        ],
    )
    def create(self, request):
        """Submit a CSV or XLSX of annual means for an agreement of your region: all rows or none.

        Every row is checked before anything is written; a file with any
        problem is refused whole (400) and `errors.file` names each row's problem.
        """
        agreements = scoped(Agreement.objects.all(), request.user, "parties__region__code")
        upload = MonitoringUploadSerializer(data=request.data, agreements=agreements)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        records = import_monitoring(
            agreement=upload.validated_data["agreement"],
            name=file.name,
            data=file.read(),
            sheet=upload.validated_data["sheet"],
        )
        data = horizontal.MonitoringSerializer(records, many=True).data
        return Response(data, status=status.HTTP_201_CREATED)
