from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.ledger import DecimalText
from compensation.models import RunTransfer, SettlementRun, Statement


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class RunSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = SettlementRun
        fields = [
            "id",
            "programme",
            "period_start",
            "period_end",
            "kind",
            "name",
            "status",
            "progress",
            "error",
            "summary",
            "started_by",
            "approved_by",
            "created_at",
            "posted_at",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, run) -> dict:
        return {"done": run.chunks_done, "total": run.chunks_total}


class StatementSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id",
            "run",
            "region",
            "status",
            "digest",
            "ledger_hash",
            "issued_at",
            "downloads",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.URLField()))
    def get_downloads(self, statement) -> dict:
        if statement.status != Statement.Status.ISSUED:
            return {}
        request = self.context["request"]
        return {
            fmt: request.build_absolute_uri(reverse("statement_file", args=[statement.pk, fmt]))
            for fmt in ("pdf", "csv", "xlsx")
        }


class TransferSerializer(serializers.ModelSerializer):
    entry = serializers.IntegerField(source="entry.sequence", read_only=True)
    amount = DecimalText(
        read_only=True, help_text="With the commodity's places: CNY 100000000.00, tCO2e 12.500."
    )

    class Meta:
        model = RunTransfer
        fields = [
            "id",
            "run",
            "channel",
            "key",
            "payer",
            "payee",
            "payer_region",
            "payee_region",
            "commodity",
            "amount",
            "description",
            "inputs",
            "entry",
        ]
