from rest_framework import serializers

from api.fields import Text
from api.serializers.ledger import decimal_like
from supervision.alerts import describe
from supervision.models import Alert, ChangeDetection, Encroachment, Transition


class AlertSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    rule = serializers.CharField(source="rule.name", read_only=True)
    kind = serializers.CharField(source="rule.kind", read_only=True)
    message = serializers.SerializerMethodField()
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "region",
            "rule",
            "kind",
            "year",
            "measured",
            "message",
            "detection",
            "raised_at",
            "acknowledged_at",
            "acknowledged_by",
            "comment",
        ]

    def get_message(self, alert) -> str:
        return describe(alert)


class EncroachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Encroachment
        fields = ["protected_kind", "area_ha", "developed_zone", "protected_zone"]


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transition
        fields = ["from_code", "to_code", "area_ha"]


class ChangeDetectionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    sink_change_tco2e = decimal_like(
        ChangeDetection._meta.get_field("sink_after_tco2e"), allow_null=True
    )
    encroachments = EncroachmentSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = ChangeDetection
        fields = [
            "id",
            "region",
            "subject",
            "before_version",
            "after_version",
            "before_year",
            "after_year",
            "areas",
            "methodology_version",
            "sink_before_tco2e",
            "sink_after_tco2e",
            "sink_change_tco2e",
            "uncounted_codes",
            "encroachments",
            "transitions",
            "computed_at",
        ]


class AcknowledgeSerializer(serializers.Serializer):
    comment = Text(max_length=2000)
