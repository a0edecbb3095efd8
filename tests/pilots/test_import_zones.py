import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from pilots.imports import ImportRejected, import_land_cover, import_zones
from pilots.models import ImportBatch, LandCover, PlanningVersion, Zone


def _square(x, y, size=0.02):
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def _geojson(*features, crs=None):
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": coordinates},
            }
            for properties, coordinates in features
        ],
    }
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


RED_LINE = {"name": "红线", "kind": "ecological_red_line"}
URBAN = {"name": "城区", "kind": "urban_development_boundary"}


def test_zones_are_imported_whole_with_area_and_batch(plan):
    data = _geojson((RED_LINE, _square(118.30, 29.90)), (URBAN, _square(118.40, 29.90)))

    batch = import_zones(name="zones.geojson", data=data, planning_version=plan)

    zones = list(Zone.objects.order_by("feature_index"))
    assert [(z.kind, z.protected, z.feature_index) for z in zones] == [
        ("ecological_red_line", True, 1),
        ("urban_development_boundary", False, 2),
    ]
    assert 4.0 < zones[0].area_km2 < 4.5  # 0.02° × 0.02° at 30° N
    assert batch.status == ImportBatch.Status.ACCEPTED
    assert batch.features == 2


def test_overlapping_protected_and_developed_zones_are_refused_with_the_area(plan):
    data = _geojson((RED_LINE, _square(118.30, 29.90)), (URBAN, _square(118.31, 29.90)))

    with pytest.raises(ImportRejected) as rejected:
        import_zones(name="zones.geojson", data=data, planning_version=plan)

    problem = rejected.value.report.problems[0]
    assert problem.feature == 2
    assert problem.message == (
        "urban development boundary overlaps ecological red line (feature 1) by 2.141 km²"
    )
    assert not Zone.objects.exists()


def test_overlap_with_zones_already_in_the_version_is_refused(plan):
    import_zones(
        name="a.geojson", data=_geojson((RED_LINE, _square(118.30, 29.90))), planning_version=plan
    )

    with pytest.raises(ImportRejected, match=r"existing zone #\d+"):
        import_zones(
            name="b.geojson", data=_geojson((URBAN, _square(118.31, 29.90))), planning_version=plan
        )
    assert Zone.objects.count() == 1


def test_zones_that_only_touch_are_accepted(plan):
    data = _geojson((RED_LINE, _square(118.30, 29.90)), (URBAN, _square(118.32, 29.90)))

    import_zones(name="zones.geojson", data=data, planning_version=plan)

    assert Zone.objects.count() == 2


