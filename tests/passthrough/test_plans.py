"""Sub-allocation plans: the region's operator proposes, a finance official approves, the ledger
holds one sub-account per line, and every split adds up to the region's receipts to the fen.

The Xin'an run pays UPSTREAM (黄山市) 200,000,000.00 horizontal + 4,341,975.00 vertical +
8,000.00 market = 204,349,975.00 CNY.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compensation import accounts as compensation_accounts
from compensation.periods import Period
from compensation.settlement import planning, posting, states
from config.roles import FINANCE, OPERATOR
from ledger import periods
from ledger.models import Account, JournalEntry
from passthrough import obligations, payments, plans
from passthrough.exceptions import PlanRefused
from passthrough.models import LocalRule, LocalRuleShare, SubAllocationPlan
from pilots.models import OperatorAssignment, Region
from tests.factories import (
    UPSTREAM,
    PlanningVersionFactory,
    RecipientFactory,
    UserFactory,
    publish,
    zone_of,
)

pytestmark = pytest.mark.usefixtures("english")

RECEIVED = Decimal("204349975.00")
DUE = date(2025, 3, 31)


@pytest.fixture
def upstream(world):
    return Region.objects.get(code=UPSTREAM)


@pytest.fixture
def villages(upstream):
    return [RecipientFactory(region=upstream, code=f"V{n}") for n in (1, 2, 3)]


def _shares(villages, *weights):
    return [
        plans.LineSpec(recipient=v, due_date=DUE, weight=Decimal(w))
        for v, w in zip(villages, weights, strict=True)
    ]


def _propose(world, upstream, villages, *weights):
    return plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="shares",
        lines=_shares(villages, *weights),
        by=world["users"]["operator"],
    )


def _balance(code):
    return Account.objects.get(code=code).balance


def test_receipts_of_a_region_are_what_the_run_paid_it_per_channel(world, upstream):
    assert plans.receipts(run=world["run"], region=upstream) == {
        "horizontal": Decimal("200000000.00"),
        "market": Decimal("8000.00"),
        "vertical": Decimal("4341975.00"),
    }


def test_equal_shares_split_to_the_fen_by_largest_remainder(world, upstream, villages):
    plan = _propose(world, upstream, villages, 1, 1, 1)

    assert plan.status == "proposed"
    assert plan.total == RECEIVED
    assert [line.amount for line in plan.lines.order_by("id")] == [
        Decimal("68116658.34"),
        Decimal("68116658.33"),
        Decimal("68116658.33"),
    ]
    assert plan.entry is None


def test_approval_posts_one_entry_with_a_sub_account_per_line(world, upstream, villages):
    horizontal = compensation_accounts.region_cny(UPSTREAM, "horizontal").code
    before = _balance(horizontal)
    plan = _propose(world, upstream, villages, 3, 1, 1)

    plan = plans.approve_plan(plan, by=world["users"]["finance"], reason="checked")

    lines = list(plan.lines.order_by("id"))
    assert plan.status == "posted"
    assert plan.entry.idempotency_key == f"passthrough:plan:{plan.pk}"
    assert [line.amount for line in lines] == [
        Decimal("122609985.00"),
        Decimal("40869995.00"),
        Decimal("40869995.00"),
    ]
    for line, village in zip(lines, villages, strict=True):
        account = Account.objects.get(code=line.account)
        assert account.code == f"cny:recipient:{village.pk}:line:{line.pk}"
        assert account.parent.code == f"cny:recipient:{village.pk}"
        assert account.balance == line.amount
    assert _balance(horizontal) == before - Decimal("200000000.00")
    assert _balance(compensation_accounts.region_cny(UPSTREAM, "vertical").code) == Decimal(0)


def test_the_proposer_may_not_approve_even_holding_both_roles(world, upstream, villages):
    both = UserFactory(username="both", group=OPERATOR)
    both.groups.add(*both.groups.model.objects.filter(name=FINANCE))
    OperatorAssignment.objects.create(user=both, region=upstream)
    plan = plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="shares",
        lines=_shares(villages, 1, 1, 1),
        by=both,
    )

    with pytest.raises(PlanRefused, match="maker-checker"):
        plans.approve_plan(plan, by=both)

    plan.refresh_from_db()
    assert plan.status == "proposed"
    assert plan.entry is None


def test_the_database_refuses_a_plan_decided_by_its_proposer(world, upstream, villages):
    plan = _propose(world, upstream, villages, 1, 1, 1)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE passthrough_suballocationplan SET status = 'rejected', "
            "decided_by_id = proposed_by_id WHERE id = %s",
            [plan.pk],
        )


def test_an_operator_of_another_region_may_not_propose(world, villages):
    other = Region.objects.get(code=world["other"])
    with pytest.raises(PlanRefused, match="Only an operator of"):
        plans.propose_plan(
            run=world["run"],
            region=other,
            method="shares",
            lines=_shares(villages, 1, 1, 1),
            by=world["users"]["operator"],
        )
    assert not SubAllocationPlan.objects.exists()


def test_a_finance_official_may_not_propose(world, upstream, villages):
    with pytest.raises(PlanRefused, match="Only an operator of"):
        plans.propose_plan(
            run=world["run"],
            region=upstream,
            method="shares",
            lines=_shares(villages, 1, 1, 1),
            by=world["users"]["finance"],
        )


def test_an_operator_may_not_approve(world, upstream, villages):
    plan = _propose(world, upstream, villages, 1, 1, 1)
    with pytest.raises(PlanRefused, match="Only a finance official"):
        plans.approve_plan(plan, by=world["users"]["operator"])


def test_approving_on_a_closed_day_is_refused_naming_the_period(world, upstream, villages):
    """The plan posts on the day it is approved; the books are closed for it (结账)."""
    plan = _propose(world, upstream, villages, 1, 1, 1)
    today = timezone.localdate()
    closer = UserFactory(username="closer", group=FINANCE)
    act = periods.propose(action="close", start=today, end=today, by=closer)
    periods.approve(act, by=world["users"]["finance"])

    with pytest.raises(PlanRefused, match=f"closed for {today}"):
        plans.approve_plan(plan, by=world["users"]["finance"])
    plan.refresh_from_db()
    assert (plan.status, plan.entry) == ("proposed", None)


def test_a_second_plan_for_the_same_run_and_region_waits_for_the_first(world, upstream, villages):
    first = _propose(world, upstream, villages, 1, 1, 1)

    with pytest.raises(PlanRefused, match="already has a plan"):
        _propose(world, upstream, villages, 2, 1, 1)

    plans.reject_plan(first, by=world["users"]["finance"], reason="shares agreed differently")
    second = _propose(world, upstream, villages, 2, 1, 1)
    assert second.lines.count() == 3


def test_rejecting_needs_a_reason_and_posts_nothing(world, upstream, villages):
    plan = _propose(world, upstream, villages, 1, 1, 1)
    with pytest.raises(PlanRefused, match="Say why"):
        plans.reject_plan(plan, by=world["users"]["finance"], reason=" ")

    plan = plans.reject_plan(plan, by=world["users"]["finance"], reason="wrong shares")

    assert (plan.status, plan.entry) == ("rejected", None)
    assert not Account.objects.filter(code__startswith="cny:recipient:").exists()


def _posted_correction(world, maker, checker):
    """A correction of the world's run, calculated, approved and posted (it reverses the run)."""
    run = world["run"]
    correction = planning.start_run(
        programme=run.programme,
        period=Period.year(2024),
        by=maker,
        kind="correction",
        corrects=run,
    )
    planning.calculate(correction, by=maker, inline=True)
    states.approve(correction, by=checker)
    return posting.post(correction, by=checker)


