"""Admin for the channels and the credit registry, on the demo pilot's channel inputs."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from compensation.channels import compute_period, vertical
from compensation.demo import demo_methodology_version, load_channel_demo
from compensation.models import (
    CascadeTier,
    CreditProject,
    IssuanceBatch,
    VerticalParameters,
)
from compensation.periods import Period
from compensation.valuation import valuate
from config.roles import AUDITOR, ECOLOGY, FINANCE
from pilots.demo import load_xinan_demo
from pilots.regions import load_regions

MODELS = [
    "verticalparameters",
    "ecologicalindex",
    "agreement",
    "agreementround",
    "monitoringrecord",
    "creditproject",
    "creditholder",
    "issuancebatch",
    "creditblock",
    "creditoperation",
    "sinkverification",
    "allocationmethod",
    "cascadetier",
    "regionindicator",
]


@pytest.fixture
def demo(db):
    load_regions(prefixes=["340000", "3410", "330000", "330100", "330127"])
    programme = load_xinan_demo()
    version = demo_methodology_version()
    valuation = valuate(programme=programme, year=2024, methodology_version=version, market="CEA")
    officials = {
        "requester": member_of(ECOLOGY, "requester"),
        "approver": member_of(ECOLOGY, "approver"),
    }
    assert load_channel_demo(valuation, **officials)
    assert not load_channel_demo(valuation, **officials)
    return programme


def test_the_demo_previews_next_year_as_a_cascade(admin_client, demo):
    transfers = compute_period(vertical.CHANNEL, demo, Period.year(2025))

    # central 6,000,000,000: fiscal gap 0.6 × 180:60 = 2,700,000,000 and 900,000,000;
    # population 0.4 × 61.27:66.27 = 1,152,955,935.3928… and 1,247,044,064.6071… (the fen
    # left to 浙江省); each province passes its cap to its one demo region and keeps the
    # rest for the counties the demo leaves out
    transfers = {(t.payer_account.code, t.payee_account.code): t for t in transfers}
    assert {key: t.amount for key, t in transfers.items()} == {
        ("cny:central:vertical", "cny:region:340000:vertical:pass"): Decimal("3852955935.39"),
        ("cny:central:vertical", "cny:region:330000:vertical:pass"): Decimal("2147044064.61"),
        ("cny:region:340000:vertical:pass", "cny:region:341000:vertical"): Decimal("550000000.00"),
        ("cny:region:330000:vertical:pass", "cny:region:330127:vertical"): Decimal("80000000.00"),
    }
    huangshan = transfers[("cny:region:340000:vertical:pass", "cny:region:341000:vertical")]
    assert huangshan.inputs["unallocated"] == "3302955935.39"
    transfers = list(transfers.values())
    assert {t.inputs["illustrative"] for t in transfers} == {"true"}
    tier = CascadeTier.objects.get(programme=demo, year=2025, level=1)
    page = admin_client.get(reverse("admin:compensation_cascadetier_change", args=[tier.pk]))
    assert "cny:region:340000:vertical:pass" in page.content.decode()


def member_of(group, username):
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_and_first_object_renders(admin_client, demo, model):
    changelist = admin_client.get(reverse(f"admin:compensation_{model}_changelist"))
    assert changelist.status_code == 200
    first = changelist.context["cl"].result_list[0]
    assert (
        admin_client.get(reverse(f"admin:compensation_{model}_change", args=[first.pk])).status_code
        == 200
    )


def test_vertical_parameters_preview_the_transfers(admin_client, demo):
    table = VerticalParameters.objects.get()
    page = admin_client.get(
        reverse("admin:compensation_verticalparameters_change", args=[table.pk])
    ).content.decode()

    assert "cny:central:vertical" in page
    assert "cny:region:341000:vertical" in page


def test_sink_report_shows_the_demo_issuance(client, demo):
    client.force_login(member_of(AUDITOR, "auditor"))
    batch = IssuanceBatch.objects.get()

    page = client.get(reverse("admin:compensation_sink_report"), headers={"accept-language": "en"})

    assert page.status_code == 200
    row = next(r for _, r in page.context["rows"] if r.region_code == "341000")
    assert row.buffer == batch.buffer_units
    assert row.accounted == row.verified
    assert "黄山市" in page.content.decode()


def test_auditors_cannot_issue_or_edit_parameters(client, demo):
    client.force_login(member_of(AUDITOR, "auditor"))
    table = VerticalParameters.objects.get()

    response = client.post(
        reverse("admin:compensation_verticalparameters_change", args=[table.pk]), {"budget": "1"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:compensation_creditproject_changelist"),
        {"action": "issue_latest_vintage", "_selected_action": [CreditProject.objects.get().pk]},
    )
    assert IssuanceBatch.objects.count() == 1


def test_finance_edits_vertical_parameters_but_not_blocks(client, demo):
    finance = member_of(FINANCE, "finance")
    client.force_login(finance)

    assert finance.has_perm("compensation.change_verticalparameters")
    assert finance.has_perm("compensation.add_agreement")
    assert not finance.has_perm("compensation.change_creditblock")
    assert not finance.has_perm("compensation.change_monitoringrecord")


def test_issue_action_refuses_to_issue_the_same_tonnes_twice(admin_client, demo):
    project = CreditProject.objects.get()

    response = admin_client.post(
        reverse("admin:compensation_creditproject_changelist"),
        {"action": "issue_latest_vintage", "_selected_action": [project.pk]},
        follow=True,
        headers={"accept-language": "en"},
    )

    assert IssuanceBatch.objects.count() == 1
    assert "Nothing to issue for XAJ001 2024" in response.content.decode()
