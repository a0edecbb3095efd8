"""What the portal's charts read, from the ledger's selectors."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from ledger.services import EntrySpec, Leg, post_entry
from pilots.models import Region
from portal.selectors import balances_over_time


def test_balances_over_time_are_each_regions_money_after_each_posting_date(stated):
    post_entry(
        spec=EntrySpec(
            idempotency_key="refund",
            effective_date=date(2025, 3, 31),
            description="黄山市 pays 淳安县 back 1,000.00",
            legs=[
                Leg.debit("cny:region:341000:horizontal", Decimal("1000.00")),
                Leg.credit("cny:region:330127:horizontal", Decimal("1000.00")),
            ],
        )
    )

    series = balances_over_time(Region.objects.filter(code__in=["341000", "330127"]))

    # Region money accounts are credit-normal: the payer's debit lowers its balance.
    assert series == {
        "淳安县": [
            (date(2024, 12, 31), Decimal("-199000000.00")),
            (date(2025, 3, 31), Decimal("-198999000.00")),
        ],
        "黄山市": [
            (date(2024, 12, 31), Decimal("204349975.00")),
            (date(2025, 3, 31), Decimal("204348975.00")),
        ],
    }
    assert [str(balance) for _, balance in series["淳安县"]] == ["-199000000.00", "-198999000.00"]


def test_beyond_the_lines_asked_the_smaller_regions_are_one_summed_line(stated):
    post_entry(
        spec=EntrySpec(
            idempotency_key="refund",
            effective_date=date(2025, 3, 31),
            description="黄山市 pays 淳安县 back 1,000.00",
            legs=[
                Leg.debit("cny:region:341000:horizontal", Decimal("1000.00")),
                Leg.credit("cny:region:330127:horizontal", Decimal("1000.00")),
            ],
        )
    )
    regions = Region.objects.filter(code__in=["341000", "330127"])

    with translation.override("zh-hans"):
        kept = balances_over_time(regions, lines=2)
        summed = balances_over_time(regions, lines=1)

    # Two lines fit: both as they are. One line: the largest keeps none, all are summed.
    assert kept == balances_over_time(regions)
    assert summed == {
        "其他 2 个地区（合计）": [
            (date(2024, 12, 31), Decimal("5349975.00")),
            (date(2025, 3, 31), Decimal("5349975.00")),
        ]
    }