def test_database_refuses_overlap_inserted_with_raw_sql(plan):
    import_zones(
        name="a.geojson", data=_geojson((RED_LINE, _square(118.30, 29.90))), planning_version=plan
    )

    with (
        pytest.raises(DatabaseError, match="PILOTS_OVERLAP"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO pilots_zone (planning_version_id, region_id, kind, name, geometry, "
            "area_km2) SELECT planning_version_id, region_id, 'urbanised_area', 'raw', "
            "ST_Translate(geometry, 0.01, 0), 1 FROM pilots_zone"
        )
    assert Zone.objects.count() == 1


def test_the_same_file_twice_is_refused_as_a_duplicate(plan):
    data = _geojson((RED_LINE, _square(118.30, 29.90)))
    first = import_zones(name="zones.geojson", data=data, planning_version=plan)

    with pytest.raises(ImportRejected, match=f"already imported .* as batch #{first.pk}"):
        import_zones(name="renamed.geojson", data=data, planning_version=plan)
    assert Zone.objects.count() == 1


def test_published_version_refuses_imports_and_changes(plan):
    import_zones(
        name="a.geojson", data=_geojson((RED_LINE, _square(118.30, 29.90))), planning_version=plan
    )
    plan.published = True
    plan.save()

    with pytest.raises(ImportRejected, match="is published; import into a new version"):
        import_zones(
            name="b.geojson", data=_geojson((URBAN, _square(118.50, 29.90))), planning_version=plan
        )
    with pytest.raises(DatabaseError, match="PILOTS_PUBLISHED"), transaction.atomic():
        Zone.objects.update(name="edited")
    with pytest.raises(DatabaseError, match="PILOTS_PUBLISHED"), transaction.atomic():
        PlanningVersion.objects.filter(pk=plan.pk).update(published=False)


def test_field_mapping_reads_other_column_names(plan):
    data = _geojson(
        ({"NAME_CN": "水源地", "ZONE_TYPE": "ecological_function_area"}, _square(118.30, 29.90))
    )

    import_zones(
        name="z.geojson",
        data=data,
        planning_version=plan,
        field_map={"name": "NAME_CN", "kind": "ZONE_TYPE"},
    )

    assert Zone.objects.get().name == "水源地"


def test_web_mercator_declared_as_such_is_reprojected(plan):
    x, y = 13171000.0, 3487000.0  # about 118.32° E, 29.9° N
    coordinates = [[[x, y], [x + 2000, y], [x + 2000, y + 2000], [x, y + 2000], [x, y]]]
    data = _geojson((RED_LINE, coordinates), crs="urn:ogc:def:crs:EPSG::3857")

    import_zones(name="z.geojson", data=data, planning_version=plan)

    zone = Zone.objects.get()
    assert zone.geometry.srid == 4490
    assert 118.3 < zone.geometry.centroid.x < 118.35


def test_an_unaccepted_crs_is_refused_by_name(plan):
    data = _geojson((RED_LINE, _square(118.30, 29.90)), crs="EPSG:32650")

    with pytest.raises(ImportRejected, match="uses EPSG:32650; accepted are EPSG:4490"):
        import_zones(name="z.geojson", data=data, planning_version=plan)


def test_land_cover_import_with_defaults_and_scheme(huangshan):
    data = _geojson(
        ({"landuse_code": "3"}, _square(118.30, 29.90)),
        ({"landuse_code": "00"}, _square(118.40, 29.90)),
    )

    import_land_cover(
        name="lc.geojson",
        data=data,
        region=huangshan,
        default_scheme="third-survey",
        default_survey_year=2022,
        source="三调",
    )

    rows = list(LandCover.objects.order_by("feature_index"))
    assert [(r.land_use.code, r.land_use.name_zh, r.survey_year) for r in rows] == [
        ("03", "林地", 2022),
        ("00", "湿地", 2022),
    ]


def test_commands_report_success_and_rejection(plan, tmp_path, capsys):
    good = tmp_path / "good.geojson"
    good.write_bytes(_geojson((RED_LINE, _square(118.30, 29.90))))
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(_geojson((URBAN, _square(118.31, 29.90))))

    call_command("import_zones", str(good), "--planning-version", str(plan.pk))
    with pytest.raises(CommandError, match=r"bad\.geojson was rejected; nothing was imported"):
        call_command("import_zones", str(bad), "--planning-version", str(plan.pk))

    assert "Imported 1 zone(s) from good.geojson" in capsys.readouterr().out
    assert Zone.objects.count() == 1


def test_land_cover_command_needs_a_loaded_region(db, tmp_path):
    path = tmp_path / "lc.geojson"
    path.write_bytes(_geojson(({"landuse_code": "03"}, _square(118.30, 29.90))))

    with pytest.raises(CommandError, match="Region 341000 is not loaded"):
        call_command("import_landcover", str(path), "--region", "341000")


def test_land_cover_command_marks_a_synthetic_file_so(huangshan, tmp_path):
    real = tmp_path / "survey.geojson"
    real.write_bytes(_geojson(({"landuse_code": "03"}, _square(118.30, 29.90))))
    made_up = tmp_path / "demo.geojson"
    made_up.write_bytes(_geojson(({"landuse_code": "03"}, _square(118.40, 29.90))))
    options = ["--region", "341000", "--scheme", "third-survey", "--survey-year", "2023"]

    call_command("import_landcover", str(real), *options)
    call_command("import_landcover", str(made_up), *options, "--synthetic")

    assert dict(LandCover.objects.values_list("source", "synthetic")) == {
        "survey.geojson": False,
        "demo.geojson": True,
    }


def test_versions_keep_history(plan):
    import_zones(
        name="v1.geojson", data=_geojson((RED_LINE, _square(118.30, 29.90))), planning_version=plan
    )
    plan.published = True
    plan.save()
    v2 = PlanningVersion.objects.create(
        region=plan.region, name=plan.name, version=2, effective_from=date(2025, 1, 1)
    )

    import_zones(
        name="v2.geojson",
        data=_geojson((RED_LINE, _square(118.30, 29.90, 0.03))),
        planning_version=v2,
    )

    assert plan.zones.get().area_km2 < v2.zones.get().area_km2