def test_a_run_corrected_since_is_not_passed_on_neither_proposed_nor_approved(
    world, upstream, villages, maker, checker
):
    waiting = _propose(world, upstream, villages, 1, 1, 1)
    correction = _posted_correction(world, maker, checker)
    refusal = f"corrected by run {correction.pk}"

    with pytest.raises(PlanRefused, match=refusal):
        plans.approve_plan(waiting, by=world["users"]["finance"])
    waiting.refresh_from_db()
    assert (waiting.status, waiting.entry) == ("proposed", None)
    plans.reject_plan(waiting, by=world["users"]["finance"], reason="run corrected")
    with pytest.raises(PlanRefused, match=refusal):
        _propose(world, upstream, villages, 1, 1, 1)

    plan = plans.propose_plan(
        run=correction,
        region=upstream,
        method="shares",
        lines=_shares(villages, 1, 1, 1),
        by=world["users"]["operator"],
    )
    assert plans.approve_plan(plan, by=world["users"]["finance"]).status == "posted"


def test_a_correction_of_a_run_passed_on_waits_for_that_plan_to_be_reversed(
    world, upstream, villages, maker, checker
):
    passed = plans.approve_plan(
        _propose(world, upstream, villages, 1, 1, 1), by=world["users"]["finance"]
    )
    correction = _posted_correction(world, maker, checker)
    refusal = f"already passed on in plan {passed.pk}; that plan must be reversed first"

    with pytest.raises(PlanRefused, match=refusal):
        plans.propose_plan(
            run=correction,
            region=upstream,
            method="shares",
            lines=_shares(villages, 1, 1, 1),
            by=world["users"]["operator"],
        )
    assert SubAllocationPlan.objects.filter(run=correction).count() == 0


