"""Exports read back with GDAL: the same features, the same CRS, the metadata kept."""

import json
import sqlite3
from decimal import Decimal

import pytest
from django.contrib.gis.gdal import DataSource

from compensation.models import ValuationLine
from compensation.valuation import valuate
from pilots.models import LandCover
from supervision import exchange
from tests.factories import add_cover, albers_strips


@pytest.fixture
def valued(huangshan_pilot, huangshan, growing_town, guangdong):
    add_cover(huangshan, "03", albers_strips(huangshan, 0, 1, 2, 3, 4, 5))
    valuate(programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA")
    return huangshan


def test_the_geopackage_reads_back_with_the_same_features_and_crs(valued, tmp_path):
    path = tmp_path / "export.gpkg"
    path.write_bytes(exchange.geopackage_bytes(valued))

    source = DataSource(str(path))
    layers = {layer.name: layer for layer in source}
    assert sorted(layers) == ["land_cover", "valuations", "zones"]
    for layer in layers.values():
        assert layer.srs.srid == 4490
    zones = layers["zones"]
    plan = growing_town_plan(valued)
    assert len(zones) == plan.zones.count() == 2
    expected = {z.pk: z for z in plan.zones.all()}
    for feature in zones:
        zone = expected[feature.get("zone_id")]
        assert feature.get("kind") == zone.kind
        assert feature.geom.geos.equals_exact(zone.geometry, tolerance=1e-9)
    assert len(layers["land_cover"]) == LandCover.objects.filter(region=valued).count()
    lines = ValuationLine.objects.filter(region=valued)
    assert len(layers["valuations"]) == lines.count()
    tonnes = sorted(Decimal(str(f.get("tco2e"))) for f in layers["valuations"])
    assert tonnes == sorted(line.tco2e for line in lines)


def test_the_geopackage_carries_the_metadata(valued, tmp_path):
    path = tmp_path / "export.gpkg"
    path.write_bytes(exchange.geopackage_bytes(valued))

    with sqlite3.connect(path) as db:
        metadata = " ".join(row[0] for row in db.execute("SELECT metadata FROM gpkg_metadata"))
        srs = db.execute(
            "SELECT DISTINCT srs_id FROM gpkg_geometry_columns ORDER BY srs_id"
        ).fetchall()
    assert srs == [(4490,)]
    assert "EPSG:4490" in metadata
    assert "341000 黄山市" in metadata
    assert "广东省2018年土地利用碳汇系数" in metadata


def test_geojson_layers_keep_exact_decimals_and_name_the_crs(valued):
    collection = json.loads(exchange.geojson_bytes(valued, "valuations"), parse_float=Decimal)

    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4490"
    assert collection["metadata"]["crs"] == "EPSG:4490"
    assert collection["metadata"]["planning_version"]["version"] == 2
    assert collection["metadata"]["surveys"] == [
        {"year": 2023, "source": "test", "synthetic": False}
    ]
    written = sorted(
        (f["properties"]["zone_id"], f["properties"]["land_use_code"], f["properties"]["tco2e"])
        for f in collection["features"]
    )
    stored = sorted(
        ValuationLine.objects.filter(region=valued).values_list("zone_id", "land_use_code", "tco2e")
    )
    assert written == stored


def test_an_unknown_layer_is_refused(valued):
    with pytest.raises(exchange.SupervisionError, match="Unknown layer 'roads'"):
        exchange.geojson_bytes(valued, "roads")


def growing_town_plan(region):
    return region.planning_versions.get(version=2)
