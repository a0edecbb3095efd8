"""Settlement runs (start, follow, approve, post), their booked transfers, and statements.

Writes go through compensation.settlement, which enforces the run's states
and maker-checker; posting is done by a worker, as from the admin's button.
Each action's permission is its transition's button (settlement.states.TRANSITIONS).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import examples
from api.errors import AlreadyDone
from api.filters import StrictFilters
from api.idempotency import idempotent
from api.pagination import ByIdCursor, Pages
from api.serializers import settlement as out
from api.serializers.inputs import ReasonSerializer, StartRunSerializer
from api.views.base import ScopedReadViewSet
from compensation.models import RunTransfer, SettlementRun, Statement
from compensation.settlement import planning, posting, states


def _run_response(run, code=status.HTTP_200_OK):
    return Response(out.RunSerializer(run).data, status=code)


@extend_schema_view(
    list=extend_schema(examples=[examples.RUN]), retrieve=extend_schema(examples=[examples.RUN])
)
class RunViewSet(ScopedReadViewSet):
    """Settlement runs with their progress; a run spans regions, so officials only."""

    queryset = SettlementRun.objects.all()
    serializer_class = out.RunSerializer
    pagination_class = ByIdCursor
    parser_classes = [JSONParser]  # overrides are nested: a form would drop them
    filter_backends = [StrictFilters]  # cursor pages keep their own order
    filterset_fields = ["programme", "status", "kind", "period_start", "period_end"]
    action_permissions = states.api_permissions(create="start", approve="approve", post="post")

    @extend_schema(
        request=StartRunSerializer,
        responses={202: out.RunSerializer},
        examples=[examples.START_RUN, examples.RUN_STARTED],
    )
    @idempotent
    def create(self, request):
        """Start a run for a pilot and period and calculate it on the workers (202).

        Follow `status` and `progress` on the run; a second regular run of the
        same pilot and period is refused.
        """
        form = StartRunSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        run = planning.start_and_calculate(
            programme=data["programme"],
            period=data["period"],
            by=request.user,
            kind=SettlementRun.Kind.SCENARIO if data["scenario"] else SettlementRun.Kind.REGULAR,
            overrides=data["overrides"] or None,
            name=data["name"],
            reason=data["reason"],
        )
        return _run_response(run, status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: out.RunSerializer},
        examples=[examples.REASON, examples.RUN_APPROVED],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        """Approve a calculated run; the official who started it may not (maker-checker)."""
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = states.approve(self.get_object(), by=request.user, **form.validated_data)
        return _run_response(run)

    @extend_schema(
        request=ReasonSerializer,
        responses={202: out.RunSerializer},
        examples=[examples.REASON, examples.RUN_POSTING, examples.RUN_APPROVED],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def post(self, request, pk=None):
        """Post an approved run to the ledger on a worker (202), then issue its statements.

        The run becomes `posted` and then `statements`; posting a posted run again is 409
        and books nothing.
        """
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = self.get_object()
        if run.status in states.POSTED:
            raise AlreadyDone(
                _("Run %(run)s is already %(status)s; it is posted once.")
                % {"run": run.pk, "status": run.get_status_display()}
            )
        run, queued = posting.post_or_queue(run, by=request.user, **form.validated_data)
        return _run_response(run, status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(examples=[examples.STATEMENT]),
    retrieve=extend_schema(examples=[examples.STATEMENT]),
)
class StatementViewSet(ScopedReadViewSet):
    """Issued statements and their download links; operators see their regions' only."""

    # Its content (`data`, a national summary statement's is megabytes) is in its files.
    queryset = Statement.objects.select_related("region").defer("data")
    region_paths = ("region__code",)
    serializer_class = out.StatementSerializer
    pagination_class = ByIdCursor
    filter_backends = [StrictFilters]  # cursor pages keep their own order
    filterset_fields = {"run": ["exact"], "status": ["exact"], "region__code": ["exact"]}


@extend_schema_view(
    list=extend_schema(examples=[examples.TRANSFER]),
    retrieve=extend_schema(examples=[examples.TRANSFER]),
)
class TransferViewSet(ScopedReadViewSet):
    """Transfers of runs booked in the ledger; operators see those their regions pay or receive."""

    queryset = RunTransfer.objects.filter(entry__isnull=False).select_related("entry")
    region_paths = ("payer_region", "payee_region")
    serializer_class = out.TransferSerializer
    pagination_class = Pages
    filterset_fields = ["run", "channel", "commodity", "payer_region", "payee_region"]
    ordering_fields = ["amount", "id"]
    ordering = ["id"]
