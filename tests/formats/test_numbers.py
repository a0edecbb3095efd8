"""Money, tonnes and hectares as officials read them (formats.numbers)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from formats import numbers

# The examples of 《会计基础工作规范》 art. 52 and the amounts the demo books.
CAPITALS = [
    ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    ("16.00", "人民币壹拾陆元整"),
    ("0.04", "人民币肆分"),
    ("0.50", "人民币伍角整"),
    ("0", "人民币零元整"),
    ("100020000.00", "人民币壹亿零贰万元整"),
    ("100005000", "人民币壹亿零伍仟元整"),
    ("1000200000000", "人民币壹万零贰亿元整"),
    ("3738678000.00", "人民币叁拾柒亿叁仟捌佰陆拾柒万捌仟元整"),
    ("-200000000.00", "人民币负贰亿元整"),
    ("10010.10", "人民币壹万零壹拾元零壹角整"),
    ("1000000.005", "人民币壹佰万元整"),
    ("1000000.015", "人民币壹佰万元零贰分"),
]


@pytest.mark.parametrize(("amount", "text"), CAPITALS)
def test_capital_numerals_follow_the_accounting_rules(amount, text):
    assert numbers.capital_yuan(Decimal(amount)) == text


@pytest.mark.parametrize("value", [None, "", "—", "abc", "NaN", "Infinity", True])
def test_what_is_not_a_number_comes_back_unchanged(value):
    for format_ in (numbers.yuan, numbers.yuan_summary, numbers.capital_yuan, numbers.tonnes):
        assert format_(value) is value


def test_money_is_grouped_by_three_with_its_unit_in_both_languages():
    with translation.override("zh-hans"):
        assert numbers.yuan(Decimal("3738678000")) == "3,738,678,000.00 元"
        assert numbers.hectares(Decimal("967196.0000")) == "967,196.00 公顷"
    with translation.override("en"):
        assert numbers.yuan(Decimal("3738678000")) == "CNY 3,738,678,000.00"
        assert numbers.hectares(Decimal("967196.0000")) == "967,196.00 ha"
    assert numbers.tonnes(Decimal("1234.5675")) == "1,234.568 tCO2e"


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        ("3738678000.00", "37.39 亿元", "CNY 3.74 billion"),
        ("200000000.00", "2.00 亿元", "CNY 200.00 million"),
        ("12345678.00", "1,234.57 万元", "CNY 12.35 million"),
        ("9999.99", "9,999.99 元", "CNY 9,999.99"),
        ("-50000", "-5.00 万元", "CNY -50,000.00"),
    ],
)
def test_summaries_say_wan_or_yi(amount, zh, en):
    with translation.override("zh-hans"):
        assert numbers.yuan_summary(Decimal(amount)) == zh
    with translation.override("en"):
        assert numbers.yuan_summary(Decimal(amount)) == en


def test_the_template_filters_are_the_same_functions():
    template = Template("{% load units %}{{ a|yuan }}|{{ a|yuan_summary }}|{{ a|capital_yuan }}")
    with translation.override("zh-hans"):
        text = template.render(Context({"a": Decimal("107000.53")}))
    assert text == "107,000.53 元|10.70 万元|人民币壹拾万柒仟元零伍角叁分"


def test_a_carbon_price_reads_per_tonne_in_each_language():
    with translation.override("zh-hans"):
        chinese = numbers.price_per_tonne(Decimal("97.49"))
    with translation.override("en"):
        english = numbers.price_per_tonne("1944.84")

    assert (chinese, english) == ("97.49 元/tCO2e", "CNY 1,944.84/tCO2e")
    assert numbers.price_per_tonne(None) is None
