"""Land cover staged by ogr2ogr (pilots/staging.py) stores and reports what reading the
file feature by feature (pilots/readers.py) does: the same rows, notes and problems."""

import json
import sqlite3
import struct
import subprocess

import pytest
from django.db import transaction

from pilots import staging
from pilots.imports import ImportRejected, import_land_cover
from pilots.models import ImportBatch, LandCover
from tests.inputs import FIELD
from tests.pilots.field import zipped_folder

DLTB = FIELD / "13-dlbm-third-survey-codes/dltb_2022.geojson"
GAUSS_KRUGER_39 = "EPSG:4527"  # CGCS2000 3° zone 39, X with the zone number


def _shapefile(tmp_path, collection: dict, *, cpg: bool = False) -> bytes:
    """A zipped GBK Shapefile in Gauss–Krüger zone 39 of a GeoJSON in CGCS2000 degrees."""
    source = tmp_path / "source.geojson"
    source.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    folder = tmp_path / "DLTB"
    folder.mkdir()
    subprocess.run(
        [
            *("ogr2ogr", "-f", "ESRI Shapefile", "-s_srs", "EPSG:4490", "-t_srs"),
            *(GAUSS_KRUGER_39, "-lco", "ENCODING=CP936", str(folder / "DLTB.shp"), str(source)),
        ],
        check=True,
        capture_output=True,
    )
    if not cpg:
        (folder / "DLTB.cpg").unlink(missing_ok=True)
    return zipped_folder(folder)


def _both_ways(monkeypatch, importing):
    """(result staged, result read feature by feature) of `importing()`: an ImportBatch
    with the rows it stored, or the ImportRejected report; the first must be staged."""
    staged = []
    stage = staging.stage
    monkeypatch.setattr(
        staging, "stage", lambda *a, **k: staged.append(stage(*a, **k)) or staged[-1]
    )
    first = _outcome(importing)
    assert isinstance(staged[0], staging.StagedFile)
    LandCover.objects.all().delete()
    ImportBatch.objects.all().delete()
    monkeypatch.setattr(staging, "OGR2OGR", "no-such-ogr2ogr")
    second = _outcome(importing)
    assert staged[1] is None
    return first, second


