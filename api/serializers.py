from django.urls import reverse
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from compensation.models import SettlementRun, Statement
from pilots.models import Region, Zone


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "name_en", "level", "area_km2"]


class ZoneSerializer(GeoFeatureModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Zone
        geo_field = "geometry"
        fields = ["id", "region", "kind", "name", "area_km2", "planning_version"]


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
            "status",
            "progress",
            "error",
            "summary",
            "created_at",
            "posted_at",
        ]

    def get_progress(self, run) -> dict:
        return {"done": run.chunks_done, "total": run.chunks_total}


class StatementSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
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

    def get_downloads(self, statement) -> dict:
        if statement.status != Statement.Status.ISSUED:
            return {}
        request = self.context["request"]
        return {
            fmt: request.build_absolute_uri(reverse("statement_file", args=[statement.pk, fmt]))
            for fmt in ("pdf", "csv", "xlsx")
        }
