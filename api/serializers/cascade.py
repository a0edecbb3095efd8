"""The vertical cascade's data: allocation methods, tiers and regional indicators (read-only)."""

from rest_framework import serializers

from compensation.models import (
    AllocationMethod,
    CascadeTier,
    MethodAdjustment,
    MethodFactor,
    RegionIndicator,
)


class FactorSerializer(serializers.ModelSerializer):
    class Meta:
        model = MethodFactor
        fields = ["kind", "basis", "weight", "source"]


class AdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MethodAdjustment
        fields = ["change", "percent"]


class AllocationMethodSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(
        source="issuer.code", read_only=True, allow_null=True, help_text="GB/T 2260 code."
    )
    factors = FactorSerializer(many=True, read_only=True)
    adjustments = AdjustmentSerializer(many=True, read_only=True)

    class Meta:
        model = AllocationMethod
        fields = [
            "id",
            "name",
            "version",
            "issuer",
            "budget_cap",
            "illustrative",
            "source",
            "published",
            "factors",
            "adjustments",
        ]


class CascadeTierSerializer(serializers.ModelSerializer):
    payer = serializers.CharField(
        source="payer.code",
        read_only=True,
        allow_null=True,
        help_text="GB/T 2260 code of the paying region; null for the central government.",
    )
    recipients = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = CascadeTier
        fields = ["id", "programme", "year", "level", "payer", "method", "recipients"]


class RegionIndicatorSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = RegionIndicator
        fields = ["id", "region", "year", "kind", "value", "source"]
