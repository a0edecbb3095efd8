"""Coordinate systems are named as the reader's GIS software names them."""

from django.utils import translation

from pilots.crs import ACCEPTED
from pilots.forms import SpatialUploadForm


def test_a_gauss_kruger_zone_reads_in_chinese_and_by_its_epsg_name_in_english():
    with translation.override("zh-hans"):
        chinese = [ACCEPTED[srid].label for srid in (4527, 4548, 4491, 4502, 3857, 4490)]
    with translation.override("en"):
        english = ACCEPTED[4527].label

    assert chinese == [
        "EPSG:4527 (CGCS2000 高斯-克吕格 3度带 第39带（X 含带号）)",
        "EPSG:4548 (CGCS2000 高斯-克吕格 3度带 中央经线 117°E)",
        "EPSG:4491 (CGCS2000 高斯-克吕格 6度带 第13带（X 含带号）)",
        "EPSG:4502 (CGCS2000 高斯-克吕格 6度带 中央经线 75°E)",
        "EPSG:3857 (网络墨卡托投影)",
        "EPSG:4490 (CGCS2000)",
    ]
    assert english == "EPSG:4527 (CGCS2000 / 3-degree Gauss-Kruger zone 39)"


def test_the_upload_form_lists_them_in_the_language_of_each_request():
    with translation.override("zh-hans"):
        chinese = dict(SpatialUploadForm().fields["srid"].choices)
    with translation.override("en"):
        english = dict(SpatialUploadForm().fields["srid"].choices)

    assert chinese[4548] == "EPSG:4548 (CGCS2000 高斯-克吕格 3度带 中央经线 117°E)"
    assert english[4548] == "EPSG:4548 (CGCS2000 / 3-degree Gauss-Kruger CM 117E)"
