"""Field-shaped inputs made for the tests: zips of the corpus, Shapefiles in any CRS."""

import io
import json
import subprocess
import zipfile
from pathlib import Path

from tests.inputs import FIELD


def zipped_members(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def corpus_members(path: str) -> dict[str, bytes]:
    with zipfile.ZipFile(FIELD / path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def gbk_zones(cpg: bytes | None = None, ldid: int | None = None) -> bytes:
    members = corpus_members("01-gbk-dbf-no-cpg/zones.zip")
    if ldid is not None:
        dbf = bytearray(members["zones.dbf"])
        dbf[29] = ldid
        members["zones.dbf"] = bytes(dbf)
    if cpg is not None:
        members["zones.cpg"] = cpg
    return zipped_members(members)


SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"landuse_code": "03", "survey_year": 2022},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [118.10, 30.20],
                        [118.11, 30.20],
                        [118.11, 30.21],
                        [118.10, 30.21],
                        [118.10, 30.20],
                    ]
                ],
            },
        }
    ],
}


def ogr_square(tmp_path, target_srs: str, driver="ESRI Shapefile", name="dltb.shp", options=()):
    source = tmp_path / "square.geojson"
    source.write_text(json.dumps(SQUARE))
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            driver,
            "-s_srs",
            "EPSG:4490",
            "-t_srs",
            target_srs,
            *options,
            str(folder / name),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def zipped_folder(folder: Path) -> bytes:
    return zipped_members({p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()})
