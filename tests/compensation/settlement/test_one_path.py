"""Runs, the admin's preview and the channel tests take one path; a run's inputs are frozen."""

from decimal import Decimal

from django.utils import translation

from compensation import channels
from compensation.admin.channels import transfers_table
from compensation.models import RegionFiscalData, RunChunk, SettlementRun
from compensation.periods import Period
from compensation.settlement import planning, states
from tests.factories import DOWNSTREAM, UPSTREAM

YEAR = Period.year(2024)
BUDGET = Decimal("3000000.00")


def test_a_run_the_preview_and_the_channel_compute_the_same_capped_transfers(
    pilot, maker, settings
):
    settings.SETTLEMENT_CHUNK_SIZE = 1  # the run spreads vertical over two chunks
    pilot.vertical_parameters.update(budget=BUDGET)

    preview = channels.compute_period("vertical", pilot, YEAR)
    run = planning.start_and_calculate(programme=pilot, period=YEAR, by=maker, inline=True)
    rows = run.transfers.filter(channel="vertical")

    assert run.chunks.filter(channel="vertical").count() == 2
    assert {t.key: (t.payee_account.code, t.amount, t.inputs) for t in preview} == {
        row.key: (row.payee, row.amount, row.inputs) for row in rows
    }
    money = [t for t in preview if t.commodity == "CNY"]
    assert sum(t.amount for t in money) == BUDGET  # vertical's finish capped both
    assert {t.payee_region: t.inputs["scaled"] for t in money} == {
        UPSTREAM: "true",
        DOWNSTREAM: "true",
    }
    page = transfers_table("vertical", pilot, 2024)
    for row in rows:
        assert str(row.amount.quantize(Decimal("0.01"))) in page


def test_every_channel_of_a_run_comes_from_the_registry(pilot, maker):
    run = planning.start_and_calculate(programme=pilot, period=YEAR, by=maker, inline=True)

    assert run.status == SettlementRun.Status.CALCULATED
    assert set(run.chunks.values_list("channel", flat=True)) == set(channels.REGISTRY)
    assert set(run.pinned_inputs) == set(channels.REGISTRY)
    for name in channels.REGISTRY:
        expected = channels.compute_period(name, pilot, YEAR)
        stored = run.transfers.filter(channel=name)
        assert sorted(t.key for t in expected) == sorted(stored.values_list("key", flat=True))


def test_an_edit_between_chunks_fails_the_run_naming_the_input(pilot, maker, settings):
    settings.SETTLEMENT_CHUNK_SIZE = 1
    run = planning.start_run(programme=pilot, period=YEAR, by=maker)
    run = planning.calculate(run, by=maker)  # planned and pinned; no worker runs the chunks
    first, second = run.chunks.filter(channel="vertical").order_by("number")
    pinned = run.pinned_inputs["vertical"]["parameters"]

    planning.run_chunk(first.pk)
    RegionFiscalData.objects.filter(region__code=DOWNSTREAM).update(guiding_subsidy=1234)
    with translation.override("zh-hans"):
        planning.run_chunk(second.pk)

    run.refresh_from_db()
    second.refresh_from_db()
    assert run.status == SettlementRun.Status.FAILED
    assert second.status == RunChunk.Status.FAILED
    assert f"第{run.pk}号运行计划后，2024年纵向参数已被修改：请重新计算" in run.error
    assert pinned["ids"]["compensation.regionfiscaldata"]

    with translation.override("en"):
        for chunk in run.chunks.exclude(channel="vertical"):
            planning.run_chunk(chunk.pk)
        recalculated = planning.calculate(run, by=maker, reason="guiding subsidy", inline=True)

    assert recalculated.status == SettlementRun.Status.CALCULATED
    assert recalculated.pinned_inputs["vertical"]["parameters"]["digest"] != pinned["digest"]
    downstream = recalculated.transfers.get(key=f"2024:{DOWNSTREAM}:cny")
    assert Decimal(downstream.inputs["guiding_subsidy"]) == 1234
    assert downstream.amount == Decimal(downstream.inputs["allocation"])


def test_the_finish_refuses_inputs_changed_after_the_last_chunk(pilot, maker):
    run = planning.start_run(programme=pilot, period=YEAR, by=maker)
    run = planning.calculate(run, by=maker)
    chunks = list(run.chunks.order_by("pk"))
    for chunk in chunks[:-1]:
        planning.run_chunk(chunk.pk)
    pilot.vertical_parameters.update(budget=BUDGET)

    with translation.override("en"):
        planning.run_chunk(chunks[-1].pk)

    run.refresh_from_db()
    assert run.status == SettlementRun.Status.FAILED
    assert run.error == (
        f"Run {run.pk} was planned before the 2024 vertical parameters changed: recalculate it."
    )


def test_the_transitions_table_gives_the_moves_the_buttons_and_the_api_permissions(pilot, maker):
    status = SettlementRun.Status
    assert {
        status.DRAFT: {status.CALCULATING, status.CANCELLED},
        status.CALCULATING: {status.CALCULATED, status.FAILED, status.CANCELLED},
        status.FAILED: {status.CALCULATING, status.CANCELLED},
        status.CALCULATED: {status.APPROVED, status.CALCULATING, status.CANCELLED},
        status.APPROVED: {status.POSTED, status.CANCELLED},
        status.POSTED: {status.STATEMENTS_ISSUED},
        status.STATEMENTS_ISSUED: set(),
        status.CANCELLED: set(),
    } == states.MOVES
    assert states.api_permissions(create="start", approve="approve", post="post") == {
        "create": "start_run",
        "approve": "approve_run",
        "post": "post_run",
    }
    run = planning.start_and_calculate(programme=pilot, period=YEAR, by=maker, inline=True)
    with translation.override("en"):
        assert [(a, str(label)) for a, label in states.actions_for(run, maker)] == [
            ("calculate", "Recalculate"),
            ("approve", "Approve"),
            ("cancel", "Cancel"),
        ]
    scenario = planning.start_run(
        programme=pilot, period=YEAR, by=maker, kind="scenario", overrides={"budget": "1"}
    )
    assert [a for a, _ in states.actions_for(scenario, maker)] == ["calculate", "cancel"]
