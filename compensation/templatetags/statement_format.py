"""Labels for statements and pages: statuses and channels.

Statements are bilingual documents (status_name, kind_name, channel_name give
"中文 english"); pages show the active language only (channel_label).
Numbers are formatted by formats.numbers (``{% load units %}``); ``grouped``
and ``in_units`` here are the same functions for the statement template.
"""

from django import template

from compensation.accounts import CHANNEL_LABELS
from compensation.statements.render import CHANNEL_NAMES
from formats import numbers
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

register.filter("grouped", numbers.grouped)


@register.filter
def in_units(value, commodity: str) -> str:
    """An amount with its commodity's places and thousands separators: 1,234.50 (CNY)."""
    return numbers.grouped(value, PLACES[commodity])


@register.filter
def status_name(value: str) -> str:
    return STATUS_NAMES.get(value, value)


@register.filter
def kind_name(value: str) -> str:
    return KIND_NAMES.get(value, value)


@register.filter
def channel_name(value: str) -> str:
    return CHANNEL_NAMES.get(value, value)


@register.filter
def channel_label(value: str) -> str:
    """The channel in the active language only: 纵向 / vertical."""
    return CHANNEL_LABELS.get(value, value)
