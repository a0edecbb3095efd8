"""The credit registry: projects, holders, batches and blocks; issue, transfer and retire.

Units move only through compensation.credits, which books their tonnes in the
ledger. The service's own idempotency key is derived from the API request's
record, so a replayed request never reaches the service twice.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import examples
from api.idempotency import idempotent
from api.pagination import Pages
from api.serializers import credits as out
from api.serializers.inputs import IssueSerializer, RetireUnitsSerializer, TransferUnitsSerializer
from api.views.base import ScopedReadViewSet
from compensation import credits
from compensation.models import CreditBlock, CreditHolder, CreditProject, IssuanceBatch


def _service_key(request) -> str:
    return f"api:{request.idempotency_record.pk}"


@extend_schema_view(
    list=extend_schema(examples=[examples.CREDIT_PROJECT]),
    retrieve=extend_schema(examples=[examples.CREDIT_PROJECT]),
)
class CreditProjectViewSet(ScopedReadViewSet):
    """Credit projects; operators see their regions' projects."""

    queryset = CreditProject.objects.select_related("region").prefetch_related("zones")
    region_paths = ("region__code",)
    serializer_class = out.CreditProjectSerializer
    pagination_class = Pages
    filterset_fields = ["programme", "region__code"]
    ordering_fields = ["code"]
    action_permissions = {"issue": "move_credits"}

    @extend_schema(
        request=IssueSerializer,
        responses={201: out.BatchSerializer},
        examples=[examples.ISSUE, examples.BATCH],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def issue(self, request, pk=None):
        """Issue whole units for the project's verified sink of a vintage not issued before."""
        form = IssueSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        batch = credits.issue_batch(
            project=self.get_object(),
            vintage=form.validated_data["vintage"],
            idempotency_key=_service_key(request),
            on=form.validated_data["on"],
            by=request.user,
        )
        return Response(out.BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(examples=[examples.HOLDER]),
    retrieve=extend_schema(examples=[examples.HOLDER]),
)
class CreditHolderViewSet(ScopedReadViewSet):
    """Who holds credits: protector regions, buyers and the buffer pool (officials)."""

    queryset = CreditHolder.objects.select_related("region").order_by("kind", "name", "id")
    serializer_class = out.CreditHolderSerializer
    pagination_class = Pages
    filterset_fields = ["kind"]
    ordering_fields = ["name"]


@extend_schema_view(
    list=extend_schema(examples=[examples.BATCH]), retrieve=extend_schema(examples=[examples.BATCH])
)
class BatchViewSet(ScopedReadViewSet):
    """Issuance batches; transfer and retire units of a batch by their unit numbers."""

    queryset = IssuanceBatch.objects.select_related("project").order_by("id")
    region_paths = ("project__region__code",)
    serializer_class = out.BatchSerializer
    pagination_class = Pages
    filterset_fields = ["project", "vintage"]
    ordering_fields = ["vintage", "issued_at"]
    action_permissions = {"transfer": "move_credits", "retire": "move_credits"}

    @extend_schema(
        request=TransferUnitsSerializer,
        responses={201: out.OperationSerializer},
        examples=[examples.TRANSFER_UNITS, examples.OPERATION],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def transfer(self, request, pk=None):
        """Move units first_unit–last_unit of the batch from one holder to another."""
        form = TransferUnitsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        operation = credits.transfer_units(
            units=credits.UnitRange(self.get_object(), data["first_unit"], data["last_unit"]),
            holder=data["from_holder"],
            to_holder=data["to_holder"],
            key=_service_key(request),
            on=data["on"],
            by=request.user,
        )
        return Response(out.OperationSerializer(operation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RetireUnitsSerializer,
        responses={201: out.OperationSerializer},
        examples=[examples.RETIRE_UNITS, examples.RETIREMENT],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def retire(self, request, pk=None):
        """Retire units for a beneficiary's offset; their tonnes move to `retired` for ever."""
        form = RetireUnitsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        operation = credits.retire_units(
            units=credits.UnitRange(self.get_object(), data["first_unit"], data["last_unit"]),
            holder=data["holder"],
            beneficiary=data["beneficiary"],
            publish_beneficiary=data["publish_beneficiary"],
            reason=data["reason"],
            key=_service_key(request),
            on=data["on"],
            by=request.user,
        )
        return Response(out.OperationSerializer(operation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(examples=[examples.BLOCK]), retrieve=extend_schema(examples=[examples.BLOCK])
)
class BlockViewSet(ScopedReadViewSet):
    """Blocks of units: who holds which serial numbers, in which state."""

    queryset = CreditBlock.objects.select_related("batch__project").order_by("batch", "first_unit")
    region_paths = ("batch__project__region__code",)
    serializer_class = out.BlockSerializer
    pagination_class = Pages
    filterset_fields = ["batch", "holder", "status"]
    ordering_fields = ["first_unit"]
