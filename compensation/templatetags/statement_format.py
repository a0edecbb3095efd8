"""Formatting for statements: amounts with thousands separators, statuses in both languages."""

from decimal import Decimal, InvalidOperation

from django import template

from ledger.commodities import PLACES

register = template.Library()

STATUS_NAMES = {
    "draft": "草稿 draft",
    "calculating": "计算中 calculating",
    "calculated": "已计算 calculated",
    "approved": "已批准 approved",
    "posted": "已记账 posted",
    "failed": "失败 failed",
    "cancelled": "已取消 cancelled",
}
KIND_NAMES = {
    "regular": "常规 regular",
    "correction": "更正 correction",
    "scenario": "情景 scenario",
}


@register.filter
def grouped(value) -> str:
    """'3265350000.00' → '3,265,350,000.00'; anything that is not a number is left as it is."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    places = max(0, -number.as_tuple().exponent)
    return f"{number:,.{places}f}"


@register.filter
def status_name(value: str) -> str:
    return STATUS_NAMES.get(value, value)


@register.filter
def kind_name(value: str) -> str:
    return KIND_NAMES.get(value, value)


CHANNEL_NAMES = {
    "vertical": "纵向 vertical",
    "horizontal": "横向 horizontal",
    "market": "市场 market",
}


@register.filter
def in_units(value, commodity: str) -> str:
    """An amount with its commodity's places and thousands separators: 1,234.50 (CNY).

    Places from `ledger.commodities.PLACES`; a value that is not a number is shown as given.
    """
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return f"{number:,.{PLACES[commodity]}f}"


@register.filter
def channel_name(value: str) -> str:
    return CHANNEL_NAMES.get(value, value)
