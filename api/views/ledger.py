"""The books, read-only: accounts and balances (as of a date), entries and postings.

Entries and postings are long, append-only lists: they page by cursor, so a
client walking them never skips or repeats a row while new entries arrive.
The ledger spans regions, so it is read by officials (as in the admin).
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from api import examples
from api.fields import Text
from api.filters import StrictFilters, StrictFilterSet, WholeFilter
from api.pagination import BySequenceCursor, Pages, PostingCursor
from api.serializers import ledger as out
from api.views.base import ACCOUNT_CODE_IN_PATH, ScopedReadViewSet
from ledger.assertions import with_books_balance
from ledger.models import Account, BalanceAssertion, JournalEntry, PeriodClose, Posting
from ledger.selectors import account_balance, owner_balances

AS_OF = OpenApiParameter(
    "as_of", str, description="Balance as of this date (YYYY-MM-DD); today's without it."
)


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, default=None)


class BalancesQuery(AsOfSerializer):
    owner = Text(max_length=128)
    commodity = Text(max_length=16)


@extend_schema_view(
    list=extend_schema(examples=[examples.ACCOUNT]),
    retrieve=extend_schema(parameters=[AS_OF], examples=[examples.ACCOUNT]),
)
class AccountViewSet(ScopedReadViewSet):
    """The chart of accounts with each account's balance on its normal side."""

    queryset = Account.objects.select_related("commodity")
    serializer_class = out.AccountSerializer
    lookup_field = "code"
    lookup_value_regex = ACCOUNT_CODE_IN_PATH
    pagination_class = Pages
    filterset_fields = ["owner", "commodity", "type"]
    ordering_fields = ["code"]
    ordering = ["code"]

    def retrieve(self, request, code=None):
        account = self.get_object()
        query = AsOfSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = out.AccountSerializer(account).data
        data["balance"] = str(account_balance(account=account, **query.validated_data))
        return Response(data)


class BalanceViewSet(viewsets.GenericViewSet):
    """Balances of one owner's accounts in one commodity, as of a date (officials)."""

    queryset = Account.objects.all()  # for the permission: viewing accounts
    answers_one_object = True  # api.schema: one owner's balances, not an array
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[BalancesQuery],
        responses=out.OwnerBalancesSerializer,
        examples=[examples.BALANCES],
    )
    def list(self, request):
        query = BalancesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        balances = owner_balances(**query.validated_data)
        return Response(
            out.OwnerBalancesSerializer(
                {
                    **query.validated_data,
                    "balances": [
                        {"account": code, "balance": amount}
                        for code, amount in sorted(balances.items())
                    ],
                }
            ).data
        )


class EntryFilter(StrictFilterSet):
    effective_date = filters.DateFromToRangeFilter()
    cause = filters.CharFilter()

    class Meta:
        model = JournalEntry
        fields = ["effective_date", "cause"]


@extend_schema_view(
    list=extend_schema(examples=[examples.ENTRY]), retrieve=extend_schema(examples=[examples.ENTRY])
)
class EntryViewSet(ScopedReadViewSet):
    """Journal entries with their postings, newest first, by cursor."""

    queryset = JournalEntry.objects.select_related("reverses").prefetch_related(
        "postings__account", "postings__commodity"
    )
    serializer_class = out.EntrySerializer
    lookup_field = "sequence"
    pagination_class = BySequenceCursor
    filter_backends = [StrictFilters]  # cursor pages keep their own order
    filterset_class = EntryFilter


class PostingFilter(StrictFilterSet):
    account = filters.CharFilter(field_name="account__code")
    owner = filters.CharFilter(field_name="account__owner")
    entry = WholeFilter(field_name="entry__sequence")
    effective_date = filters.DateFromToRangeFilter()

    class Meta:
        model = Posting
        fields = ["account", "owner", "commodity", "entry", "effective_date"]


@extend_schema_view(
    list=extend_schema(examples=[examples.POSTING]),
    retrieve=extend_schema(examples=[examples.POSTING]),
)
class PostingViewSet(ScopedReadViewSet):
    """Postings (one leg each), newest first, by cursor; filter by account, owner or date."""

    queryset = Posting.objects.select_related("account", "entry", "commodity")
    serializer_class = out.PostingSerializer
    pagination_class = PostingCursor
    filter_backends = [StrictFilters]  # cursor pages keep their own order
    filterset_class = PostingFilter


@extend_schema_view(
    list=extend_schema(examples=[examples.PERIOD_CLOSE]),
    retrieve=extend_schema(examples=[examples.PERIOD_CLOSE]),
)
class PeriodCloseViewSet(ScopedReadViewSet):
    """Closes (结账) and reopenings (反结账) of periods, proposed and decided (officials)."""

    queryset = PeriodClose.objects.select_related("proposed_by", "decided_by").order_by(
        "-start", "-id"
    )
    serializer_class = out.PeriodCloseSerializer
    pagination_class = Pages
    filterset_fields = {"action": ["exact"], "status": ["exact"], "start": ["gte", "lte"]}
    ordering_fields = ["id", "start", "proposed_at"]


@extend_schema_view(
    list=extend_schema(examples=[examples.BALANCE_ASSERTION]),
    retrieve=extend_schema(examples=[examples.BALANCE_ASSERTION]),
)
class BalanceAssertionViewSet(ScopedReadViewSet):
    """Balance assertions (余额核对) with the books' balance on the same day (officials)."""

    queryset = with_books_balance(
        BalanceAssertion.objects.select_related("entered_by").order_by("-as_of", "account__code")
    )
    serializer_class = out.BalanceAssertionSerializer
    pagination_class = Pages
    filterset_fields = {"account__code": ["exact"], "as_of": ["gte", "lte"]}
    ordering_fields = ["id", "as_of"]
