"""The import commands say how far a long import has got: features read, checked, written."""

import subprocess
import zipfile

import pytest
from django.core.management import CommandError, call_command

from pilots import imports
from pilots.models import LandCover, Zone

DLTB = "tests/data/field/13-dlbm-third-survey-codes/dltb_2022.geojson"


def _zipped_shapefile(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", str(folder / "DLTB.shp"), DLTB],
        check=True,
        capture_output=True,
    )
    archive = tmp_path / "DLTB.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for member in folder.iterdir():
            zipped.write(member, member.name)
    return archive


def _lines(output: str, step: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith(f"{step}:")]


def test_land_cover_command_prints_progress_every_so_many_features_and_at_the_end(
    huangshan, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 4)

    call_command(
        "import_landcover",
        str(_zipped_shapefile(tmp_path)),
        "--region",
        "341000",
        "--survey-year",
        "2022",
    )

    output = capsys.readouterr().out
    assert _lines(output, "read") == ["read: 4 feature(s)", "read: 6 feature(s)"]
    assert _lines(output, "checked") == ["checked: 4 feature(s)", "checked: 6 feature(s)"]
    assert _lines(output, "checked for overlaps") == ["checked for overlaps: 6 feature(s)"]
    assert _lines(output, "written") == ["written: 4 feature(s)", "written: 6 feature(s)"]
    assert output.index("read: 6") < output.index("checked: 6") < output.index("written: 6")
    assert output.index("written: 6") < output.index("Imported 6 land-cover polygon(s)")
    assert LandCover.objects.count() == 6


def test_zone_command_prints_the_counts_at_the_end_of_each_step(plan, tmp_path, capsys):
    path = tmp_path / "zones.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"kind": "ecological_red_line", "name": "A"}, "geometry": '
        '{"type": "Polygon", "coordinates": [[[118.3, 29.9], [118.301, 29.9], '
        "[118.301, 29.901], [118.3, 29.901], [118.3, 29.9]]]}}]}"
    )

    call_command("import_zones", str(path), "--planning-version", str(plan.pk))

    output = capsys.readouterr().out
    assert [line.strip() for line in output.splitlines()[:4]] == [
        "read: 1 feature(s)",
        "checked: 1 feature(s)",
        "checked for overlaps: 1 feature(s)",
        "written: 1 feature(s)",
    ]
    assert Zone.objects.count() == 1


def test_a_rejected_file_is_read_and_checked_but_nothing_is_written(plan, tmp_path, capsys):
    path = tmp_path / "zones.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"kind": "no_such_kind", "name": "A"}, "geometry": '
        '{"type": "Polygon", "coordinates": [[[118.3, 29.9], [118.301, 29.9], '
        "[118.301, 29.901], [118.3, 29.901], [118.3, 29.9]]]}}]}"
    )

    with pytest.raises(CommandError, match="was rejected"):
        call_command("import_zones", str(path), "--planning-version", str(plan.pk))

    output = capsys.readouterr().out
    assert _lines(output, "checked") == ["checked: 1 feature(s)"]
    assert _lines(output, "written") == []
