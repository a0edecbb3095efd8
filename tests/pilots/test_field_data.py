"""Files shaped like what natural-resources departments hand over (tests/data/field/README.md).

Each corpus file is imported as its README says (zones into an unpublished planning
version of 黄山区 341003, land cover into 黄山市 341000 in the third-survey scheme) and
its figure asserted; the other tests make inputs of the same kinds.
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from pilots import overlaps
from pilots.geometry import STORAGE_SRID
from pilots.imports import ImportRejected, import_land_cover, import_zones
from pilots.models import ImportBatch, LandCover, PlanningVersion, Region, Zone
from tests.pilots.field import (
    FIELD,
    SQUARE,
    corpus_members,
    gbk_zones,
    ogr_square,
    zipped_folder,
    zipped_members,
)

HA = Decimal("0.01")  # the README: a result within 0.01 ha is right


def _field(path: str) -> tuple[str, bytes]:
    return Path(path).name, (FIELD / path).read_bytes()


def _hectares(area_km2: Decimal) -> Decimal:
    return area_km2 * 100


@pytest.fixture
def county_plan(xinan):
    """An unpublished planning version of 黄山区 (341003)."""
    return PlanningVersion.objects.create(
        region=Region.objects.get(code="341003"),
        name="国土空间总体规划",
        version=1,
        effective_from=date(2021, 1, 1),
    )


@pytest.mark.parametrize("file_name", ["zones.zip", "zones_ldid87.zip"])
def test_gbk_dbf_without_a_code_page_is_read_as_gbk(county_plan, file_name):
    name, data = _field(f"01-gbk-dbf-no-cpg/{file_name}")

    batch = import_zones(name=name, data=data, planning_version=county_plan)

    zones = {z.name: z for z in Zone.objects.all()}
    assert sorted(zones) == ["永久基本农田-黄山区-谭家桥", "生态保护红线-黄山区-汤口"]
    for zone in zones.values():
        assert abs(_hectares(zone.area_km2) - Decimal("51.2363")) <= HA
    assert any("GB18030" in note for note in batch.report["notes"])


@pytest.mark.parametrize("file_name", ["dltb_esri.zip", "dltb_cgcs.zip"])
def test_cgcs2000_prj_is_recognised_by_its_parameters_under_either_naming(huangshan, file_name):
    name, data = _field(f"05-prj-cgcs2000-names/{file_name}")

    import_land_cover(name=name, data=data, region=huangshan, default_scheme="third-survey")

    parcel = LandCover.objects.get()
    assert abs(_hectares(parcel.area_km2) - Decimal("51.2322")) <= HA
    # The DBF truncated survey_year to survey_yea and landuse_code to landuse_co.
    assert (parcel.land_use.code, parcel.survey_year) == ("03", 2022)


def test_polygonz_is_accepted_with_z_dropped_and_a_note(huangshan):
    name, data = _field("08-polygonz-shapefile/dltb_3d.zip")

    batch = import_land_cover(name=name, data=data, region=huangshan, default_scheme="third-survey")

    parcel = LandCover.objects.get()
    assert abs(_hectares(parcel.area_km2) - Decimal("51.2363")) <= HA
    assert not parcel.geometry.hasz
    assert any("Z (height)" in note for note in batch.report["notes"])


def test_third_survey_codes_map_to_their_working_classes(huangshan):
    name, data = _field("13-dlbm-third-survey-codes/dltb_2022.geojson")

    import_land_cover(name=name, data=data, region=huangshan, default_survey_year=2022)

    parcels = {p.survey_code: p for p in LandCover.objects.select_related("land_use")}
    assert {code: p.land_use.code for code, p in parcels.items()} == {
        "0101": "01",
        "0301": "03",
        "1106": "00",
        "0201K": "02",
        "05H1": "05",
        "1203": "12",
    }
    assert {p.land_use.scheme for p in parcels.values()} == {"third-survey"}
    assert parcels["1106"].land_use.name_zh == "湿地"
    assert parcels["0201K"].survey_code_suffix == "K"
    assert parcels["0101"].survey_code_suffix == ""
    for code, expected in [("0101", "51.2363"), ("0301", "51.2363"), ("1106", "51.2363")]:
        assert abs(_hectares(parcels[code].area_km2) - Decimal(expected)) <= HA
    for code in ["0201K", "05H1", "1203"]:
        assert abs(_hectares(parcels[code].area_km2) - Decimal("51.2322")) <= HA
    first = parcels["0101"]
    assert (first.identifier, first.located_in, first.owned_by) == (
        "3410032022000000",
        "341003100001",
        "341003100001",
    )


# Inputs of the same kinds, made here.


@pytest.mark.parametrize(
    ("cpg", "ldid"),
    [(b"GBK", None), (b"936", None), (b"ANSI 936", None), (None, 0x4D), (None, 0x7A)],
)
def test_a_declared_chinese_code_page_is_used(county_plan, cpg, ldid):
    import_zones(name="zones.zip", data=gbk_zones(cpg, ldid), planning_version=county_plan)

    assert "生态保护红线-黄山区-汤口" in set(Zone.objects.values_list("name", flat=True))


def test_a_cpg_that_contradicts_the_bytes_is_refused_naming_the_field(county_plan):
    with pytest.raises(ImportRejected) as refused:
        import_zones(name="zones.zip", data=gbk_zones(b"UTF-8"), planning_version=county_plan)

    message = str(refused.value.report)
    assert "Field name of feature 1 is not UTF-8 text, as the .cpg file says" in message
    assert "生态保护红线-黄山区-汤口" in message  # what the bytes read as in GBK
    assert ".cpg file holding UTF-8 or GBK" in message
    assert not Zone.objects.exists()


def test_a_single_byte_code_page_over_chinese_text_is_refused_not_garbled(county_plan):
    with pytest.raises(ImportRejected, match=r"multi-byte text.*1252"):
        import_zones(name="zones.zip", data=gbk_zones(ldid=0x03), planning_version=county_plan)
    assert not Zone.objects.exists()


def test_the_encoding_chosen_by_the_user_overrides_a_wrong_cpg(county_plan):
    import_zones(
        name="zones.zip",
        data=gbk_zones(b"UTF-8"),
        planning_version=county_plan,
        encoding="GBK",
    )

    assert Zone.objects.count() == 2


def test_bytes_that_are_neither_utf8_nor_gbk_are_refused(county_plan):
    members = corpus_members("01-gbk-dbf-no-cpg/zones.zip")
    dbf = members["zones.dbf"]
    start = dbf.index("生".encode("gb18030"))
    members["zones.dbf"] = dbf[:start] + b"\xff\xff" + dbf[start + 2 :]

    with pytest.raises(ImportRejected, match=r"neither UTF-8 nor GBK/GB18030.*--encoding"):
        import_zones(name="zones.zip", data=zipped_members(members), planning_version=county_plan)


# Coordinate systems.


def _degrees_area(region) -> Decimal:
    import_land_cover(
        name="square.geojson",
        data=json.dumps(
            SQUARE | {"crs": {"type": "name", "properties": {"name": "EPSG:4490"}}}
        ).encode(),
        region=region,
        default_scheme="third-survey",
    )
    return LandCover.objects.get().area_km2


@pytest.mark.parametrize(
    "srid",
    [4527, 4548, 4498, 4509],  # 3° zone 39 prefixed, 3° CM 117E, 6° zone 20 prefixed, 6° CM 117E
)
def test_each_gauss_kruger_variant_gives_the_hectares_of_the_same_land_in_degrees(
    huangshan, tmp_path, srid
):
    expected = _degrees_area(huangshan)
    LandCover.objects.all().delete()
    data = zipped_folder(ogr_square(tmp_path, f"EPSG:{srid}"))

    import_land_cover(name="dltb.zip", data=data, region=huangshan, default_scheme="third-survey")

    assert abs(LandCover.objects.get().area_km2 - expected) <= Decimal("0.000001")


ESRI_GK39 = (
    'PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],'
    'PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
XIAN80_GK = ESRI_GK39.replace("CGCS2000_3_Degree", "Xian_1980_3_Degree").replace(
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]]',
    'DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]]',
)


def _with_prj(folder: Path, prj: str) -> bytes:
    (folder / "dltb.prj").write_text(prj)
    return zipped_folder(folder)


def test_an_arcgis_named_gauss_kruger_prj_is_recognised(huangshan, tmp_path):
    data = _with_prj(ogr_square(tmp_path, "EPSG:4527"), ESRI_GK39)

    import_land_cover(name="dltb.zip", data=data, region=huangshan, default_scheme="third-survey")

    assert LandCover.objects.count() == 1


def test_srid_contradicting_the_prj_is_refused_naming_both(huangshan, tmp_path):
    data = zipped_folder(ogr_square(tmp_path, "EPSG:4527"))

    with pytest.raises(ImportRejected) as refused:
        import_land_cover(name="dltb.zip", data=data, region=huangshan, srid=4490)

    message = str(refused.value.report)
    assert "You declared EPSG:4490 (CGCS2000)" in message
    assert "EPSG:4527 (CGCS2000 / 3-degree Gauss-Kruger zone 39)" in message


def test_zone_prefixed_x_under_a_system_without_the_prefix_is_refused_with_the_cause(
    huangshan, tmp_path
):
    folder = ogr_square(tmp_path, "EPSG:4527")
    (folder / "dltb.prj").unlink()

    with pytest.raises(ImportRejected) as refused:
        import_land_cover(name="dltb.zip", data=zipped_folder(folder), region=huangshan, srid=4548)

    message = str(refused.value.report)
    assert "carry the zone number 39 in front" in message
    assert "EPSG:4527" in message
    assert not LandCover.objects.exists()


def test_metres_declared_as_degrees_are_refused_with_the_likely_system(huangshan, tmp_path):
    folder = ogr_square(tmp_path, "EPSG:4527")
    (folder / "dltb.prj").unlink()

    with pytest.raises(ImportRejected, match=r"are metres, but EPSG:4490.*zone 39"):
        import_land_cover(name="dltb.zip", data=zipped_folder(folder), region=huangshan, srid=4490)


def test_xian_1980_is_refused_because_it_needs_a_datum_transformation(huangshan, tmp_path):
    data = _with_prj(ogr_square(tmp_path, "EPSG:4527"), XIAN80_GK)

    with pytest.raises(ImportRejected, match=r"Xi'an 1980 datum.*datum transformation"):
        import_land_cover(name="dltb.zip", data=data, region=huangshan)


def test_beijing_1954_by_code_is_refused_the_same_way(huangshan):
    with pytest.raises(ImportRejected, match="Beijing 1954 datum"):
        import_land_cover(
            name="dltb.geojson",
            data=json.dumps(SQUARE).encode(),
            region=huangshan,
            srid=4214,
        )


def test_an_unmatched_prj_is_quoted(huangshan, tmp_path):
    data = zipped_folder(ogr_square(tmp_path, "EPSG:32650"))

    with pytest.raises(ImportRejected, match=r"matches none accepted .*«PROJCS\[\"WGS_1984_UTM"):
        import_land_cover(name="dltb.zip", data=data, region=huangshan)


# Layers.


def test_a_multi_layer_geopackage_lists_its_layers_and_takes_one_by_name(huangshan, tmp_path):
    folder = ogr_square(
        tmp_path, "EPSG:4490", driver="GPKG", name="survey.gpkg", options=["-nln", "DLTB"]
    )
    ogr_square(
        tmp_path, "EPSG:4490", driver="GPKG", name="survey.gpkg", options=["-update", "-nln", "XZQ"]
    )
    data = (folder / "survey.gpkg").read_bytes()

    with pytest.raises(ImportRejected, match=r"has 2 layers: DLTB \(1 features\), XZQ"):
        import_land_cover(name="survey.gpkg", data=data, region=huangshan)
    with pytest.raises(ImportRejected, match="has no layer 'LCXZ'"):
        import_land_cover(name="survey.gpkg", data=data, region=huangshan, layer="LCXZ")

    import_land_cover(
        name="survey.gpkg",
        data=data,
        region=huangshan,
        layer="DLTB",
        default_scheme="third-survey",
    )
    assert LandCover.objects.count() == 1


def test_a_zipped_file_geodatabase_is_read(huangshan, tmp_path):
    folder = ogr_square(
        tmp_path, "EPSG:4527", driver="OpenFileGDB", name="survey.gdb", options=["-nln", "DLTB"]
    )
    members = {f"survey.gdb/{p.name}": p.read_bytes() for p in (folder / "survey.gdb").iterdir()}

    import_land_cover(
        name="survey.zip",
        data=zipped_members(members),
        region=huangshan,
        default_scheme="third-survey",
    )

    assert LandCover.objects.count() == 1


# 三调 attributes.


def _dltb(**properties) -> bytes:
    feature = json.loads(json.dumps(SQUARE["features"][0]))
    feature["properties"] = {"DLBM": "0101", "BSM": "1"} | properties
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_tbmj_far_from_the_measured_area_is_reported_per_feature(huangshan):
    batch = import_land_cover(
        name="dltb.geojson",
        data=_dltb(TBMJ=1000.0, KCMJ=100.0, KCDLBM="1203", KCXS=0.1),
        region=huangshan,
        default_survey_year=2022,
    )

    parcel = LandCover.objects.get()
    assert (parcel.official_area_m2, parcel.deduction_m2, parcel.deduction_code) == (
        Decimal("1000.00"),
        Decimal("100.00"),
        "1203",
    )
    assert parcel.deduction_rate == Decimal("0.1000")
    assert any("feature 1: TBMJ 1000.00 m²" in note for note in batch.report["notes"])


def test_kcmj_above_tbmj_and_inconsistent_tbdlmj_are_refused(huangshan):
    with pytest.raises(ImportRejected, match=r"KCMJ 2000\.00 m² is more than TBMJ 1000\.00 m²"):
        import_land_cover(
            name="a.geojson",
            data=_dltb(TBMJ=1000, KCMJ=2000),
            region=huangshan,
            default_survey_year=2022,
        )
    with pytest.raises(ImportRejected, match=r"TBDLMJ 950\.00 m² is not TBMJ"):
        import_land_cover(
            name="b.geojson",
            data=_dltb(TBMJ=1000, KCMJ=100, TBDLMJ=950),
            region=huangshan,
            default_survey_year=2022,
        )
    assert not LandCover.objects.exists()


@pytest.mark.parametrize("value", ["1e400", "NaN", "-5", "99999999999999999", "abc"])
def test_out_of_range_survey_numbers_are_refused_per_feature(huangshan, value):
    with pytest.raises(ImportRejected, match=f"feature 1: TBMJ '{value}' is not a number"):
        import_land_cover(
            name="c.geojson", data=_dltb(TBMJ=value), region=huangshan, default_survey_year=2022
        )


def test_an_unknown_dlbm_suffix_is_refused(huangshan):
    with pytest.raises(ImportRejected, match="land-use code '0101X' does not exist"):
        import_land_cover(
            name="d.geojson", data=_dltb(DLBM="0101X"), region=huangshan, default_survey_year=2022
        )


@pytest.mark.parametrize(
    "properties",
    [{"KCDLBM": "0102", "KCMJ": 10, "TBMJ": 1000}, {"KCMJ": 10, "TBMJ": 1000}, {"KCXS": 0.1}],
)
def test_a_deduction_other_than_field_ridges_is_refused(huangshan, properties):
    with pytest.raises(ImportRejected, match="deducts only 1203 田坎"):
        import_land_cover(
            name="e.geojson", data=_dltb(**properties), region=huangshan, default_survey_year=2022
        )


# Overlaps within a survey and between zones, found at import.


def _parcels(*squares) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"DLBM": "0301"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]],
            },
        }
        for x, y, s in squares
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_overlapping_and_duplicated_parcels_are_refused_naming_feature_numbers(huangshan):
    data = _parcels(
        (118.10, 30.20, 0.01),
        (118.12, 30.20, 0.01),
        (118.12, 30.20, 0.01),  # a duplicate of feature 2
        (118.1098, 30.2098, 0.01),  # overlaps feature 1 in a 0.0002° square, about 427 m²
    )

    with pytest.raises(ImportRejected) as refused:
        import_land_cover(
            name="dltb.geojson", data=data, region=huangshan, default_survey_year=2022
        )

    problems = [(p.feature, p.message) for p in refused.value.report.problems]
    assert (2, "duplicates feature 3") in problems
    [message] = [m for feature, m in problems if feature == 1]
    assert message.startswith("overlaps feature 4 by ")
    assert "m² near 118.10" in message
    area = Decimal(message.split("by ")[1].split(" m²")[0])
    assert Decimal(400) < area < Decimal(450)
    assert not LandCover.objects.exists()


def test_a_parcel_overlapping_one_already_stored_for_the_survey_is_refused(huangshan):
    import_land_cover(
        name="a.geojson",
        data=_parcels((118.10, 30.20, 0.01)),
        region=huangshan,
        default_survey_year=2022,
    )
    stored = LandCover.objects.get()

    with pytest.raises(ImportRejected, match=f"parcel #{stored.pk} already imported"):
        import_land_cover(
            name="b.geojson",
            data=_parcels((118.105, 30.20, 0.01)),
            region=huangshan,
            default_survey_year=2022,
        )
    import_land_cover(
        name="c.geojson",
        data=_parcels((118.105, 30.20, 0.01)),
        region=huangshan,
        default_survey_year=2023,
    )
    assert LandCover.objects.count() == 2


def test_a_parcel_file_accepted_alone_is_marked_checked_for_overlaps(huangshan):
    batch = import_land_cover(
        name="a.geojson",
        data=_parcels((118.10, 30.20, 0.01)),
        region=huangshan,
        default_survey_year=2022,
    )

    assert batch.overlaps_checked


def test_a_file_accepted_for_the_region_during_the_check_leaves_the_batch_unchecked(
    huangshan, monkeypatch
):
    checked = overlaps.land_cover_overlaps

    def with_another_file_accepted(rows, region_id):
        ImportBatch.objects.create(
            kind=ImportBatch.Kind.LAND_COVER,
            file_name="concurrent.zip",
            file_sha256="0" * 64,
            target=f"region:{huangshan.code}",
            status=ImportBatch.Status.ACCEPTED,
        )
        return checked(rows, region_id)

    monkeypatch.setattr(overlaps, "land_cover_overlaps", with_another_file_accepted)

    batch = import_land_cover(
        name="a.geojson",
        data=_parcels((118.10, 30.20, 0.01)),
        region=huangshan,
        default_survey_year=2022,
    )

    assert not batch.overlaps_checked


def test_the_database_and_python_paths_find_the_same_overlaps(huangshan, county_plan):
    def polygon(x, y, size):
        ring = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]
        return MultiPolygon(Polygon(ring), srid=STORAGE_SRID)

    parcels = [
        LandCover(feature_index=i, survey_year=2022, geometry=polygon(x, y, s))
        for i, (x, y, s) in enumerate(
            [(118.10, 30.20, 0.01), (118.105, 30.205, 0.01), (118.13, 30.2, 0.01)], 1
        )
    ]
    zones = [
        Zone(feature_index=i, kind=kind, geometry=polygon(118.10 + d, 30.20, 0.01))
        for i, (kind, d) in enumerate(
            [("ecological_red_line", 0), ("urbanised_area", 0.005), ("urbanised_area", 0.02)], 1
        )
    ]

    def pairs(found):
        return [(p.feature, p.other_feature, round(p.m2)) for p in found]

    region = Region.objects.get(code="341003")
    assert pairs(overlaps.land_cover_overlaps(parcels, region.pk)) == pairs(
        overlaps.land_cover_overlaps_in_python(parcels, region.pk)
    )
    assert pairs(overlaps.land_cover_overlaps(parcels, region.pk))[0][:2] == (1, 2)
    assert pairs(overlaps.zone_overlaps(zones, county_plan.pk)) == pairs(
        overlaps.zone_overlaps_in_python(zones, county_plan.pk)
    )
    assert [p[:2] for p in pairs(overlaps.zone_overlaps(zones, county_plan.pk))] == [(2, 1)]


def test_a_prj_naming_a_file_is_refused_not_followed(huangshan, tmp_path):
    """GDAL before 3.9 opens a file named as "user input"; a .prj is only ever parsed as WKT."""
    elsewhere = tmp_path / "elsewhere.prj"
    elsewhere.write_text(ESRI_GK39)
    data = _with_prj(ogr_square(tmp_path, "EPSG:4527"), str(elsewhere))

    with pytest.raises(ImportRejected, match="declares a coordinate system that cannot be read"):
        import_land_cover(name="dltb.zip", data=data, region=huangshan)
