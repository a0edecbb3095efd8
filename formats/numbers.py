"""Money, tonnes and hectares formatted for pages, PDFs and e-mails.

Every function takes a Decimal (or anything Decimal() reads: int, str) and
returns text; a value that is not a number (None, "", "—") comes back as it
was, so a template can format an optional figure without a guard.

- ``yuan(3738678000)`` → ``3,738,678,000.00 元`` (English: ``CNY 3,738,678,000.00``)
- ``yuan_summary(3738678000)`` → ``37.39 亿元`` (English: ``CNY 3.74 billion``):
  a page that summarises rounds to two places of 亿元 (≥ 1亿) or 万元 (≥ 1万),
  half to even, and says so by its unit.
- ``capital_yuan(Decimal("107000.53"))`` → ``人民币壹拾万柒仟元零伍角叁分``:
  the 大写 of 《会计基础工作规范》(财政部, 1996, rev. 2019) art. 52.
- ``price_per_tonne(97.49)`` → ``97.49 元/tCO2e`` (``CNY 97.49/tCO2e``);
- ``tonnes(…)`` → ``1,234.567 tCO2e``; ``hectares(…)`` → ``967,196.00 公顷`` (``ha``);
  ``quantity(value, "CNY" | "tCO2e")`` picks yuan() or tonnes() by the ledger commodity.

Places: money and tonnes from ledger.commodities.PLACES (CNY 2, tCO2e 3),
hectares 2 on pages (stored with 4).
Thousands are grouped by three with commas in both languages, as Chinese
finance documents print them (Django's zh-hans locale groups nothing).
"""

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ledger.commodities import CNY, PLACES, TCO2E

MONEY_PLACES, TONNE_PLACES, HECTARE_PLACES = PLACES[CNY], PLACES[TCO2E], 2
YI, WAN = Decimal(10) ** 8, Decimal(10) ** 4
DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def grouped(value, places: int | None = None):
    """``1234567.5`` → ``1,234,567.5``; with `places`, rounded half to even to that many."""
    number = _number(value)
    if number is None:
        return value
    if places is None:
        places = max(0, -number.as_tuple().exponent)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return f"{number:,.{places}f}"


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def yuan(value):
    """Money in full, to the fen: ``3,738,678,000.00 元``."""
    text = grouped(value, MONEY_PLACES)
    if _number(value) is None:
        return value
    return _("CNY %(amount)s") % {"amount": text}


def yuan_summary(value):
    """Money as a summary reads it: 亿元 from 1亿, 万元 from 1万, else 元 to the fen."""
    number = _number(value)
    if number is None:
        return value
    if _chinese():
        for size, unit in ((YI, "亿元"), (WAN, "万元")):
            if abs(number) >= size:
                return f"{grouped(number / size, 2)} {unit}"
        return f"{grouped(number, MONEY_PLACES)} 元"
    for size, unit in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(number) >= size:
            return f"CNY {grouped(number / size, 2)} {unit}"
    return f"CNY {grouped(number, MONEY_PLACES)}"


def price_per_tonne(value):
    """A carbon price: ``97.49 元/tCO2e`` (English: ``CNY 97.49/tCO2e``), to the fen."""
    text = grouped(value, MONEY_PLACES)
    if _number(value) is None:
        return value
    return _("CNY %(amount)s/tCO2e") % {"amount": text}


def tonnes(value):
    """``1,234.567 tCO2e`` (3 places)."""
    if _number(value) is None:
        return value
    return f"{grouped(value, TONNE_PLACES)} tCO2e"


def hectares(value, places: int = HECTARE_PLACES):
    """``967,196.00 公顷`` (English ``ha``)."""
    if _number(value) is None:
        return value
    return _("%(area)s ha") % {"area": grouped(value, places)}


def quantity(value, unit: str):
    """A ledger amount by its commodity: CNY as yuan(), tCO2e as tonnes(), else grouped + unit."""
    if unit == CNY:
        return yuan(value)
    if unit == TCO2E:
        return tonnes(value)
    if _number(value) is None:
        return value
    return f"{grouped(value)} {unit}"


def _below_wan(n: int) -> str:
    """大写 of 1–9999: interior zeros as one 零, trailing zeros dropped (壹仟零伍, 壹拾)."""
    text, gap = "", False
    for unit, size in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
        digit = n // size % 10
        if digit == 0:
            gap = True
            continue
        if gap and text:
            text += "零"
        text += DIGITS[digit] + unit
        gap = False
    return text


def _capital_integer(n: int) -> str:
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _capital_integer(high) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _capital_integer(low)
            return text
    return _below_wan(n)


def capital_yuan(value):
    """The amount in Chinese capital numerals (大写金额), rounded to the fen, half to even.

    Rules of 《会计基础工作规范》 art. 52: 人民币 before the amount; 整 after 元
    (or 角) when there are no fen; one 零 for a run of zeros inside the
    number; 零 after 元 when the yuan ends in 0 and jiao follow, or when jiao
    is 0 and fen follow. ``0`` is 人民币零元整, a negative amount 人民币负….
    Raises nothing; a value that is not a number comes back unchanged.
    """
    number = _number(value)
    if number is None:
        return value
    fen_total = int(abs(number).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN) * 100)
    whole, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    sign = "负" if number < 0 and fen_total else ""
    if fen_total == 0:
        return "人民币零元整"
    text = _capital_integer(whole) + "元" if whole else ""
    if jiao:
        if whole and whole % 10 == 0:
            text += "零"
        text += DIGITS[jiao] + "角"
    if fen:
        if whole and not jiao:
            text += "零"
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return f"人民币{sign}{text}"
