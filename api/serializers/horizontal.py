from rest_framework import serializers

from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    IndexWeight,
    MonitoringRecord,
)


class PartySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = AgreementParty
        fields = ["region", "side", "contribution_ratio", "allocation_ratio", "section"]


class WeightSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndexWeight
        fields = ["pollutant", "weight", "baseline_mg_l"]


class RoundSerializer(serializers.ModelSerializer):
    weights = WeightSerializer(many=True, read_only=True)

    class Meta:
        model = AgreementRound
        fields = [
            "id",
            "name",
            "start_year",
            "end_year",
            "amount",
            "central_top_up",
            "stability_coefficient",
            "weights",
        ]


class AgreementSerializer(serializers.ModelSerializer):
    carbon_market = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parties = PartySerializer(many=True, read_only=True)
    rounds = RoundSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "programme",
            "name",
            "rule",
            "description",
            "carbon_market",
            "carbon_adjustment",
            "deficit_cap_share",
            "parties",
            "rounds",
        ]


class MonitoringSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringRecord
        fields = ["id", "agreement", "year", "section", "pollutant", "value", "unit", "source"]
