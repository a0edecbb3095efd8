from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from pilots.access import ALL, region_codes_of
from pilots.models import LandCover, PilotProgramme, Region, Zone


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


class SimplifiedZoneSerializer(ZoneSerializer):
    """A zone whose GeoJSON geometry is `shape`, the simplified geometry the view annotates."""

    shape = GeometryField(read_only=True)

    class Meta(ZoneSerializer.Meta):
        geo_field = "shape"
        fields = [*ZoneSerializer.Meta.fields, "shape"]


class LandCoverSerializer(GeoFeatureModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    land_use = serializers.CharField(source="land_use.code", read_only=True)
    scheme = serializers.CharField(source="land_use.scheme", read_only=True)

    class Meta:
        model = LandCover
        geo_field = "geometry"
        fields = [
            "id",
            "region",
            "land_use",
            "scheme",
            "survey_year",
            "area_km2",
            "source",
            "synthetic",
        ]


class PilotSerializer(serializers.ModelSerializer):
    regions = serializers.SerializerMethodField()

    class Meta:
        model = PilotProgramme
        fields = [
            "id",
            "name",
            "description",
            "start_date",
            "end_date",
            "vertical",
            "horizontal",
            "market",
            "settlement_frequency",
            "status",
            "regions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_regions(self, pilot) -> list[str]:
        """Member regions the caller may see: an operator's own, everyone's for officials."""
        codes = sorted(region.code for region in pilot.regions.all())
        visible = region_codes_of(self.context["request"].user)
        return codes if visible is ALL else [code for code in codes if code in visible]
