"""The demo's synthetic 三调 DLTB layers: what the files hold, and that they import as a user's."""

import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum

from pilots.demo_dltb import SURVEYS, class_shares, make_layer, write_zip
from pilots.models import LandCover, Region
from pilots.readers import read_features
from pilots.regions import available_regions, read_boundary

HUANGSHAN_2023, HUANGSHAN_2025, CHUN_AN_2023 = SURVEYS
TOWN = {"0701", "05H1", "0601", "1004", "08H2", "0810"}


def _features(survey):
    return read_features(name=survey.path.name, data=survey.path.read_bytes()).features


def test_each_layer_is_a_zipped_shapefile_in_gbk_without_a_cpg_as_arcmap_writes_it():
    with zipfile.ZipFile(HUANGSHAN_2023.path) as archive:
        names = sorted(archive.namelist())
        dbf = archive.read("DLTB_SYNTHETIC_341000_2023.dbf")
        prj = archive.read("DLTB_SYNTHETIC_341000_2023.prj").decode()

    assert [name.rsplit(".", 1)[1] for name in names] == ["dbf", "prj", "shp", "shx"]
    assert dbf[29] == 0x57
    assert "SYNTHETIC 合成演示数据".encode("gbk") in dbf
    assert 'PROJCS["CGCS2000_3_Degree_GK_Zone_39"' in prj
    assert 'PARAMETER["False_Easting",39500000.0]' in prj


def test_the_importer_reads_the_gbk_text_and_the_standard_fields():
    first = _features(CHUN_AN_2023)[0].properties

    assert first == {
        "BSM": "3301272023000001",
        "DLBM": "0301K",
        "DLMC": "可调整乔木林地",
        "ZLDWDM": "3301270010010000000",
        "QSDWDM": "3301270010010000000",
        "TBMJ": 2502208.05,
        "KCDLBM": None,
        "KCXS": 0.0,
        "KCMJ": 0.0,
        "TBDLMJ": 2502208.05,
        "BZ": "SYNTHETIC 合成演示数据",
    }


def test_cropland_carries_the_field_ridge_deduction_and_nothing_else_does():
    for feature in _features(CHUN_AN_2023):
        p = feature.properties
        official, deducted = Decimal(str(p["TBMJ"])), Decimal(str(p["KCMJ"]))
        assert Decimal(str(p["TBDLMJ"])) == official - deducted
        if p["DLBM"][:4] in {"0101", "0102", "0103"}:
            assert p["KCDLBM"] == "1203"
            assert p["KCXS"] in {0.05, 0.07, 0.10, 0.13, 0.15}
            assert deducted == (official * Decimal(str(p["KCXS"]))).quantize(Decimal("0.01"))
        else:
            assert (p["KCDLBM"], p["KCXS"], p["KCMJ"]) == (None, 0.0, 0.0)


def test_class_shares_follow_the_published_structure():
    shares = {
        survey.stem: class_shares([{"properties": f.properties} for f in _features(survey)])
        for survey in SURVEYS
    }

    assert shares["synthetic-dltb-341000-2023"]["03"] == Decimal("78.6")
    assert shares["synthetic-dltb-341000-2025"]["03"] == Decimal("73.5")
    assert shares["synthetic-dltb-330127-2023"]["03"] == Decimal("72.2")
    assert shares["synthetic-dltb-330127-2023"]["11"] == Decimal("14.7")


def test_the_later_survey_differs_only_where_the_town_grew():
    before = {f.properties["BSM"][10:]: f.properties["DLBM"] for f in _features(HUANGSHAN_2023)}
    after = {f.properties["BSM"][10:]: f.properties["DLBM"] for f in _features(HUANGSHAN_2025)}

    changed = {number for number in before if before[number] != after[number]}

    assert before.keys() == after.keys()
    assert len(changed) == 267
    assert {after[number] for number in changed} == TOWN


def test_the_committed_layer_is_what_the_generator_writes(tmp_path):
    sources = available_regions([CHUN_AN_2023.region])
    boundary = read_boundary(sources[0])
    target = tmp_path / "layer.zip"

    srid, features = make_layer(CHUN_AN_2023, boundary, {})
    write_zip(CHUN_AN_2023, srid, features, target)

    assert srid == 4528
    assert target.read_bytes() == CHUN_AN_2023.path.read_bytes()


@pytest.mark.usefixtures("xinan")
def test_a_layer_imports_through_the_command_as_synthetic_parcels_that_tile_the_region(capsys):
    region = Region.objects.get(code="330127")

    call_command(
        "import_landcover",
        str(CHUN_AN_2023.path),
        "--region",
        "330127",
        "--survey-year",
        "2023",
        "--synthetic",
    )

    out = capsys.readouterr().out
    assert "Imported 1104 land-cover polygon(s) from synthetic-dltb-330127-2023.zip" in out
    assert "differs" not in out
    parcels = LandCover.objects.filter(region=region)
    assert parcels.aggregate(n=Count("id"), m2=Sum("official_area_m2")) == {
        "n": 1104,
        "m2": Decimal("4423017675.99"),
    }
    assert not parcels.filter(synthetic=False).exists()
    assert abs(parcels.aggregate(km2=Sum("area_km2"))["km2"] - region.area_km2) < 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pilots_landcover a JOIN pilots_landcover b "
            "ON a.id < b.id AND ST_Relate(a.geometry, b.geometry, '2********')"
        )
        assert cursor.fetchone() == (0,)