def test_approving_a_corrections_plan_is_refused_once_the_corrected_run_was_passed_on(
    world, upstream, villages, maker, checker
):
    """The corrected run's plan posted while the correction's plan waited (as a race of
    the two would leave them): the correction's plan must not pass the money on again."""
    earlier = _propose(world, upstream, villages, 1, 1, 1)
    correction = _posted_correction(world, maker, checker)
    plan = plans.propose_plan(
        run=correction,
        region=upstream,
        method="shares",
        lines=_shares(villages, 1, 1, 1),
        by=world["users"]["operator"],
    )
    SubAllocationPlan.objects.filter(pk=earlier.pk).update(
        status="posted",
        decided_by=world["users"]["finance"],
        entry=JournalEntry.objects.order_by("pk").first(),
    )

    with pytest.raises(PlanRefused, match="must be reversed first"):
        plans.approve_plan(plan, by=world["users"]["finance"])
    plan.refresh_from_db()
    assert plan.status == "proposed"


def test_a_due_date_before_the_period_ends_is_refused(world, upstream, villages):
    lines = [plans.LineSpec(recipient=villages[0], due_date=date(2024, 6, 30), weight=Decimal(1))]
    with pytest.raises(PlanRefused, match="before the run's period ends"):
        plans.propose_plan(
            run=world["run"],
            region=upstream,
            method="shares",
            lines=lines,
            by=world["users"]["operator"],
        )


def test_by_area_protected_weights_each_recipient_by_its_zones(world, upstream):
    version = PlanningVersionFactory(region=upstream)
    small = RecipientFactory(region=upstream, zones=[zone_of(version, 0, 1)])
    large = RecipientFactory(
        region=upstream, zones=[zone_of(version, 2, 2), zone_of(version, 5, 1)]
    )
    publish(version)

    plan = plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="area",
        lines=[plans.LineSpec(recipient=r, due_date=DUE) for r in (small, large)],
        by=world["users"]["operator"],
    )

    assert [(line.weight, line.amount) for line in plan.lines.order_by("id")] == [
        (Decimal("1.000000"), Decimal("51087493.75")),
        (Decimal("3.000000"), Decimal("153262481.25")),
    ]


def test_by_area_counts_the_zones_of_the_planning_version_in_force_once(world, upstream):
    """The same land is a zone of each version: version 1 (2020), version 2 in force when
    the run's period ends (2024-12-31), version 3 effective later and version 4 unpublished.
    Only version 2's zones count: 1 km² against 3 km², not 4 against 3."""
    first = PlanningVersionFactory(region=upstream, version=1)
    second = PlanningVersionFactory(region=upstream, version=2, effective_from=date(2024, 1, 1))
    later = PlanningVersionFactory(region=upstream, version=3, effective_from=date(2025, 1, 1))
    draft = PlanningVersionFactory(region=upstream, version=4, effective_from=date(2024, 6, 1))
    small = RecipientFactory(
        region=upstream,
        zones=[zone_of(v, 0, 1) for v in (first, second, later, draft)],
    )
    large = RecipientFactory(region=upstream, zones=[zone_of(second, 2, 3)])
    gone = RecipientFactory(region=upstream, zones=[zone_of(first, 6, 5)])
    for version in (first, second, later):
        publish(version)

    lines = [plans.LineSpec(recipient=r, due_date=DUE) for r in (small, large)]
    with pytest.raises(PlanRefused, match=f"{gone.code} protects no zone .* on 2024-12-31"):
        plans.propose_plan(
            run=world["run"],
            region=upstream,
            method="area",
            lines=[*lines, plans.LineSpec(recipient=gone, due_date=DUE)],
            by=world["users"]["operator"],
        )
    plan = plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="area",
        lines=lines,
        by=world["users"]["operator"],
    )

    assert [(line.weight, line.amount) for line in plan.lines.order_by("id")] == [
        (Decimal("1.000000"), Decimal("51087493.75")),
        (Decimal("3.000000"), Decimal("153262481.25")),
    ]


