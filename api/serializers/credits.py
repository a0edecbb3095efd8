from rest_framework import serializers

from compensation.models import (
    CreditBlock,
    CreditHolder,
    CreditOperation,
    CreditProject,
    IssuanceBatch,
)


class CreditProjectSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    zones = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CreditProject
        fields = [
            "id",
            "programme",
            "region",
            "code",
            "name",
            "methodology_version",
            "zones",
            "crediting_start",
            "crediting_end",
            "buffer_share",
        ]


class CreditHolderSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, allow_null=True)

    class Meta:
        model = CreditHolder
        fields = ["id", "name", "kind", "region"]


class BatchSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = IssuanceBatch
        fields = [
            "id",
            "project",
            "number",
            "vintage",
            "valuation",
            "verified_tco2e",
            "units",
            "buffer_units",
            "issued_at",
        ]


class BlockSerializer(serializers.ModelSerializer):
    serial = serializers.CharField(read_only=True)
    units = serializers.IntegerField(read_only=True)

    class Meta:
        model = CreditBlock
        fields = ["id", "batch", "serial", "first_unit", "last_unit", "units", "holder", "status"]


class OperationSerializer(serializers.ModelSerializer):
    units = serializers.IntegerField(read_only=True)

    class Meta:
        model = CreditOperation
        fields = [
            "id",
            "kind",
            "batch",
            "first_unit",
            "last_unit",
            "units",
            "from_holder",
            "to_holder",
            "date",
            "price",
            "proceeds",
            "beneficiary",
            "beneficiary_published",
            "reason",
            "created_at",
        ]
