"""The credit registry: issuance with a buffer, partial operations that split serial ranges
exactly, units that never move once retired or cancelled, and reversals from the buffer first."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compensation import credits
from compensation.channels import compute_period, market
from compensation.credits import UnitRange
from compensation.exceptions import CreditError
from compensation.models import (
    CreditBlock,
    CreditHolder,
    CreditOperation,
)
from compensation.periods import Period
from compensation.sinks import sink_row
from tests.factories import UPSTREAM, credit_project, verified

# Messages are read in English here (tests/fixtures.py); translations are checked on their own.
pytestmark = pytest.mark.usefixtures("english")

DAY = date(2025, 3, 1)


@pytest.fixture
def project(programme):
    return credit_project(
        verified(programme, 2024, {UPSTREAM: ("1000.600", "0")}), tonnes="1000.600"
    )


@pytest.fixture
def batch(project):
    return credits.issue_batch(project=project, vintage=2024, idempotency_key="issue-1", on=DAY)


@pytest.fixture
def buyer(db):
    return CreditHolder.objects.create(name="某电厂", kind=CreditHolder.Kind.BUYER)


def blocks(batch):
    return [
        (b.first_unit, b.last_unit, b.holder.name, b.status)
        for b in CreditBlock.objects.filter(batch=batch)
        .select_related("holder")
        .order_by("first_unit")
    ]


def test_issuance_withholds_the_buffer_and_claims_the_tonnes(project, batch):
    assert (batch.units, batch.buffer_units) == (1000, 100)
    assert blocks(batch) == [
        (1, 900, "黄山市", "active"),
        (901, 1000, "buffer pool", "active"),
    ]
    row = sink_row(UPSTREAM, 2024)
    assert row.available == Decimal("0.600")
    assert row.claimed["market"] == Decimal("900.000")
    assert row.buffer == Decimal("100.000")
    assert row.accounted == row.verified == Decimal("1000.600")
    serial = CreditBlock.objects.get(batch=batch, first_unit=1).serial
    assert serial.startswith("CN-TANHUI-XAJ001-2024-001-000000001-000000900-")


def test_issuing_again_is_idempotent_and_a_second_batch_has_nothing_to_issue(project, batch):
    again = credits.issue_batch(project=project, vintage=2024, idempotency_key="issue-1", on=DAY)

    assert again == batch
    with pytest.raises(CreditError, match=r"1000\.600 tCO2e verified, 1000 units already issued"):
        credits.issue_batch(project=project, vintage=2024, idempotency_key="issue-2", on=DAY)


def test_vintage_outside_the_crediting_period_is_refused(project):
    with pytest.raises(CreditError, match="outside the crediting period"):
        credits.issue_batch(project=project, vintage=2031, idempotency_key="x", on=DAY)


def test_partial_sale_and_retirement_split_ranges_exactly(batch, buyer):
    protector = credits.protector_holder(batch.project.region)

    credits.sell_units(
        units=UnitRange(batch, 101, 300),
        holder=protector,
        buyer=buyer,
        price=Decimal("79.42"),
        key="sale-1",
        on=DAY,
    )
    credits.retire_units(
        units=UnitRange(batch, 151, 200),
        holder=buyer,
        beneficiary="某电厂",
        reason="2024 履约抵销",
        key="retire-1",
        on=DAY,
    )

    assert blocks(batch) == [
        (1, 100, "黄山市", "active"),
        (101, 150, "某电厂", "active"),
        (151, 200, "某电厂", "retired"),
        (201, 300, "某电厂", "active"),
        (301, 900, "黄山市", "active"),
        (901, 1000, "buffer pool", "active"),
    ]
    row = sink_row(UPSTREAM, 2024)
    assert (row.claimed["market"], row.retired) == (Decimal("850.000"), Decimal("50.000"))
    sale = CreditOperation.objects.get(idempotency_key="sale-1")
    assert sale.proceeds == Decimal("15884.00")


def test_adjacent_units_coming_back_merge_into_one_block(batch, buyer):
    protector = credits.protector_holder(batch.project.region)
    credits.transfer_units(
        units=UnitRange(batch, 1, 100), holder=protector, to_holder=buyer, key="t1", on=DAY
    )
    credits.transfer_units(
        units=UnitRange(batch, 1, 100), holder=buyer, to_holder=protector, key="t2", on=DAY
    )

    assert blocks(batch)[0] == (1, 900, "黄山市", "active")


def test_retired_units_never_move_again(batch, buyer):
    protector = credits.protector_holder(batch.project.region)
    credits.retire_units(
        units=UnitRange(batch, 1, 10),
        holder=protector,
        beneficiary="黄山市",
        reason="自愿注销",
        key="r",
        on=DAY,
    )

    with pytest.raises(CreditError, match="include retired units"):
        credits.transfer_units(
            units=UnitRange(batch, 5, 20), holder=protector, to_holder=buyer, key="t", on=DAY
        )
    with pytest.raises(CreditError, match="include retired units"):
        credits.cancel_units(
            units=UnitRange(batch, 1, 1), holder=protector, reason="again", key="c", on=DAY
        )
    assert blocks(batch)[0] == (1, 10, "黄山市", "retired")


def test_units_held_by_someone_else_or_not_issued_are_refused(batch, buyer):
    protector = credits.protector_holder(batch.project.region)

    with pytest.raises(CreditError, match="held by buffer pool, not 黄山市"):
        credits.transfer_units(
            units=UnitRange(batch, 890, 910), holder=protector, to_holder=buyer, key="a", on=DAY
        )
    with pytest.raises(CreditError, match="has no units 990–1010"):
        credits.retire_units(
            units=UnitRange(batch, 990, 1010),
            holder=credits.buffer_pool(),
            beneficiary="x",
            reason="y",
            key="b",
            on=DAY,
        )
    with pytest.raises(CreditError, match="names its beneficiary and its reason"):
        credits.retire_units(
            units=UnitRange(batch, 1, 1),
            holder=protector,
            beneficiary=" ",
            reason="",
            key="c",
            on=DAY,
        )
    assert CreditOperation.objects.count() == 1


def test_reversal_cancels_the_buffer_first_then_the_protectors_units(batch):
    credits.record_reversal(
        project=batch.project, vintage=2024, tonnes=130, cause="山火", key="fire-1", on=DAY
    )

    assert blocks(batch) == [
        (1, 30, "黄山市", "cancelled"),
        (31, 900, "黄山市", "active"),
        (901, 1000, "buffer pool", "cancelled"),
    ]
    row = sink_row(UPSTREAM, 2024)
    assert (row.buffer, row.cancelled) == (Decimal("0.000"), Decimal("130.000"))
    assert row.claimed["market"] == Decimal("870.000")


def test_reversal_larger_than_buffer_and_holdings_cancels_nothing(batch, buyer):
    protector = credits.protector_holder(batch.project.region)
    credits.sell_units(
        units=UnitRange(batch, 1, 900),
        holder=protector,
        buyer=buyer,
        price=Decimal(80),
        key="s",
        on=DAY,
    )

    with pytest.raises(CreditError, match="can only cancel 100 units"):
        credits.record_reversal(
            project=batch.project, vintage=2024, tonnes=150, cause="土地用途变更", key="luc", on=DAY
        )
    assert blocks(batch)[-1] == (901, 1000, "buffer pool", "active")
    assert sink_row(UPSTREAM, 2024).cancelled == Decimal("0.000")


def test_database_refuses_overlapping_blocks_and_moving_final_units(batch):
    operation = CreditOperation.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditBlock.objects.create(
            batch=batch,
            first_unit=900,
            last_unit=905,
            holder=credits.buffer_pool(),
            status="active",
            operation=operation,
        )
    protector = credits.protector_holder(batch.project.region)
    credits.cancel_units(
        units=UnitRange(batch, 1, 5), holder=protector, reason="holder request", key="c", on=DAY
    )
    with (
        pytest.raises(IntegrityError, match="COMPENSATION_CREDIT_FINAL"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE compensation_creditblock SET status = 'active' WHERE status = 'cancelled'"
        )
    with (
        pytest.raises(IntegrityError, match="COMPENSATION_CREDIT_FINAL"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM compensation_creditoperation")


def test_market_channel_pays_sale_proceeds_to_the_protector(batch, buyer):
    protector = credits.protector_holder(batch.project.region)
    credits.sell_units(
        units=UnitRange(batch, 1, 100),
        holder=protector,
        buyer=buyer,
        price=Decimal("79.42"),
        key="s1",
        on=date(2025, 3, 1),
    )
    credits.sell_units(
        units=UnitRange(batch, 101, 150),
        holder=protector,
        buyer=buyer,
        price=Decimal("80"),
        key="s2",
        on=date(2025, 4, 1),
    )

    (transfer,) = compute_period(
        market.CHANNEL, batch.project.programme, Period(date(2025, 1, 1), date(2025, 3, 31))
    )

    assert transfer.payer_account.code == f"cny:holder:{buyer.pk}:market"
    assert transfer.payee_account.code == f"cny:region:{UPSTREAM}:market"
    assert transfer.amount == Decimal("7942.00")
    assert transfer.inputs["units"] == 100


operations = st.lists(
    st.tuples(
        st.sampled_from(["transfer", "sell", "retire", "cancel"]),
        st.integers(min_value=1, max_value=1000),
        st.integers(min_value=0, max_value=120),
        st.sampled_from(["protector", "buyer"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_any_sequence_of_operations_keeps_every_unit_exactly_once(project, steps):
    with transaction.atomic():
        batch = credits.issue_batch(project=project, vintage=2024, idempotency_key="p", on=DAY)
        holders = {
            "protector": credits.protector_holder(project.region),
            "buyer": CreditHolder.objects.get_or_create(name="买方", kind="buyer")[0],
        }
        for number, (kind, first, length, who) in enumerate(steps):
            units = UnitRange(batch, first, min(first + length, 1000))
            holder = holders[who]
            other = holders["buyer" if who == "protector" else "protector"]
            key = f"op-{number}"
            try:
                with transaction.atomic():
                    if kind == "transfer":
                        credits.transfer_units(
                            units=units, holder=holder, to_holder=other, key=key, on=DAY
                        )
                    elif kind == "sell":
                        credits.sell_units(
                            units=units,
                            holder=holder,
                            buyer=holders["buyer"],
                            price=Decimal(50),
                            key=key,
                            on=DAY,
                        )
                    elif kind == "retire":
                        credits.retire_units(
                            units=units, holder=holder, beneficiary="x", reason="y", key=key, on=DAY
                        )
                    else:
                        credits.cancel_units(
                            units=units, holder=holder, reason="y", key=key, on=DAY
                        )
            except CreditError:
                pass
        covered = sorted(
            u
            for first, last in CreditBlock.objects.filter(batch=batch).values_list(
                "first_unit", "last_unit"
            )
            for u in range(first, last + 1)
        )
        assert covered == list(range(1, 1001))
        row = sink_row(UPSTREAM, 2024)
        assert row.accounted == row.verified
        final = {status: 0 for status in ("retired", "cancelled")}
        for block in CreditBlock.objects.filter(batch=batch).exclude(status="active"):
            final[block.status] += block.units
        assert (row.retired, row.cancelled) == (
            Decimal(final["retired"]).quantize(Decimal("0.001")),
            Decimal(final["cancelled"]).quantize(Decimal("0.001")),
        )
        transaction.set_rollback(True)
