"""Release is an act: proposed by one official, approved by another, content frozen."""

import hashlib
import json

import pytest
from django.db import IntegrityError, connection, transaction

from compensation.models import Agreement, SettlementRun
from disclosure import selectors, services
from disclosure.exceptions import ReleaseRefused
from disclosure.models import Release
from tests.factories import release

pytestmark = pytest.mark.django_db
Kind = Release.Kind


def test_approving_freezes_the_content_and_its_sha256(rendered, officials):
    run = rendered["run"]

    published = release(officials, Kind.RUN, run.programme, run=run)

    body = json.dumps(
        published.content, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()
    assert published.sha256 == hashlib.sha256(body).hexdigest()
    assert published.content["run"]["id"] == run.pk
    assert {s["digest"] for s in published.content["statements"]} == set(
        run.statements.values_list("digest", flat=True)
    )
    assert published.office == "finance official"
    assert selectors.current_for(Kind.RUN, run=run.pk) == published


def test_the_frozen_content_does_not_follow_later_changes(world, officials):
    run = world["run"]
    published = release(officials, Kind.RUN, run.programme, run=run)
    frozen = published.sha256

    SettlementRun.objects.filter(pk=run.pk).update(summary={"channels": {}, "regions": {}})

    published.refresh_from_db()
    assert published.sha256 == frozen
    assert published.content["regions"] != []


def test_the_proposer_cannot_approve(world, officials):
    run = world["run"]
    proposer, _approver = officials
    proposal = services.propose_release(
        kind=Kind.RUN, programme=run.programme, run=run, by=proposer
    )

    with pytest.raises(ReleaseRefused, match="another official"):
        services.approve_release(proposal, by=proposer)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.sha256) == (Release.Status.PROPOSED, "")


def test_the_database_refuses_a_release_approved_by_its_proposer(world, officials):
    run = world["run"]
    proposer, _approver = officials
    proposal = services.propose_release(
        kind=Kind.RUN, programme=run.programme, run=run, by=proposer
    )

    with (
        pytest.raises(IntegrityError, match="disclosure_maker_is_not_checker"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE disclosure_release SET approved_by_id = proposed_by_id, "
            "status = 'approved', sha256 = %s WHERE id = %s",
            ["a" * 64, proposal.pk],
        )


def test_the_database_refuses_an_approval_without_a_digest(world, officials):
    run = world["run"]
    proposer, approver = officials
    proposal = services.propose_release(
        kind=Kind.RUN, programme=run.programme, run=run, by=proposer
    )

    with (
        pytest.raises(IntegrityError, match="disclosure_approval_freezes_content"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE disclosure_release SET approved_by_id = %s, status = 'approved' WHERE id = %s",
            [approver.pk, proposal.pk],
        )


@pytest.mark.parametrize("who", ["operator", "auditor"])
def test_an_operator_or_auditor_cannot_propose_a_release(world, who):
    run = world["run"]

    with pytest.raises(ReleaseRefused, match="may not propose"):
        services.propose_release(
            kind=Kind.RUN, programme=run.programme, run=run, by=world["users"][who]
        )

    assert Release.objects.count() == 0


@pytest.mark.parametrize("who", ["operator", "auditor"])
def test_an_operator_or_auditor_cannot_approve_a_release(world, officials, who):
    run = world["run"]
    proposal = services.propose_release(
        kind=Kind.RUN, programme=run.programme, run=run, by=officials[0]
    )

    with pytest.raises(ReleaseRefused, match="may not approve"):
        services.approve_release(proposal, by=world["users"][who])


def test_an_unposted_run_is_not_released(world, officials):
    run = world["run"]
    scenario = SettlementRun.objects.create(
        programme=run.programme,
        period_start=run.period_start,
        period_end=run.period_end,
        kind=SettlementRun.Kind.SCENARIO,
        name="what if",
    )

    with pytest.raises(ReleaseRefused, match="only a posted run"):
        services.propose_release(
            kind=Kind.RUN, programme=run.programme, run=scenario, by=officials[0]
        )


def test_a_second_open_proposal_for_one_target_is_refused(world, officials):
    run = world["run"]
    first = services.propose_release(
        kind=Kind.RUN, programme=run.programme, run=run, by=officials[0]
    )

    with pytest.raises(ReleaseRefused, match=f"Release {first.pk} "):
        services.propose_release(kind=Kind.RUN, programme=run.programme, run=run, by=officials[1])


def test_the_database_refuses_a_second_open_proposal_for_one_target(world, officials):
    run = world["run"]
    first = services.propose_release(kind=Kind.PILOT, programme=run.programme, by=officials[0])

    with pytest.raises(IntegrityError, match="disclosure_one_open_proposal"), transaction.atomic():
        Release.objects.create(
            kind=Kind.PILOT, programme=run.programme, proposed_by=first.proposed_by
        )


def test_withdrawing_is_a_logged_release_that_hides_the_target(public_world, officials):
    run = public_world["run"]
    released = public_world["run_release"]

    withdrawal = release(
        officials, Kind.RUN, run.programme, run=run, action=Release.Action.WITHDRAW
    )

    assert withdrawal.content["withdraws"] == released.pk
    assert selectors.current_for(Kind.RUN, run=run.pk) is None
    assert selectors.published(released.pk) is None
    assert list(selectors.publication_log()[:2]) == [withdrawal, released]


def test_nothing_public_cannot_be_withdrawn(world, officials):
    run = world["run"]

    with pytest.raises(ReleaseRefused, match="nothing to withdraw"):
        services.propose_release(
            kind=Kind.RUN,
            programme=run.programme,
            run=run,
            by=officials[0],
            action=Release.Action.WITHDRAW,
        )


def test_a_rejection_needs_a_reason_and_publishes_nothing(world, officials):
    run = world["run"]
    proposal = services.propose_release(
        kind=Kind.RUN, programme=run.programme, run=run, by=officials[0]
    )

    with pytest.raises(ReleaseRefused, match="Say why"):
        services.reject_release(proposal, by=officials[1], reason=" ")
    rejected = services.reject_release(proposal, by=officials[1], reason="figures wrong")

    assert rejected.status == Release.Status.REJECTED
    assert selectors.current_releases() == []


def test_agreement_outcomes_come_only_from_released_runs(public_world, officials):
    run = public_world["run"]
    agreement = Agreement.objects.get(programme=run.programme)

    published = release(officials, Kind.AGREEMENT, run.programme, agreement=agreement)

    outcomes = published.content["outcomes"]
    assert {o["run"] for o in outcomes} == {run.pk}
    assert outcomes[0]["P"] == "0.8386"
    assert {p["code"] for p in published.content["parties"]} == {
        public_world["own"],
        public_world["other"],
    }


def test_agreement_outcomes_of_an_unreleased_run_are_left_out(world, officials):
    run = world["run"]
    agreement = Agreement.objects.get(programme=run.programme)

    published = release(officials, Kind.AGREEMENT, run.programme, agreement=agreement)

    assert published.content["outcomes"] == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE disclosure_release SET sha256 = repeat('0', 64) WHERE id = %s",
        "UPDATE disclosure_release SET content = '{}'::jsonb WHERE id = %s",
        "DELETE FROM disclosure_release WHERE id = %s",
    ],
)
def test_the_database_keeps_a_decided_release_as_it_was(world, officials, statement):
    run = world["run"]
    published = release(officials, Kind.RUN, run.programme, run=run)

    with (
        pytest.raises(IntegrityError, match="DISCLOSURE_DECIDED"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [published.pk])

    assert Release.objects.get(pk=published.pk).sha256 == published.sha256
