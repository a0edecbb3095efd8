"""A run transfer's amount has its commodity's places: CNY to the fen, tCO2e to the kilogram.

One numeric(20, 3) column holds both; the database refuses a CNY row with a
third decimal, and a row read back carries 2 or 3 places (RunTransfer.from_db).
"""

import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from compensation.models import CarbonMarket, RunTransfer, VerticalParameters
from compensation.periods import Period
from compensation.settlement import planning

PLACES = {"CNY": r"^\d+\.\d\d$", "tCO2e": r"^\d+\.\d\d\d$"}


@pytest.fixture
def run(pilot, maker):
    """The pilot's 2024 run, its vertical carbon term claiming tonnes (tCO2e transfers)."""
    VerticalParameters.objects.filter(programme=pilot).update(
        carbon_market=CarbonMarket.objects.get(code="CEA"), carbon_weight=Decimal("0.5")
    )
    started = planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    return planning.calculate(started, by=maker, inline=True)


def test_a_transfer_read_back_has_its_commoditys_places(run):
    transfers = list(RunTransfer.objects.filter(run=run))

    assert {t.commodity for t in transfers} == {"CNY", "tCO2e"}
    for transfer in transfers:
        assert re.match(PLACES[transfer.commodity], str(transfer.amount)), transfer


def test_the_vertical_paid_input_has_two_places(run):
    vertical = RunTransfer.objects.filter(run=run, channel="vertical", commodity="CNY")

    assert vertical.exists()
    for transfer in vertical:
        assert re.match(PLACES["CNY"], transfer.inputs["paid"]), transfer.inputs
        assert transfer.inputs["paid"] == str(transfer.amount)


def test_the_database_refuses_a_third_decimal_on_money(run):
    transfer = RunTransfer.objects.filter(run=run, commodity="CNY").first()

    refused = pytest.raises(IntegrityError, match="compensation_transfer_places")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compensation_runtransfer SET amount = amount + 0.005 WHERE id = %s",
            [transfer.pk],
        )


def test_the_database_takes_a_third_decimal_on_tonnes(run):
    transfer = RunTransfer.objects.filter(run=run, commodity="tCO2e").first()

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compensation_runtransfer SET amount = amount + 0.005 WHERE id = %s",
            [transfer.pk],
        )
    assert RunTransfer.objects.get(pk=transfer.pk).amount == transfer.amount + Decimal("0.005")


def test_the_database_refuses_a_commodity_without_places(run):
    transfer = RunTransfer.objects.filter(run=run, commodity="CNY").first()

    refused = pytest.raises(IntegrityError, match="compensation_transfer_places")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compensation_runtransfer SET commodity = 'USD' WHERE id = %s", [transfer.pk]
        )
