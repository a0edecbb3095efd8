"""The admin's release pages call the services: propose, then another official approves."""

import pytest
from django.urls import reverse

from disclosure.models import Release

pytestmark = pytest.mark.django_db


def _propose(client, user, run):
    client.force_login(user)
    return client.post(
        reverse("admin:disclosure_release_propose"),
        {"kind": "run", "action": "release", "programme": run.programme_id, "run": run.pk},
    )


def _decide(client, user, proposal, action="approve"):
    client.force_login(user)
    return client.post(
        reverse("admin:disclosure_release_decide", args=[proposal.pk]), {"action": action}
    )


def test_one_official_proposes_and_another_approves_through_the_admin(client, world, officials):
    run = world["run"]

    _propose(client, officials[0], run)
    proposal = Release.objects.get()
    refused = _decide(client, officials[0], proposal)
    proposal.refresh_from_db()
    status_after_refusal = proposal.status
    _decide(client, officials[1], proposal)
    proposal.refresh_from_db()

    assert refused.status_code == 302
    assert status_after_refusal == Release.Status.PROPOSED
    assert proposal.status == Release.Status.APPROVED
    assert proposal.office == "finance official"


@pytest.mark.parametrize("who", ["operator", "auditor"])
def test_an_operator_or_auditor_may_not_open_the_proposal_page(client, world, who):
    response = _propose(client, world["users"][who], world["run"])

    assert response.status_code == 403
    assert Release.objects.count() == 0


def test_a_proposal_for_a_run_of_another_pilot_is_refused_on_the_form(client, world, officials):
    run = world["run"]
    client.force_login(officials[0])

    response = client.post(
        reverse("admin:disclosure_release_propose"),
        {"kind": "agreement", "action": "release", "programme": run.programme_id, "run": run.pk},
    )

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert Release.objects.count() == 0