def _staging_results(monkeypatch) -> list:
    """What each call of staging.stage returns, from now on."""
    results = []
    stage = staging.stage

    def recorded(*args, **kwargs):
        results.append(stage(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(staging, "stage", recorded)
    return results


def _outcome(importing):
    try:
        with transaction.atomic():
            batch = importing()
    except ImportRejected as exc:
        return {"problems": exc.report.problems, "notes": exc.report.notes, "stored": _rows()}
    return {"report": batch.report, "features": batch.features, "stored": _rows()}


def _rows():
    return [
        (
            parcel.feature_index,
            parcel.land_use.scheme,
            parcel.land_use.code,
            parcel.survey_year,
            parcel.area_km2,
            parcel.survey_code,
            parcel.identifier,
            parcel.located_in,
            parcel.owned_by,
            parcel.deduction_code,
            parcel.official_area_m2,
            parcel.deduction_m2,
            parcel.deduction_rate,
            parcel.source,
            parcel.geometry.srid,
            parcel.geometry.wkt,
        )
        for parcel in LandCover.objects.select_related("land_use").order_by("feature_index")
    ]


def test_a_gbk_dltb_in_gauss_kruger_is_stored_as_read_feature_by_feature(
    huangshan, tmp_path, monkeypatch
):
    data = _shapefile(tmp_path, json.loads(DLTB.read_text(encoding="utf-8")))

    staged, read = _both_ways(
        monkeypatch,
        lambda: import_land_cover(
            name="DLTB.zip", data=data, region=huangshan, default_survey_year=2022
        ),
    )

    assert staged == read
    assert [row[2] for row in staged["stored"]] == ["01", "03", "00", "02", "05", "12"]
    assert {row[5] for row in staged["stored"]} >= {"1106", "0201K", "05H1"}
    assert any("GB18030" in note for note in staged["report"]["notes"])


def test_the_staged_file_gives_its_attributes_decoded_and_typed(huangshan, tmp_path):
    data = _shapefile(tmp_path, json.loads(DLTB.read_text(encoding="utf-8")))

    with transaction.atomic():
        staged = staging.stage("DLTB.zip", data, srid=None, layer=None, encoding=None)
        features = list(staged.features())
        staging.drop()

    assert staged.crs.srid == 4527
    assert staged.count == len(features) == 6
    assert [f.index for f in features] == [1, 2, 3, 4, 5, 6]
    assert features[2].properties["DLMC"] == "内陆滩涂"
    assert all(f.geometry is None for f in features)


def test_a_refused_staged_file_reports_what_reading_it_reports(huangshan, tmp_path, monkeypatch):
    collection = json.loads(DLTB.read_text(encoding="utf-8"))
    parcels = collection["features"]
    overlapping = json.loads(json.dumps(parcels[0]))
    overlapping["properties"]["BSM"] = "3410032022000099"
    bowtie = json.loads(json.dumps(parcels[1]))
    bowtie["geometry"]["coordinates"] = [
        [[118.2, 30.2], [118.21, 30.21], [118.21, 30.2], [118.2, 30.21], [118.2, 30.2]]
    ]
    parcels[3]["properties"]["DLBM"] = "9999"
    parcels += [overlapping, bowtie]
    data = _shapefile(tmp_path, collection)

    staged, read = _both_ways(
        monkeypatch,
        lambda: import_land_cover(
            name="DLTB.zip", data=data, region=huangshan, default_survey_year=2022
        ),
    )

    assert staged == read
    messages = {p.feature: p.message for p in staged["problems"]}
    assert "does not exist" in messages[4]
    assert "duplicates feature 7" in messages[1]
    assert "invalid geometry" in messages[8]
    assert staged["stored"] == []


def test_a_geopackage_with_text_that_is_not_utf8_is_read_feature_by_feature_and_refused(
    huangshan, tmp_path, monkeypatch
):
    package = tmp_path / "dltb.gpkg"
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", str(package), str(DLTB), "-nln", "dltb"],
        check=True,
        capture_output=True,
    )
    with sqlite3.connect(package) as database:  # GBK bytes where GeoPackage holds UTF-8
        triggers = database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (trigger,) in triggers.fetchall():
            database.execute(f'DROP TRIGGER "{trigger}"')
        database.execute("UPDATE dltb SET DLMC = CAST(x'cbaeccef' AS TEXT) WHERE fid = 1")
    staged = []
    stage = staging.stage
    monkeypatch.setattr(
        staging, "stage", lambda *a, **k: staged.append(stage(*a, **k)) or staged[-1]
    )

    with pytest.raises(ImportRejected) as refused:
        import_land_cover(
            name="dltb.gpkg",
            data=package.read_bytes(),
            region=huangshan,
            default_survey_year=2022,
        )

    assert staged == [None]
    assert "UTF-8" in str(refused.value.report)
    assert not LandCover.objects.exists()


def test_a_shapefile_ring_gdal_would_close_is_read_feature_by_feature_and_refused(
    huangshan, tmp_path, monkeypatch
):
    _shapefile(tmp_path, json.loads(DLTB.read_text(encoding="utf-8")))
    shp = tmp_path / "DLTB" / "DLTB.shp"
    content = bytearray(shp.read_bytes())
    record = 100  # the first polygon: move its last point off its first, ring left open
    parts, points = struct.unpack("<ii", content[record + 44 : record + 52])
    last = record + 52 + 4 * parts + 16 * (points - 1)
    x, y = struct.unpack("<dd", content[last : last + 16])
    content[last : last + 16] = struct.pack("<dd", x + 5.0, y)
    shp.write_bytes(bytes(content))
    staged = _staging_results(monkeypatch)

    with pytest.raises(ImportRejected) as refused:
        import_land_cover(
            name="DLTB.zip",
            data=zipped_folder(shp.parent),
            region=huangshan,
            default_survey_year=2022,
        )

    assert staged == [None]
    assert [p.feature for p in refused.value.report.problems] == [1]
    assert "no usable geometry" in refused.value.report.problems[0].message
    assert not LandCover.objects.exists()
