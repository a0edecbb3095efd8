from rest_framework import serializers

from api.serializers.ledger import decimal_like
from compensation.models import (
    CarbonPrice,
    Methodology,
    MethodologyVersion,
    RegionPosition,
    SinkCoefficient,
    SinkVerification,
    Valuation,
    ValuationLine,
)


class CoefficientSerializer(serializers.ModelSerializer):
    class Meta:
        model = SinkCoefficient
        fields = ["land_use_code", "value"]


class MethodologyVersionSerializer(serializers.ModelSerializer):
    coefficients = CoefficientSerializer(many=True, read_only=True)

    class Meta:
        model = MethodologyVersion
        fields = [
            "id",
            "methodology",
            "version",
            "scheme",
            "unit",
            "valid_from",
            "valid_to",
            "citation",
            "url",
            "published",
            "coefficients",
        ]


class MethodologySerializer(serializers.ModelSerializer):
    versions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Methodology
        fields = ["id", "name", "description", "versions"]


class PriceSerializer(serializers.ModelSerializer):
    market = serializers.CharField(source="market.code", read_only=True)
    currency = serializers.CharField(source="market.currency", read_only=True)

    class Meta:
        model = CarbonPrice
        fields = ["id", "market", "date", "price", "currency", "source"]


class ValuationSerializer(serializers.ModelSerializer):
    price_per_tco2e = decimal_like(CarbonPrice._meta.get_field("price"), source="price.price")

    class Meta:
        model = Valuation
        fields = [
            "id",
            "programme",
            "year",
            "methodology_version",
            "price",
            "price_per_tco2e",
            "adjustment",
            "inputs",
            "code_version",
            "input_hash",
            "current",
            "supersedes",
            "created_at",
        ]


class ValuationLineSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = ValuationLine
        fields = [
            "id",
            "zone",
            "region",
            "protected",
            "land_use_code",
            "area_ha",
            "coefficient_tco2e",
            "tco2e",
        ]


class PositionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    role = serializers.CharField(read_only=True)

    class Meta:
        model = RegionPosition
        fields = [
            "region",
            "sink_tco2e",
            "emission_tco2e",
            "emission_reported",
            "net_tco2e",
            "increment_tco2e",
            "value_cny",
            "role",
        ]


class SinkVerificationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    vintage = serializers.IntegerField(source="valuation.year", read_only=True)

    class Meta:
        model = SinkVerification
        fields = [
            "id",
            "valuation",
            "vintage",
            "region",
            "status",
            "requested_by",
            "requested_at",
            "reason",
            "decided_by",
            "decided_at",
            "decision_reason",
            "entries",
        ]
