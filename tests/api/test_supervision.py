"""Alerts and change detections through the API: scoped like the pages, acknowledged once."""

import pytest

from pilots.models import Region
from supervision.models import AlertRule, ChangeDetection
from tests.factories import sink_decline_alert


@pytest.fixture
def watched(world):
    rule = AlertRule.objects.create(name="sink watch", kind="sink_decline", threshold=5)
    alerts, detections = {}, {}
    for code in (world["own"], world["other"]):
        region = Region.objects.get(code=code)
        alerts[code] = sink_decline_alert(region, rule)
        detections[code] = ChangeDetection.objects.create(
            key=f"land_cover:{region.pk}:2023:2024:m0:test",
            region=region,
            subject="land_cover",
            before_year=2023,
            after_year=2024,
        )
    return {"alerts": alerts, "detections": detections}


@pytest.mark.parametrize("role", ["finance", "ecology", "auditor", "operator"])
def test_alerts_and_detections_are_scoped_to_the_caller_s_regions(api, world, watched, role):
    api.force_authenticate(world["users"][role])
    for path, rows in (("alerts", watched["alerts"]), ("change-detections", watched["detections"])):
        listed = {row["id"] for row in api.get(f"/api/v1/{path}/").json()["results"]}
        other = api.get(f"/api/v1/{path}/{rows[world['other']].pk}/")
        if role == "operator":
            assert listed == {rows[world["own"]].pk}, path
            assert other.status_code == 404, path
        else:
            assert listed == {row.pk for row in rows.values()}, path
            assert other.status_code == 200, path


def test_the_operator_acknowledges_an_alert_once(api, world, watched):
    api.force_authenticate(world["users"]["operator"])
    own = watched["alerts"][world["own"]]
    url = f"/api/v1/alerts/{own.pk}/acknowledge/"

    done = api.post(
        url, {"comment": "Permit checked on site."}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    again = api.post(url, {"comment": "again"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    other = api.post(
        f"/api/v1/alerts/{watched['alerts'][world['other']].pk}/acknowledge/",
        {"comment": "not mine"},
        format="json",
    )

    assert done.status_code == 200
    assert done.json()["acknowledged_by"] == "operator"
    assert done.json()["message"].startswith("The protected sink fell by 12.50%")
    assert again.status_code == 400
    assert again.json()["type"].endswith("/refused")
    assert "already acknowledged by operator" in again.json()["detail"]
    assert other.status_code == 404


@pytest.mark.parametrize("role", ["auditor", "finance"])
def test_roles_without_the_permission_get_403(api, world, watched, role):
    api.force_authenticate(world["users"][role])
    own = watched["alerts"][world["own"]]

    response = api.post(f"/api/v1/alerts/{own.pk}/acknowledge/", {"comment": "seen"})

    assert response.status_code == 403
    own.refresh_from_db()
    assert not own.acknowledged


def test_a_comment_is_required(api, world, watched):
    api.force_authenticate(world["users"]["ecology"])
    own = watched["alerts"][world["own"]]

    response = api.post(f"/api/v1/alerts/{own.pk}/acknowledge/", {"comment": ""}, format="json")

    assert response.status_code == 400
    assert "comment" in response.json()["errors"]
