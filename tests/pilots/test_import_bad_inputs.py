"""Every file of the bad-input corpus, through both importers: a clear error, nothing written.

The one exception is script_and_sql_in_names.geojson, whose geometry is fine:
it must be accepted with its hostile name stored verbatim as text.
"""

import pytest
from django.utils import translation

from pilots.imports import ImportRejected, import_land_cover, import_zones
from pilots.models import ImportBatch, LandCover, Zone
from tests.inputs import ALL_FILES, HOSTILE_NAMES, ZONE_REFUSALS, corpus

LAND_COVER_REFUSALS = {
    "future_survey_year.geojson": (1, "survey year 2099 is outside 1980.."),
    "one_bad_among_good.geojson": (10, "invalid geometry"),
    "unknown_landuse_code.geojson": (1, "land-use code '99' does not exist in GB/T 21010-2017"),
    "script_and_sql_in_names.geojson": (1, "land-use scheme '' is unknown"),
}


def _nothing_written():
    return (
        not Zone.objects.exists()
        and not LandCover.objects.exists()
        and not ImportBatch.objects.filter(status=ImportBatch.Status.ACCEPTED).exists()
    )


@pytest.mark.parametrize("file_name", [f for f in ALL_FILES if f != HOSTILE_NAMES])
def test_zone_import_refuses_each_bad_file_and_writes_nothing(plan, file_name):
    name, data = corpus(file_name)
    feature, words = ZONE_REFUSALS[file_name]

    with pytest.raises(ImportRejected) as rejected:
        import_zones(name=name, data=data, planning_version=plan)

    problems = rejected.value.report.problems
    assert any(p.feature == feature and words in p.message for p in problems), problems
    assert rejected.value.batch.status == ImportBatch.Status.REJECTED
    assert _nothing_written()


@pytest.mark.parametrize("file_name", ALL_FILES)
def test_land_cover_import_refuses_each_bad_file_and_writes_nothing(huangshan, file_name):
    name, data = corpus(file_name)
    feature, words = LAND_COVER_REFUSALS.get(file_name) or ZONE_REFUSALS[file_name]
    with pytest.raises(ImportRejected) as rejected:
        import_land_cover(name=name, data=data, region=huangshan)

    problems = rejected.value.report.problems
    assert any(p.feature == feature and words in p.message for p in problems), problems
    assert _nothing_written()


def test_one_bad_feature_among_good_names_feature_ten_only(huangshan):
    name, data = corpus("one_bad_among_good.geojson")

    with pytest.raises(ImportRejected) as rejected:
        import_land_cover(name=name, data=data, region=huangshan)

    assert [p.feature for p in rejected.value.report.problems] == [10]
    assert rejected.value.report.features == 10
    assert not LandCover.objects.exists()


def test_hostile_names_are_stored_as_text(plan):
    name, data = corpus(HOSTILE_NAMES)

    import_zones(name=name, data=data, planning_version=plan)

    zone = Zone.objects.get()
    assert zone.name == "<script>alert(1)</script>'; DROP TABLE pilots_zone; --"


def test_make_valid_repairs_the_bowtie_and_says_so(plan):
    name, data = corpus("bowtie_self_intersecting.geojson")

    batch = import_zones(name=name, data=data, planning_version=plan, make_valid=True)

    zone = Zone.objects.get()
    assert zone.geometry.valid
    assert zone.geometry.num_geom == 2
    assert any("Feature 1 was repaired (Self-intersection" in n for n in batch.report["notes"])


def test_gbk_csv_is_decoded_and_imported_with_a_note(plan):
    name, data = corpus("gbk_encoded.csv")

    batch = import_zones(name=name, data=data, planning_version=plan, srid=4326)

    assert Zone.objects.get().name == "生态红线A"
    assert "read as GB18030" in batch.report["notes"][0]


def test_broken_wkt_is_named_by_row(plan):
    name, data = corpus("bad_wkt.csv")

    with pytest.raises(ImportRejected) as rejected:
        import_zones(name=name, data=data, planning_version=plan, srid=4326)

    assert rejected.value.report.problems[0].feature == 1
    assert "broken WKT" in rejected.value.report.problems[0].message
    assert not Zone.objects.exists()


def test_problems_are_reported_in_chinese_when_chinese_is_active(plan):
    name, data = corpus("null_geometry.geojson")

    with translation.override("zh-hans"), pytest.raises(ImportRejected) as rejected:
        import_zones(name=name, data=data, planning_version=plan)

    assert rejected.value.report.problems[0].message == "缺少几何图形"
