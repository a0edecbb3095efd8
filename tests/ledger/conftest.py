from decimal import Decimal

import pytest

from ledger.services import open_account, post_entry
from tests.factories import transfer


@pytest.fixture
def books(db):
    """A small chart: a fund, two regions' receivables in CNY, a sink pool in tCO2e."""
    return {
        "fund": open_account(
            code="fund:central",
            name="Central fund",
            type="asset",
            commodity="CNY",
            owner="gov:central",
            non_negative=True,
        ),
        "huangshan": open_account(
            code="region:341000:cny",
            name="黄山市 receivable",
            type="asset",
            commodity="CNY",
            owner="region:341000",
        ),
        "chunan": open_account(
            code="region:330127:cny",
            name="淳安县 receivable",
            type="asset",
            commodity="CNY",
            owner="region:330127",
        ),
        "equity": open_account(code="equity:cny", name="Budget", type="equity", commodity="CNY"),
        "sink": open_account(
            code="sink:341000",
            name="Verified sink",
            type="asset",
            commodity="tCO2e",
            owner="region:341000",
            non_negative=True,
        ),
        "sink_source": open_account(
            code="sink:issued", name="Sink issued", type="equity", commodity="tCO2e"
        ),
    }


@pytest.fixture
def funded(books):
    """The central fund holds 1,000,000.00 yuan, the sink pool 500.000 t."""
    post_entry(spec=transfer("fund-opening", "fund:central", "equity:cny", Decimal("1000000.00")))
    post_entry(spec=transfer("sink-opening", "sink:341000", "sink:issued", Decimal("500.000")))
    return books
