"""Every role × every list, detail, page and download × own and other region.

The operator is assigned 黄山市 (341000): they see its rows and pages, and get
"not found" for 淳安县 (330127) everywhere. Officials see both; auditors never write.
"""

import pytest
from django.urls import reverse

from compensation.models import (
    EcologicalIndex,
    MonitoringRecord,
    RunTransfer,
    Statement,
)
from pilots.models import PlanningVersion, Region, Zone
from tests.factories import render_all

# admin model -> (queryset of rows, region code of a row)
SCOPED = {
    "pilots_region": (Region.objects.filter(code__in=["341000", "330127"]), lambda r: r.code),
    "pilots_planningversion": (PlanningVersion.objects.all(), lambda v: v.region.code),
    "pilots_zone": (Zone.objects.all(), lambda z: z.region.code),
    "compensation_ecologicalindex": (EcologicalIndex.objects.all(), lambda e: e.region.code),
    "compensation_statement": (Statement.objects.exclude(region=None), lambda s: s.region.code),
    # Transfers from central or a buyer belong to their payee's region alone.
    "compensation_runtransfer": (
        RunTransfer.objects.filter(payer_region=""),
        lambda t: t.payee_region,
    ),
}
ROLES = ["finance", "ecology", "auditor", "operator"]


def rows_of(model, code):
    queryset, region_of = SCOPED[model]
    return [row for row in queryset.all() if region_of(row) == code]


@pytest.mark.parametrize("role", ROLES)
def test_admin_lists_and_details(client, world, role):
    client.force_login(world["users"][role])
    for model in sorted(SCOPED):
        listing = client.get(reverse(f"admin:{model}_changelist"))
        assert listing.status_code == 200, (role, model)
        shown = set(listing.context["cl"].result_list)
        for code in (world["own"], world["other"]):
            rows = rows_of(model, code)
            assert rows, (model, code)
            for row in rows:
                detail = client.get(reverse(f"admin:{model}_change", args=[row.pk]))
                if role != "operator" or code == world["own"]:
                    assert detail.status_code == 200, (role, model, code)
                    assert row in shown, (role, model, code)
                else:
                    # Not found, as on the pages and the API (issue 28: it was a redirect).
                    assert detail.status_code == 404, (role, model, code)
                    assert row not in shown, (role, model, code)


@pytest.mark.parametrize("role", ROLES)
def test_region_pages(client, world, role):
    client.force_login(world["users"][role])
    own = client.get(reverse("portal:region", args=[world["own"]]))
    other = client.get(reverse("portal:region", args=[world["other"]]))

    assert own.status_code == 200
    assert "黄山市" in own.content.decode()
    assert other.status_code == (404 if role == "operator" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard(client, world, role):
    client.force_login(world["users"][role])

    response = client.get(reverse("portal:dashboard", args=[world["run"].programme_id]))

    assert response.status_code == (404 if role == "operator" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_statement_downloads(client, world, role):
    client.force_login(world["users"][role])
    run = world["run"]
    render_all(run)
    for fmt in ("pdf", "csv", "xlsx"):
        for region, own in ((world["own"], True), (world["other"], False), (None, False)):
            statement = (
                run.statements.get(region__code=region)
                if region
                else run.statements.get(region=None)
            )
            response = client.get(reverse("statement_file", args=[statement.pk, fmt]))
            expected = 200 if (role != "operator" or own) else 404
            assert response.status_code == expected, (role, region, fmt)


def test_auditors_never_write(client, world):
    client.force_login(world["users"]["auditor"])
    for model in sorted(SCOPED):
        row = rows_of(model, world["own"])[0]
        assert client.get(reverse(f"admin:{model}_add")).status_code == 403, model
        change = reverse(f"admin:{model}_change", args=[row.pk])
        delete = reverse(f"admin:{model}_delete", args=[row.pk])
        assert client.post(change, {}).status_code == 403, model
        assert client.post(delete, {"post": "yes"}).status_code == 403, model


def test_operators_submit_monitoring_only_for_their_agreements(client, world):
    client.force_login(world["users"]["operator"])
    agreement = world["run"].programme.agreements.get()
    url = reverse("portal:monitoring", args=[world["own"]])
    csv = b"section,year,pollutant,mean_mg_per_l\n\xe8\xa1\x97\xe5\x8f\xa3,2025,TP,-0.02\n"

    refused = client.post(
        url, {"agreement": agreement.pk, "file": _upload(csv)}, headers={"accept-language": "en"}
    )
    assert "the annual mean -0.02 is negative" in refused.content.decode()
    assert not MonitoringRecord.objects.filter(year=2025).exists()

    good = csv.replace(b"-0.02", b"0.02")
    assert client.post(url, {"agreement": agreement.pk, "file": _upload(good)}).status_code == 302
    assert MonitoringRecord.objects.filter(year=2025, pollutant="TP").exists()
    assert client.get(reverse("portal:monitoring", args=[world["other"]])).status_code == 404


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("means.csv", data, content_type="text/csv")
