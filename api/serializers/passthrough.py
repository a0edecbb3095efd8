"""Recipients, sub-allocation plans, payment evidence, matches and obligations as the API
shows them (read-only)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.ledger import decimal_like
from passthrough import obligations
from passthrough.models import (
    Payment,
    PaymentMatch,
    Recipient,
    SubAllocationLine,
    SubAllocationPlan,
)
from passthrough.recipients import PERSONAL_FIELDS, shows_details


class PersonalDetailsHidden:
    """Leaves out the fields `personal_fields` for callers who may not see recipients'
    personal details (passthrough.recipients.shows_details): absent, not blanked."""

    personal_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if not shows_details(self.context["request"].user):
            for name in self.personal_fields:
                shown.pop(name)
        return shown


class RecipientSerializer(PersonalDetailsHidden, serializers.ModelSerializer):
    """A recipient; holder_name and bank_account only for callers who may see personal details
    (`see_recipient_details`), absent for everyone else."""

    region = serializers.CharField(source="region.code", read_only=True)
    personal_fields = PERSONAL_FIELDS

    class Meta:
        model = Recipient
        fields = [
            "id",
            "region",
            "kind",
            "code",
            "name",
            "zones",
            "active",
            *PERSONAL_FIELDS,
        ]


class LineSerializer(serializers.ModelSerializer):
    recipient = serializers.CharField(source="recipient.code", read_only=True)

    class Meta:
        model = SubAllocationLine
        fields = ["id", "recipient", "zone", "weight", "amount", "due_date", "account"]


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    reversed_by = serializers.CharField(
        source="reversed_by.username", read_only=True, allow_null=True, default=None
    )
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = SubAllocationPlan
        fields = [
            "id",
            "run",
            "region",
            "method",
            "rule",
            "status",
            "total",
            "proposed_by",
            "proposed_at",
            "reason",
            "decided_by",
            "decided_at",
            "decision_reason",
            "entry",
            "reversed_by",
            "reversed_at",
            "reversal_reason",
            "reversal",
            "lines",
        ]


class PaymentSerializer(PersonalDetailsHidden, serializers.ModelSerializer):
    """Payment evidence with `matched` (Σ of its matches, CNY); payee_account only for callers
    who may see recipients' personal details, absent for everyone else."""

    region = serializers.CharField(source="region.code", read_only=True)
    matched = decimal_like(Payment._meta.get_field("amount"))
    entered_by = serializers.CharField(source="entered_by.username", read_only=True)
    personal_fields = ("payee_account",)

    class Meta:
        model = Payment
        fields = [
            "id",
            "region",
            "kind",
            "reference",
            "paid_on",
            "amount",
            "matched",
            "payee_code",
            "payee_account",
            "source",
            "entered_by",
            "entered_at",
        ]


class MatchSerializer(serializers.ModelSerializer):
    """The part of a payment that settles one plan line; matched_by is null when automatic."""

    region = serializers.CharField(source="payment.region.code", read_only=True)
    reference = serializers.CharField(source="payment.reference", read_only=True)
    recipient = serializers.CharField(source="line.recipient.code", read_only=True)
    matched_by = serializers.CharField(
        source="matched_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = PaymentMatch
        fields = [
            "id",
            "region",
            "payment",
            "reference",
            "line",
            "recipient",
            "amount",
            "matched_by",
            "matched_at",
        ]


class ObligationSerializer(serializers.ModelSerializer):
    """A posted plan line as an obligation read on `on`: amount, paid and owed (CNY), the last
    payment's date and the status (passthrough.obligations.STATUSES)."""

    region = serializers.CharField(source="plan.region.code", read_only=True)
    recipient = serializers.CharField(source="recipient.code", read_only=True)
    paid = decimal_like(SubAllocationLine._meta.get_field("amount"))
    owed = decimal_like(SubAllocationLine._meta.get_field("amount"))
    last_paid_on = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = SubAllocationLine
        fields = [
            "id",
            "region",
            "plan",
            "recipient",
            "account",
            "due_date",
            "amount",
            "paid",
            "owed",
            "last_paid_on",
            "status",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=obligations.STATUSES))
    def get_status(self, line) -> str:
        return obligations.status(line, on=self.context["on"])
