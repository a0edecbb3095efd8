"""Pages that show land cover or figures computed from it say so when it is synthetic.

Not in a tooltip: the label 合成演示数据 (synthetic demo data) is on the page itself, in
the portal (dashboard, region page, evaluation) and in the admin (land-cover list and
parcel, valuation list and detail, sink report).
"""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import MultiPolygon
from django.urls import reverse

from compensation.models import Valuation
from pilots.geometry import area_km2
from pilots.models import LandCover, LandUseClass, Region

LABEL = "合成演示数据"


@pytest.fixture
def superuser(client, world):
    client.force_login(User.objects.create_superuser("root", password="root-pw-2026"))
    return client


def _pages(world):
    valuation = Valuation.objects.filter(current=True).order_by("-year").first()
    cover = LandCover.objects.get()
    return [
        reverse("portal:dashboard", args=[valuation.programme_id]),
        reverse("portal:region", args=[world["own"]]),
        reverse("supervision:evaluation", args=[world["own"], valuation.year]),
        reverse("admin:pilots_landcover_changelist"),
        reverse("admin:pilots_landcover_change", args=[cover.pk]),
        reverse("admin:compensation_valuation_changelist"),
        reverse("admin:compensation_valuation_change", args=[valuation.pk]),
        reverse("admin:compensation_sink_report"),
    ]


def _cover(code, *, synthetic):
    region = Region.objects.get(code=code)
    square = MultiPolygon(region.geometry.point_on_surface.buffer(0.01), srid=4490)
    return LandCover.objects.create(
        region=region,
        land_use=LandUseClass.objects.get(scheme="third-survey", code="03"),
        survey_year=date.today().year - 1,
        source="test",
        synthetic=synthetic,
        geometry=square,
        area_km2=area_km2(square),
    )


def _shown(client, url):
    response = client.get(url, headers={"accept-language": "zh-hans"})
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_page_labels_figures_from_synthetic_land_cover(superuser, world):
    _cover(world["own"], synthetic=True)

    for url in _pages(world):
        assert LABEL in _shown(superuser, url), url


def test_no_page_shows_the_label_for_surveyed_land_cover(superuser, world):
    _cover(world["own"], synthetic=False)

    for url in _pages(world):
        assert LABEL not in _shown(superuser, url), url