def test_by_parcel_pays_each_zone_and_refuses_a_zone_not_the_recipients(world, upstream):
    version = PlanningVersionFactory(region=upstream)
    east, west = zone_of(version, 0, 1), zone_of(version, 2, 4)
    farm = RecipientFactory(region=upstream, kind="forest_farm", name="林场", zones=[east, west])
    stranger = RecipientFactory(region=upstream)
    by_parcel = [
        plans.LineSpec(recipient=farm, due_date=DUE, zone=east),
        plans.LineSpec(recipient=farm, due_date=DUE, zone=west),
    ]

    with pytest.raises(PlanRefused, match="own zones"):
        plans.propose_plan(
            run=world["run"],
            region=upstream,
            method="parcel",
            lines=[*by_parcel, plans.LineSpec(recipient=stranger, due_date=DUE, zone=east)],
            by=world["users"]["operator"],
        )
    plan = plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="parcel",
        lines=by_parcel,
        by=world["users"]["operator"],
    )

    assert [(line.zone, line.amount) for line in plan.lines.order_by("id")] == [
        (east, Decimal("40869995.00")),
        (west, Decimal("163479980.00")),
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    weights=st.lists(
        st.decimals(min_value="0.000001", max_value="1000000", places=6), min_size=1, max_size=3
    )
)
def test_any_shares_add_up_to_the_receipts_each_within_a_fen(world, upstream, villages, weights):
    with transaction.atomic():
        plan = _propose(world, upstream, villages[: len(weights)], *weights)
        amounts = [line.amount for line in plan.lines.order_by("id")]
        transaction.set_rollback(True)

    assert sum(amounts) == RECEIVED
    total_weight = sum(weights)
    for amount, weight in zip(amounts, weights, strict=True):
        assert abs(amount - RECEIVED * weight / total_weight) < Decimal("0.01")


def test_reversing_a_posted_plan_gives_the_receipts_back_and_frees_the_run(
    world, upstream, villages
):
    horizontal = compensation_accounts.region_cny(UPSTREAM, "horizontal").code
    before = _balance(horizontal)
    plan = plans.approve_plan(
        _propose(world, upstream, villages, 3, 1, 1), by=world["users"]["finance"]
    )
    checker = UserFactory(username="fin-2", group=FINANCE)

    reversed_plan = plans.reverse_plan(plan, by=checker, reason="wrong shares")

    assert (reversed_plan.status, reversed_plan.reversed_by) == ("reversed", checker)
    assert reversed_plan.reversal.reverses == plan.entry
    assert reversed_plan.reversal.idempotency_key == f"passthrough:plan:{plan.pk}:reversal"
    assert _balance(horizontal) == before
    assert [_balance(line.account) for line in plan.lines.order_by("id")] == [Decimal(0)] * 3
    assert not obligations.obligations().filter(plan=plan).exists()
    again = plans.approve_plan(
        _propose(world, upstream, villages, 1, 1, 1), by=world["users"]["finance"]
    )
    assert again.total == RECEIVED


