"""Uploading zone and land-cover files through the admin."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilots.models import ImportBatch, LandCover, Zone
from tests.inputs import corpus
from tests.pilots.field import gbk_zones, ogr_square

URL = "/admin/pilots/importbatch/upload/"


def _upload(client, file_name, data, **fields):
    return client.post(
        URL,
        {"file": SimpleUploadedFile(file_name, data), **fields},
        headers={"accept-language": "en"},
    )


def test_a_good_zone_file_is_imported_and_shown(admin_client, plan):
    name, data = corpus("script_and_sql_in_names.geojson")

    response = _upload(admin_client, name, data, kind="zones", planning_version=plan.pk)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:pilots_importbatch_change", args=[batch.pk])
    assert Zone.objects.count() == 1


def test_a_rejected_file_shows_every_problem_and_writes_nothing(admin_client, huangshan):
    name, data = corpus("one_bad_among_good.geojson")

    response = _upload(admin_client, name, data, kind="land_cover", region=huangshan.pk)

    page = response.content.decode()
    assert response.status_code == 400
    assert "The file was rejected; nothing was imported." in page
    assert "Feature 10: has an invalid geometry" in page
    assert not LandCover.objects.exists()


def test_zones_need_a_planning_version(admin_client, plan):
    name, data = corpus("script_and_sql_in_names.geojson")

    response = _upload(admin_client, name, data, kind="zones")

    assert "Choose the planning version to import into." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_changelist_links_to_the_upload(admin_client, db):
    page = admin_client.get(reverse("admin:pilots_importbatch_changelist")).content.decode()

    assert URL in page


@pytest.fixture
def clerk(client, db):
    user = User.objects.create_user("clerk", password="pw-long-enough-1", is_staff=True)
    client.force_login(user)
    return user


def test_staff_without_import_permission_is_refused(client, clerk):
    assert client.get(URL).status_code == 403


def test_permission_for_land_cover_does_not_allow_zones(client, clerk, plan):
    clerk.user_permissions.add(Permission.objects.get(codename="add_landcover"))
    name, data = corpus("script_and_sql_in_names.geojson")

    response = _upload(client, name, data, kind="zones", planning_version=plan.pk)

    assert response.status_code == 403
    assert not Zone.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_gbk_shapefile_with_a_wrong_cpg_is_refused_then_taken_with_the_encoding_chosen(
    admin_client, plan
):
    data = gbk_zones(b"UTF-8")

    refused = _upload(admin_client, "zones.zip", data, kind="zones", planning_version=plan.pk)
    accepted = _upload(
        admin_client, "zones.zip", data, kind="zones", planning_version=plan.pk, encoding="gb18030"
    )

    assert refused.status_code == 400
    assert "is not UTF-8 text, as the .cpg file says" in refused.content.decode()
    assert accepted.status_code == 302
    assert sorted(Zone.objects.values_list("name", flat=True)) == [
        "永久基本农田-黄山区-谭家桥",
        "生态保护红线-黄山区-汤口",
    ]


def test_a_multi_layer_geopackage_is_imported_by_the_layer_chosen(
    admin_client, huangshan, tmp_path
):
    folder = ogr_square(
        tmp_path, "EPSG:4490", driver="GPKG", name="s.gpkg", options=["-nln", "DLTB"]
    )
    ogr_square(
        tmp_path, "EPSG:4490", driver="GPKG", name="s.gpkg", options=["-update", "-nln", "XZQ"]
    )
    data = (folder / "s.gpkg").read_bytes()
    fields = {"kind": "land_cover", "region": huangshan.pk, "scheme": "third-survey"}

    unchosen = _upload(admin_client, "s.gpkg", data, **fields)
    chosen = _upload(admin_client, "s.gpkg", data, layer="DLTB", **fields)

    assert unchosen.status_code == 400
    assert "has 2 layers: DLTB (1 features), XZQ (1 features)" in unchosen.content.decode()
    assert chosen.status_code == 302
    assert LandCover.objects.count() == 1
