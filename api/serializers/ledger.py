from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger import assertions
from ledger.models import Account, BalanceAssertion, JournalEntry, PeriodClose, Posting


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"})
class DecimalText(serializers.Field):
    """A Decimal with its commodity's places, as a string (never a float): exact on the wire."""

    def to_representation(self, value):
        return str(value)


def decimal_like(model_field, **kwargs) -> serializers.DecimalField:
    """A read-only DecimalField with a model field's digits and places (MoneyField: 2).

    For a value reached through a relation or computed, which ModelSerializer
    cannot map by itself; the places stay those of `ledger.commodities.PLACES`.
    """
    return serializers.DecimalField(
        max_digits=model_field.max_digits,
        decimal_places=model_field.decimal_places,
        read_only=True,
        **kwargs,
    )


class AccountSerializer(serializers.ModelSerializer):
    commodity = serializers.CharField(source="commodity_id", read_only=True)
    balance = DecimalText(read_only=True)

    class Meta:
        model = Account
        fields = [
            "code",
            "name",
            "type",
            "normal_balance",
            "owner",
            "commodity",
            "non_negative",
            "balance",
        ]


class LegSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code", read_only=True)
    commodity = serializers.CharField(source="commodity_id", read_only=True)
    amount = DecimalText(read_only=True, help_text="Debit positive, credit negative.")

    class Meta:
        model = Posting
        fields = ["account", "commodity", "amount"]


class EntrySerializer(serializers.ModelSerializer):
    postings = LegSerializer(many=True, read_only=True)
    reverses = serializers.IntegerField(source="reverses.sequence", read_only=True, allow_null=True)

    class Meta:
        model = JournalEntry
        fields = [
            "sequence",
            "idempotency_key",
            "effective_date",
            "description",
            "cause",
            "posted_at",
            "reverses",
            "hash",
            "postings",
        ]


class PostingSerializer(LegSerializer):
    entry = serializers.IntegerField(source="entry.sequence", read_only=True)

    class Meta:
        model = Posting
        fields = ["id", "entry", "account", "commodity", "effective_date", "amount"]


class BalanceSerializer(serializers.Serializer):
    account = serializers.CharField()
    balance = DecimalText()


class OwnerBalancesSerializer(serializers.Serializer):
    owner = serializers.CharField()
    commodity = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    balances = BalanceSerializer(many=True)


class PeriodCloseSerializer(serializers.ModelSerializer):
    """A close (结账) or reopening (反结账) of the dates start to end, its maker and checker."""

    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = PeriodClose
        fields = [
            "id",
            "action",
            "status",
            "start",
            "end",
            "reason",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
        ]


class BalanceAssertionSerializer(serializers.ModelSerializer):
    """An account's balance at the end of `as_of` as `source` gives it (`expected`) and as the
    books give it (`found`), both on the account's normal side in its commodity's places."""

    account = serializers.CharField(source="account.code", read_only=True)
    commodity = serializers.CharField(source="account.commodity_id", read_only=True)
    expected = serializers.SerializerMethodField()
    found = serializers.SerializerMethodField()
    holds = serializers.SerializerMethodField()
    entered_by = serializers.CharField(source="entered_by.username", read_only=True)

    class Meta:
        model = BalanceAssertion
        fields = [
            "id",
            "account",
            "commodity",
            "as_of",
            "expected",
            "found",
            "holds",
            "source",
            "entered_by",
            "entered_at",
        ]

    @extend_schema_field(DecimalText)
    def get_expected(self, row) -> str:
        return str(assertions.expected_balance(row))

    @extend_schema_field(DecimalText)
    def get_found(self, row) -> str:
        return str(assertions.books_balance(row))

    def get_holds(self, row) -> bool:
        return assertions.books_balance(row) == row.expected
