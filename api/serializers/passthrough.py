"""Recipients and sub-allocation plans as the API shows them (read-only)."""

from rest_framework import serializers

from passthrough.models import Recipient, SubAllocationLine, SubAllocationPlan
from passthrough.recipients import PERSONAL_FIELDS, shows_details


class RecipientSerializer(serializers.ModelSerializer):
    """A recipient; holder_name and bank_account only for callers who may see personal details
    (`see_recipient_details`), absent for everyone else."""

    region = serializers.CharField(source="region.code", read_only=True)

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

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if not shows_details(self.context["request"].user):
            for name in PERSONAL_FIELDS:
                shown.pop(name)
        return shown


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
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = SubAllocationPlan
        fields = [
            "id",
            "run",
            "region",
            "method",
            "status",
            "total",
            "proposed_by",
            "proposed_at",
            "reason",
            "decided_by",
            "decided_at",
            "decision_reason",
            "entry",
            "lines",
        ]
