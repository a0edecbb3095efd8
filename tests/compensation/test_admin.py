"""Admin for methodologies, prices and valuations."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from compensation.demo import demo_methodology_version
from compensation.models import MethodologyVersion, SinkCoefficient, Valuation
from compensation.valuation import valuate
from config.roles import AUDITOR
from pilots.demo import load_xinan_demo
from pilots.regions import load_regions
from tests.factories import add_cover, add_zone, albers_rectangle, publish


@pytest.fixture
def valued(db):
    load_regions(prefixes=["340000", "3410", "330000", "330100", "330127"])
    programme = load_xinan_demo()
    version = demo_methodology_version()
    return valuate(programme=programme, year=2024, methodology_version=version, market="CEA")


@pytest.mark.parametrize(
    "model",
    [
        "methodology",
        "methodologyversion",
        "carbonmarket",
        "carbonprice",
        "emissioninventory",
        "valuation",
    ],
)
def test_every_changelist_renders(admin_client, valued, model):
    assert admin_client.get(reverse(f"admin:compensation_{model}_changelist")).status_code == 200


def test_a_valuation_shows_its_breakdown_and_an_offline_map(admin_client, valued):
    page = admin_client.get(
        reverse("admin:compensation_valuation_change", args=[valued.pk]),
        headers={"accept-language": "en"},
    ).content.decode()

    assert "341000 黄山市" in page
    assert "<svg" in page and "<path" in page
    assert "tCO2e/ha" in page
    assert 'name="_save"' not in page


def test_published_versions_show_no_editable_coefficients(admin_client, valued):
    version = valued.methodology_version

    page = admin_client.get(
        reverse("admin:compensation_methodologyversion_change", args=[version.pk])
    ).content
    assert b'name="coefficients-0-value"' not in page


def test_new_draft_version_copies_the_coefficients(admin_client, valued):
    version = valued.methodology_version

    admin_client.post(
        reverse("admin:compensation_methodologyversion_changelist"),
        {"action": "new_draft_version", "_selected_action": [version.pk]},
    )

    draft = MethodologyVersion.objects.get(methodology=version.methodology, version=2)
    assert draft.published is False
    assert SinkCoefficient.objects.filter(version=draft).count() == version.coefficients.count()


def test_valuations_cannot_be_deleted_in_the_admin(admin_client, valued):
    response = admin_client.post(
        reverse("admin:compensation_valuation_delete", args=[valued.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Valuation.objects.filter(pk=valued.pk).exists()


def test_an_auditor_reads_in_chinese_which_zone_overlapping_hectares_were_counted_in(
    client, huangshan_pilot, huangshan, plan, guangdong
):
    add_zone(plan, "ecological_function_area", albers_rectangle(huangshan, 0, 0, 2000, 2000))
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan, 500, 500, 1000, 1000))
    add_cover(huangshan, "03", albers_rectangle(huangshan, 0, 0, 2000, 2000))
    publish(plan)
    valuation = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )
    auditor = User.objects.create_user("auditor", password="a-long-passphrase-1", is_staff=True)
    auditor.groups.add(Group.objects.get(name=AUDITOR))
    client.force_login(auditor)

    page = client.get(
        reverse("admin:compensation_valuation_change", args=[valuation.pk]),
        headers={"accept-language": "zh-hans"},
    ).content.decode()

    assert "重叠区域（每公顷只计一次）" in page
    assert "低优先级区域类型" in page and "计入类型" in page
    overlap = page[page.index("重叠区域（每公顷只计一次）") :]
    assert "生态功能区" in overlap and "生态保护红线" in overlap
    assert "100.0000" in overlap
