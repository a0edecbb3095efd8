"""One table of places (ledger.commodities) agrees with the books, and the fields take it."""

from decimal import Decimal

import pytest

from ledger.commodities import PLACES, quantum
from ledger.fields import AmountField, MoneyField, TonnesField
from ledger.models import Commodity


@pytest.mark.django_db
def test_the_table_of_places_is_the_seeded_commodities():
    assert (
        dict(Commodity.objects.values_list("code", "decimal_places"))
        == PLACES
        == {
            "CNY": 2,
            "tCO2e": 3,
        }
    )


def test_a_quantum_is_one_step_of_the_commodity():
    assert quantum("CNY") == Decimal("0.01")
    assert quantum("tCO2e") == Decimal("0.001")
    with pytest.raises(KeyError):
        quantum("USD")


def test_the_fields_take_their_places_from_the_table():
    assert (MoneyField().max_digits, MoneyField().decimal_places) == (16, 2)
    assert (TonnesField().max_digits, TonnesField().decimal_places) == (14, 3)
    assert (AmountField().max_digits, AmountField().decimal_places) == (20, 3)
    assert MoneyField(max_digits=12).decimal_places == 2


def test_places_are_not_an_argument():
    with pytest.raises(TypeError, match=r"takes its places from ledger\.commodities\.PLACES"):
        MoneyField(decimal_places=3)


def test_a_migration_records_the_type_not_the_places():
    assert MoneyField(verbose_name="budget").deconstruct()[1:] == (
        "ledger.fields.MoneyField",
        [],
        {"verbose_name": "budget"},
    )
    assert TonnesField(max_digits=16).deconstruct()[3] == {"max_digits": 16}
