"""Supervision pages and downloads: every role × own and other region, and acknowledging."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from pilots.models import Region
from supervision.evaluation import evaluate
from supervision.exchange import LAYERS
from supervision.models import Alert, AlertRule
from tests.factories import sink_decline_alert

ROLES = ["finance", "ecology", "auditor", "operator"]


@pytest.fixture
def alerts(world):
    rule = AlertRule.objects.create(name="sink watch", kind="sink_decline", threshold=5)
    return {
        code: sink_decline_alert(Region.objects.get(code=code), rule)
        for code in (world["own"], world["other"])
    }


def urls(code):
    return [
        reverse("supervision:evaluation", args=[code, 2024]),
        reverse("supervision:evaluation_pdf", args=[code, 2024]),
        reverse("supervision:export_gpkg", args=[code]),
        *(reverse("supervision:export", args=[code, layer]) for layer in LAYERS),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_reports_and_exports_by_role_and_region(client, world, alerts, role):
    client.force_login(world["users"][role])
    for code in (world["own"], world["other"]):
        for url in urls(code):
            response = client.get(url)
            expected = 404 if role == "operator" and code == world["other"] else 200
            assert response.status_code == expected, (role, url)


def test_a_geopackage_that_cannot_be_written_sends_back_with_the_reason(
    client, world, monkeypatch, tmp_path, caplog
):
    monkeypatch.setenv("PATH", str(tmp_path))  # a server without GDAL's command-line tools
    client.force_login(world["users"]["operator"])

    response = client.get(reverse("supervision:export_gpkg", args=[world["own"]]), follow=True)

    assert response.redirect_chain == [(reverse("portal:region", args=[world["own"]]), 302)]
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and "ogr2ogr" in shown[0], shown
    assert f"GeoPackage export of region {world['own']} failed" in caplog.text


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in urls(world["own"]):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_admin_lists_alerts_of_the_regions_a_role_sees(client, world, alerts, role):
    client.force_login(world["users"][role])

    listing = client.get(reverse("admin:supervision_alert_changelist"))
    other = client.get(reverse("admin:supervision_alert_change", args=[alerts[world["other"]].pk]))

    shown = set(listing.context["cl"].result_list)
    if role == "operator":
        assert shown == {alerts[world["own"]]}
        assert other.status_code == 404  # not found, as on the pages and the API (issue 28)
    else:
        assert shown == set(alerts.values())
        assert other.status_code == 200


def test_the_operator_acknowledges_on_the_region_page(client, world, alerts):
    client.force_login(world["users"]["operator"])
    page = client.get(reverse("portal:region", args=[world["own"]]))
    assert "The protected sink fell by 12.50%" in page.content.decode()

    client.post(
        reverse("supervision:acknowledge", args=[alerts[world["own"]].pk]),
        {"comment": "Logging permit checked on site."},
    )
    refused = client.post(
        reverse("supervision:acknowledge", args=[alerts[world["other"]].pk]),
        {"comment": "not mine"},
    )

    assert refused.status_code == 404
    own, other = (Alert.objects.get(pk=alerts[c].pk) for c in (world["own"], world["other"]))
    assert own.comment == "Logging permit checked on site."
    assert own.acknowledged_by == world["users"]["operator"]
    assert not other.acknowledged


def test_auditors_and_finance_officials_cannot_acknowledge(client, world, alerts):
    for role in ("auditor", "finance"):
        client.force_login(world["users"][role])
        response = client.post(
            reverse("supervision:acknowledge", args=[alerts[world["own"]].pk]),
            {"comment": "seen"},
            follow=True,
        )
        assert "You may not acknowledge alerts of this region." in response.content.decode()
    assert not Alert.objects.get(pk=alerts[world["own"]].pk).acknowledged
    assert client.get(reverse("supervision:acknowledge", args=[1])).status_code == 405


def test_the_evaluation_shows_the_compensation_the_region_received(world):
    report = evaluate(region=Region.objects.get(code=world["own"]), year=2024)

    received = dict((channel, r) for channel, r, _ in report.compensation)
    assert received["horizontal"] == Decimal("200000000.00")
    assert report.paid == Decimal("0.00")
    assert report.position is not None


def test_the_evaluation_pdf_names_the_region_and_its_alerts(client, world, alerts):
    client.force_login(world["users"]["ecology"])

    response = client.get(reverse("supervision:evaluation_pdf", args=[world["own"], 2024]))

    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "黄山市" in text
    assert "sink watch" in text
    assert "Compensation by channel (CNY)" in text


def test_a_comment_with_a_nul_character_is_refused_with_a_message(client, world, alerts):
    client.force_login(world["users"]["operator"])

    response = client.post(
        reverse("supervision:acknowledge", args=[alerts[world["own"]].pk]),
        {"comment": "Logging permit\x00 checked."},
        follow=True,
        headers={"accept-language": "en"},
    )

    assert response.status_code == 200
    assert "The comment contains a NUL character; remove it." in response.content.decode()
    assert not Alert.objects.get(pk=alerts[world["own"]].pk).acknowledged
