"""Template filters over formats.numbers: ``{% load units %}`` then ``{{ amount|yuan }}``."""

from django import template

from formats import numbers

register = template.Library()

for _name in (
    "grouped",
    "yuan",
    "yuan_summary",
    "capital_yuan",
    "tonnes",
    "hectares",
    "quantity",
    "price_per_tonne",
):
    register.filter(_name, getattr(numbers, _name), is_safe=False)
