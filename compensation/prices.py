"""Carbon prices: the price in force for a market on a date."""

from datetime import date

from compensation.exceptions import PriceGap
from compensation.models import CarbonMarket, CarbonPrice


def price_in_force(*, market: str, on: date) -> CarbonPrice:
    """The latest price of `market` dated on or before `on`; a gap is an error, never a guess."""
    found = (
        CarbonPrice.objects.select_related("market")
        .filter(market__code=market, date__lte=on)
        .order_by("-date")
        .first()
    )
    if found is not None:
        return found
    if not CarbonMarket.objects.filter(code=market).exists():
        known = ", ".join(CarbonMarket.objects.values_list("code", flat=True))
        raise PriceGap(f"Unknown carbon market {market!r}; known markets: {known}.")
    first = CarbonPrice.objects.filter(market__code=market).order_by("date").first()
    starts = f"its series starts on {first.date}" if first else "it has no prices yet"
    raise PriceGap(f"No {market} price on or before {on}: {starts}. Add a price for that date.")
