"""A transfer's inputs labelled: both languages on statements, one on a page in one language."""

import re

import pytest

from compensation.statements.inputs import LABELS, input_lines, labelled_inputs, one_language

CJK = re.compile(r"[\u3400-\u9fff]")
# Symbols and units that a Chinese label keeps (补偿指数 P, 生态环境状况指数 EI, km², tCO2e).
SYMBOLS = re.compile(r"\b(?:EI|K0|P|km²|tCO2e)\b|ΔEI|%")
VERTICAL = {
    "fiscal_gap": "1200000000.00",
    "coefficient": "0.8",
    "ei_grade": "excellent",
    "standard_met": True,
    "region": "黄山市",
}


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_label_halves_into_chinese_and_english(key):
    chinese, english = one_language(LABELS[key], "zh-hans"), one_language(LABELS[key], "en")

    assert CJK.search(chinese) and not re.search("[A-Za-z]", SYMBOLS.sub("", chinese)), chinese
    assert english and not CJK.search(english), english


def test_a_page_in_chinese_reads_the_inputs_in_chinese_with_their_figures():
    assert labelled_inputs(VERTICAL, "zh-hans") == [
        ("地区", "黄山市"),
        ("标准收支缺口（元）", "1,200,000,000.00"),
        ("补助系数", "0.8"),
        ("EI 等级", "优"),
        ("达标", "是"),
    ]


def test_a_page_in_english_reads_them_in_english_and_names_stay_as_they_are():
    assert labelled_inputs(VERTICAL, "en") == [
        ("region", "黄山市"),
        ("fiscal gap (CNY)", "1,200,000,000.00"),
        ("coefficient", "0.8"),
        ("EI grade", "excellent"),
        ("standard met", "yes"),
    ]


def test_a_statement_still_prints_both_languages():
    assert input_lines({"fiscal_gap": "1200000000.00", "P": "0.95"}) == [
        "标准收支缺口 fiscal gap (元)：1,200,000,000.00",
        "补偿指数 P：0.95",
    ]


def test_a_pollutant_term_is_named_by_the_pollutant_and_the_formula_symbols():
    inputs = {
        "terms": [
            {"pollutant": "COD", "K_i": "0.25", "C_i": "3.1", "C_i0": "4.0"},
            {"pollutant": "总磷", "K_i": "0.25", "C_i": "0.08", "C_i0": "0.1"},
        ]
    }

    assert labelled_inputs(inputs, "zh-hans") == [
        ("污染物", "COD K_i=0.25 C_i=3.1 C_i0=4.0；总磷 K_i=0.25 C_i=0.08 C_i0=0.1")
    ]
    assert input_lines(inputs)[0].startswith("污染物 pollutants：COD K_i=0.25")


def test_a_cascade_factor_reads_its_indicator_and_amount_in_one_language():
    inputs = {"factor:forest-area": {"indicator": "1200.5", "amount": "3500000.00"}}

    assert labelled_inputs(inputs, "zh-hans") == [
        ("森林面积因素", "指标 1,200.5，金额 3,500,000.00 元")
    ]
    assert labelled_inputs(inputs, "en") == [
        ("forest area factor", "indicator 1,200.5, amount 3,500,000.00 CNY")
    ]
