"""Balances asserted from bank or treasury statements, checked by verify_ledger."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.roles import AUDITOR, FINANCE
from ledger import assertions
from ledger.exceptions import BalanceAssertionRefused
from ledger.models import BalanceAssertion
from ledger.services import post_entry
from ledger.verification import verify_ledger
from tests.factories import UserFactory, transfer

pytestmark = pytest.mark.usefixtures("english")

BANK = "农业银行对账单 2026-01-31"


@pytest.fixture
def official(db):
    return UserFactory(username="fin", group=FINANCE)


@pytest.fixture
def paid(funded):
    """黄山市 receives 2,500.75 on 2026-01-20 and 100.00 on 2026-02-03."""
    post_entry(
        spec=transfer(
            "a", "region:341000:cny", "fund:central", Decimal("2500.75"), day=date(2026, 1, 20)
        )
    )
    post_entry(
        spec=transfer(
            "b", "region:341000:cny", "fund:central", Decimal("100.00"), day=date(2026, 2, 3)
        )
    )
    return funded


def test_an_asserted_balance_is_checked_at_its_day(paid, official):
    region = paid["huangshan"]
    assertions.record(
        account=region,
        as_of=date(2026, 1, 31),
        expected=Decimal("2500.75"),
        source=BANK,
        by=official,
    )
    fund = paid["fund"]
    assertions.record(
        account=fund,
        as_of=date(2026, 2, 28),
        expected=Decimal("997499.26"),
        source="国库",
        by=official,
    )

    result = verify_ledger()

    assert result.ok
    assert not result.assertions_hold
    (failure,) = result.assertion_failures
    assert (failure.account, failure.as_of) == ("fund:central", date(2026, 2, 28))
    assert (failure.expected, failure.found) == (Decimal("997499.26"), Decimal("997399.25"))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 asserted balance"):
        call_command("verify_ledger", stdout=out, stderr=err)
    assert (
        "fund:central at the end of 2026-02-28: 国库 gives 997499.26, the books give 997399.25"
        in err.getvalue()
    )


def test_what_is_refused(paid, official):
    region = paid["huangshan"]
    auditor = UserFactory(username="aud", group=AUDITOR)
    day = date(2026, 1, 31)

    with pytest.raises(BalanceAssertionRefused, match="Your role may not record balances"):
        assertions.record(account=region, as_of=day, expected=Decimal("1"), source=BANK, by=auditor)
    with pytest.raises(BalanceAssertionRefused, match="kept in CNY to 2 decimal places"):
        assertions.record(
            account=region, as_of=day, expected=Decimal("2500.751"), source=BANK, by=official
        )
    with pytest.raises(BalanceAssertionRefused, match="Say where the balance comes from"):
        assertions.record(
            account=region, as_of=day, expected=Decimal("2500.75"), source=" ", by=official
        )
    assertions.record(
        account=region, as_of=day, expected=Decimal("2500.75"), source=BANK, by=official
    )
    with pytest.raises(BalanceAssertionRefused, match="already has a balance for that day"):
        assertions.record(
            account=region, as_of=day, expected=Decimal("2500.00"), source=BANK, by=official
        )
    assert BalanceAssertion.objects.get().expected == Decimal("2500.75")
    assert verify_ledger().assertions_hold


def test_the_admin_adds_one_and_shows_whether_it_holds(client, paid, official):
    region = paid["huangshan"]
    add = reverse("admin:ledger_balanceassertion_add")
    client.force_login(official)

    refused = client.post(
        add, {"account": region.pk, "as_of": "2026-01-31", "expected": "2500.751", "source": BANK}
    )
    assert refused.status_code == 200
    assert "保留 2 位小数" in refused.content.decode()
    assert not BalanceAssertion.objects.exists()
    response = client.post(
        add, {"account": region.pk, "as_of": "2026-01-31", "expected": "2500.75", "source": BANK}
    )
    assert response.status_code == 302
    stored = BalanceAssertion.objects.get()
    assert (stored.entered_by, stored.expected) == (official, Decimal("2500.75"))
    listing = client.get(reverse("admin:ledger_balanceassertion_changelist")).content.decode()
    assert "2,500.75" in listing or "2500.75" in listing
    assert 'alt="True"' in listing
    change = client.post(
        reverse("admin:ledger_balanceassertion_change", args=[stored.pk]),
        {"account": region.pk, "as_of": "2026-01-31", "expected": "1.00", "source": BANK},
    )
    assert change.status_code == 403
    stored.refresh_from_db()
    assert stored.expected == Decimal("2500.75")