def test_a_plan_with_paid_lines_is_not_reversed_and_nothing_changes(world, upstream, villages):
    plan = plans.approve_plan(
        _propose(world, upstream, villages, 1, 1, 1), by=world["users"]["finance"]
    )
    paid_line = plan.lines.get(recipient__code="V2")
    payments.record_payment(
        by=world["users"]["operator"],
        region=upstream,
        kind="voucher",
        reference="GK-1",
        paid_on=DUE,
        amount=Decimal("100.00"),
        payee_code="V2",
        payee_account="",
    )
    entries = JournalEntry.objects.count()

    with pytest.raises(PlanRefused, match=f"matched to lines {paid_line.pk} of plan {plan.pk}"):
        plans.reverse_plan(plan, by=world["users"]["finance"], reason="wrong")
    with pytest.raises(PlanRefused, match="Say why"):
        plans.reverse_plan(plan, by=world["users"]["finance"], reason=" ")
    with pytest.raises(PlanRefused, match="Only a finance official"):
        plans.reverse_plan(plan, by=world["users"]["operator"], reason="wrong")

    plan.refresh_from_db()
    assert (plan.status, plan.reversal, JournalEntry.objects.count()) == ("posted", None, entries)


def test_once_the_corrected_runs_plan_is_reversed_the_correction_is_passed_on(
    world, upstream, villages, maker, checker
):
    passed = plans.approve_plan(
        _propose(world, upstream, villages, 1, 1, 1), by=world["users"]["finance"]
    )
    correction = _posted_correction(world, maker, checker)

    plans.reverse_plan(passed, by=world["users"]["finance"], reason="run corrected")
    plan = plans.propose_plan(
        run=correction,
        region=upstream,
        method="shares",
        lines=_shares(villages, 1, 1, 1),
        by=world["users"]["operator"],
    )
    posted = plans.approve_plan(plan, by=UserFactory(username="fin-2", group=FINANCE))

    assert posted.total == sum(plans.receipts(run=correction, region=upstream).values())
    for channel in ("horizontal", "vertical", "market"):
        assert _balance(compensation_accounts.region_cny(UPSTREAM, channel).code) == Decimal(0)


@pytest.fixture
def rule(upstream):
    """黄山市's rule: 乡镇 2, 村集体 5, 农户 3, equal parts within a kind."""
    published = LocalRule.objects.create(
        region=upstream, name="分配办法", source="黄政办〔2024〕12号", basis="equal", published=True
    )
    for kind, weight in (("township", 2), ("village", 5), ("household", 3)):
        LocalRuleShare.objects.create(rule=published, kind=kind, weight=Decimal(weight))
    return published


def test_by_a_local_rule_each_kind_gets_its_share_then_equal_parts_to_the_fen(
    world, upstream, villages, rule
):
    township = RecipientFactory(region=upstream, kind="township", code="T1", name="汤口镇")
    households = [
        RecipientFactory(region=upstream, kind="household", code=f"H{n}", name="") for n in (1, 2)
    ]
    recipients = [township, *villages, *households]

    plan = plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="rule",
        rule=rule,
        lines=[plans.LineSpec(recipient=r, due_date=DUE) for r in recipients],
        by=world["users"]["operator"],
    )

    amounts = {line.recipient.code: line.amount for line in plan.lines.all()}
    assert amounts == {
        "T1": Decimal("40869995.00"),
        "V1": Decimal("34058329.17"),
        "V2": Decimal("34058329.17"),
        "V3": Decimal("34058329.16"),
        "H1": Decimal("30652496.25"),
        "H2": Decimal("30652496.25"),
    }
    assert sum(amounts.values()) == RECEIVED
    assert plan.rule == rule


def test_a_rule_unpublished_of_another_region_or_silent_on_a_kind_is_refused(
    world, upstream, villages, rule
):
    other = LocalRule.objects.create(
        region=Region.objects.get(code=world["other"]), name="办法", source="x", published=True
    )
    draft = LocalRule.objects.create(region=upstream, name="草案", source="x")
    cooperative = RecipientFactory(region=upstream, kind="cooperative", code="C1", name="合作社")

    def propose(chosen, recipients):
        return plans.propose_plan(
            run=world["run"],
            region=upstream,
            method="rule",
            rule=chosen,
            lines=[plans.LineSpec(recipient=r, due_date=DUE) for r in recipients],
            by=world["users"]["operator"],
        )

    for chosen in (None, other, draft):
        with pytest.raises(PlanRefused, match="Choose a published local rule of"):
            propose(chosen, villages)
    with pytest.raises(PlanRefused, match="gives no share to cooperative, the kind of C1"):
        propose(rule, [*villages, cooperative])
    assert not SubAllocationPlan.objects.exists()
