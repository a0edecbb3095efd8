"""Spatial invariants in the database (PostgreSQL) and the land-use classes."""

from django.db import migrations

from config.sqlfiles import run_sql

# GB/T 21010-2017 first-level classes, and the Third National Land Survey
# working classes that add 00 wetland and 20 urban, village and industrial land.
GBT_21010 = [
    ("01", "耕地", "cropland"),
    ("02", "园地", "garden land"),
    ("03", "林地", "forest land"),
    ("04", "草地", "grassland"),
    ("05", "商服用地", "commercial land"),
    ("06", "工矿仓储用地", "industrial, mining and storage land"),
    ("07", "住宅用地", "residential land"),
    ("08", "公共管理与公共服务用地", "public administration and services land"),
    ("09", "特殊用地", "special-use land"),
    ("10", "交通运输用地", "transport land"),
    ("11", "水域及水利设施用地", "water and water facilities"),
    ("12", "其他土地", "other land"),
]
THIRD_SURVEY = [
    ("00", "湿地", "wetland"),
    ("01", "耕地", "cropland"),
    ("02", "种植园用地", "plantation land"),
    ("03", "林地", "forest land"),
    ("04", "草地", "grassland"),
    ("05", "商业服务业用地", "commercial and service land"),
    ("06", "工矿用地", "industrial and mining land"),
    ("07", "住宅用地", "residential land"),
    ("08", "公共管理与公共服务用地", "public administration and services land"),
    ("09", "特殊用地", "special-use land"),
    ("10", "交通运输用地", "transport land"),
    ("11", "水域及水利设施用地", "water and water facilities"),
    ("12", "其他土地", "other land"),
    ("20", "城镇村及工矿用地", "urban, village and industrial-mining land"),
]


def seed(apps, schema_editor):
    LandUseClass = apps.get_model("pilots", "LandUseClass")
    LandUseClass.objects.bulk_create(
        [
            LandUseClass(scheme="gbt21010-2017", code=c, name_zh=zh, name_en=en)
            for c, zh, en in GBT_21010
        ]
        + [
            LandUseClass(scheme="third-survey", code=c, name_zh=zh, name_en=en)
            for c, zh, en in THIRD_SURVEY
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("pilots", "0002_programmes_zones_land_cover")]

    operations = [
        run_sql("pilots", "0003_database_invariants", reversible=False),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
