"""GeoPackage and zipped Shapefile go through GDAL; built here with ogr2ogr from GeoJSON."""

import json
import subprocess
import zipfile

import pytest

from pilots.imports import ImportRejected, import_land_cover, import_zones
from pilots.models import LandCover, Zone


def _features(*properties):
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [118.30 + i * 0.03, 29.9],
                            [118.32 + i * 0.03, 29.9],
                            [118.32 + i * 0.03, 29.92],
                            [118.30 + i * 0.03, 29.92],
                            [118.30 + i * 0.03, 29.9],
                        ]
                    ],
                },
            }
            for i, props in enumerate(properties)
        ],
    }


def _convert(tmp_path, document, driver, name, srs="EPSG:4490", options=()):
    source = tmp_path / "source.geojson"
    source.write_text(json.dumps(document))
    target = tmp_path / name
    subprocess.run(
        ["ogr2ogr", "-f", driver, "-a_srs", srs, *options, str(target), str(source)],
        check=True,
        capture_output=True,
    )
    return target


def test_geopackage_land_cover_is_imported(huangshan, tmp_path):
    document = _features(
        {"landuse_code": "03", "scheme": "third-survey", "survey_year": 2021},
        {"landuse_code": "11", "scheme": "third-survey", "survey_year": 2021},
    )
    path = _convert(tmp_path, document, "GPKG", "cover.gpkg")

    import_land_cover(name=path.name, data=path.read_bytes(), region=huangshan)

    assert sorted(LandCover.objects.values_list("land_use__code", flat=True)) == ["03", "11"]


def test_zipped_shapefile_zones_are_imported(plan, tmp_path):
    document = _features({"name": "红线", "kind": "ecological_red_line"})
    folder = tmp_path / "shp"
    folder.mkdir()
    _convert(folder, document, "ESRI Shapefile", "zones.shp", options=["-lco", "ENCODING=UTF-8"])
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in folder.glob("zones.*"):
            bundle.write(part, part.name)

    import_zones(name="zones.zip", data=archive.read_bytes(), planning_version=plan)

    assert Zone.objects.get().name == "红线"


def test_geopackage_in_an_unaccepted_crs_is_refused(huangshan, tmp_path):
    document = _features({"landuse_code": "03", "scheme": "third-survey", "survey_year": 2021})
    path = _convert(tmp_path, document, "GPKG", "utm.gpkg", srs="EPSG:32650")

    with pytest.raises(ImportRejected, match="uses EPSG:32650"):
        import_land_cover(name=path.name, data=path.read_bytes(), region=huangshan)
    assert not LandCover.objects.exists()


def test_a_zip_without_a_shapefile_is_refused(plan, tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("readme.txt", "no shapefile here")

    with pytest.raises(ImportRejected, match="must hold one dataset"):
        import_zones(name="empty.zip", data=archive.read_bytes(), planning_version=plan)


def test_an_unsupported_format_is_named(plan):
    with pytest.raises(ImportRejected, match=r"unsupported format \.kml"):
        import_zones(name="zones.kml", data=b"<kml/>", planning_version=plan)
