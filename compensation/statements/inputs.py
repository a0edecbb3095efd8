"""A transfer's formula inputs as a statement prints them: labelled lines, not a data dump.

    input_lines({"ei_grade": "excellent", "standard_met": True, ...})
    -> ["生态环境状况指数等级 EI grade：优 excellent", "达标 standard met：是 yes", ...]

Labels are Chinese first, English after (statements are bilingual). Values
that are codes of a known kind (EI grade, ΔEI class, true/false) are named;
money and tonnes keep their digits with separators; lists of terms (the water
quality index's pollutants) print one short line each. A key without a label
prints as it is, so nothing in the inputs is hidden.

Pages in one language (the public run page) take the same labels and values
halved by one_language(): labelled_inputs(inputs, "zh-hans") has no English.
"""

import json
import re

from django.utils import translation

from compensation.models import AssessmentRule
from formats.numbers import grouped

LABELS = {
    "year": "年度 year",
    "round": "轮次 round",
    "programme": "试点 pilot",
    "region": "地区 region",
    "standard_revenue": "标准财政收入 standard revenue (元)",
    "standard_expenditure": "标准财政支出 standard expenditure (元)",
    "fiscal_gap": "标准收支缺口 fiscal gap (元)",
    "coefficient": "补助系数 coefficient",
    "key_subsidy": "重点补助 key subsidy (元)",
    "prohibited_area_km2": "禁止开发区面积 prohibited area (km²)",
    "prohibited_areas": "禁止开发区个数 prohibited areas",
    "prohibited_subsidy": "禁止开发补助 prohibited-development subsidy (元)",
    "guiding_subsidy": "引导性补助 guiding subsidy (元)",
    "ei": "生态环境状况指数 EI",
    "ei_previous": "上年 EI previous year",
    "ei_grade": "EI 等级 EI grade",
    "ei_change": "ΔEI 变化类别 ΔEI class",
    "assessment_percent": "考核奖惩比例 assessment (%)",
    "assessment_adjustment": "考核奖惩金额 assessment adjustment (元)",
    "sink_tco2e": "核证碳汇 verified sink (tCO2e)",
    "carbon_price": "碳价 carbon price (元/tCO2e)",
    "carbon_price_date": "碳价日期 price date",
    "carbon_market": "碳价来源 price source",
    "carbon_weight": "碳汇权重 carbon weight",
    "carbon_term": "碳汇项 carbon term (元)",
    "allocation": "测算分配额 allocation (元)",
    "tier": "分级转移层级 cascade tier",
    "level": "层级 level",
    "payer": "拨付方 paid by",
    "method": "分配办法 allocation method",
    "illustrative": "示意 illustrative",
    "received": "上级拨入 received from the tier above (元)",
    "factor:fiscal-gap": "财政收支缺口因素 fiscal gap factor",
    "factor:red-line-share": "生态保护红线占比因素 red-line share factor",
    "factor:forest-area": "森林面积因素 forest area factor",
    "factor:wetland-area": "湿地面积因素 wetland area factor",
    "factor:population": "人口因素 population factor",
    "factor:ei": "生态环境状况指数因素 EI factor",
    "factor:protected-sink": "保护性碳汇因素 protected sink factor",
    "factor:sink-increment": "碳汇增量因素 sink increase factor",
    "factor:water-quality": "断面水质达标因素 water-quality factor",
    "water_quality_sections": "考核断面 assessment sections",
    "factor:fixed": "定额因素 fixed amount factor",
    "budget": "预算总额 budget (元)",
    "allocations_total": "分配额合计 allocations total (元)",
    "scaled": "按预算等比例压缩 scaled to budget",
    "paid": "实拨金额 paid (元)",
    "passed_on": "本级拨付合计 passed on (元)",
    "unallocated": "留存未拨 kept, not passed on (元)",
    "shortfall": "预算缺口 shortfall against the method (元)",
    "section": "考核断面 assessment section",
    "K0": "稳定系数 K0",
    "terms": "污染物 pollutants",
    "P": "补偿指数 P",
    "standard_met": "达标 standard met",
    "stake": "补偿资金 stake (元)",
    "central_top_up": "中央奖励资金 central top-up (元)",
    "fund": "资金池 pooled fund (元)",
    "contribution_ratios": "出资比例 contribution ratios",
    "allocation_ratios": "分配比例 allocation ratios",
    "ratio": "比例 ratio",
    "valuation": "核算编号 valuation",
    "adjustment": "碳价调整系数 price adjustment",
    "deficit_cap_share": "缺口上限比例 deficit cap share",
    "capped_by_surplus": "受盈余限制 capped by surplus",
    "deficit_tco2e": "碳汇缺口 deficit (tCO2e)",
    "surplus_tco2e": "碳汇盈余 surplus (tCO2e)",
    "tonnes": "吨数 tonnes (tCO2e)",
    "sale": "交易编号 sale",
    "date": "日期 date",
    "units": "单位数 units",
    "price": "单价 price (元)",
    "proceeds": "成交额 proceeds (元)",
    "vintage": "年份 vintage",
    "first_unit": "起始序号 first unit",
    "last_unit": "截止序号 last unit",
}
EI_GRADES = {
    "excellent": "优 excellent",
    "good": "良 good",
    "fair": "一般 fair",
    "poor": "较差 poor",
    "bad": "差 bad",
}
FACTOR_PARTS = {"indicator", "amount"}
YES_NO = {True: "是 yes", False: "否 no", "true": "是 yes", "false": "否 no"}
GROUPED = {
    "standard_revenue",
    "standard_expenditure",
    "fiscal_gap",
    "key_subsidy",
    "prohibited_subsidy",
    "guiding_subsidy",
    "assessment_adjustment",
    "sink_tco2e",
    "carbon_term",
    "allocation",
    "budget",
    "allocations_total",
    "paid",
    "received",
    "passed_on",
    "unallocated",
    "shortfall",
    "stake",
    "central_top_up",
    "fund",
    "deficit_tco2e",
    "surplus_tco2e",
    "tonnes",
    "proceeds",
}


def _change(value: str) -> str:
    try:
        change = AssessmentRule.Change(value)
    except ValueError:
        return value
    with translation.override("zh-hans"):
        chinese = str(change.label)
    with translation.override("en"):
        return f"{chinese} {change.label}"


# Keys whose values _value writes in both languages; other values are names and figures.
BILINGUAL_VALUES = {
    "standard_met",
    "scaled",
    "capped_by_surplus",
    "illustrative",
    "ei_grade",
    "ei_change",
}


def _term(term: dict) -> str:
    """One pollutant's term of P, named by the pollutant and DOMAIN.md's symbols:
    "COD K_i=0.25 C_i=3.1 C_i0=4.0"."""
    rest = " ".join(f"{k}={v}" for k, v in term.items() if k != "pollutant")
    return f"{term['pollutant']} {rest}" if "pollutant" in term else rest


def _section(section, language: str = "") -> str:
    """One assessment section: "街口 P=0.8712 达标 met" (one language: "达标" or "met")."""
    if not isinstance(section, dict) or not {"section", "P", "met"} <= set(section):
        return str(section)
    verdict = "达标 met" if section["met"] else "未达标 not met"
    if language:
        verdict = one_language(verdict, language)
    return f"{section['section']} P={section['P']} {verdict}"


def _value(key: str, value) -> str:
    if key in ("standard_met", "scaled", "capped_by_surplus", "illustrative") and value in YES_NO:
        return YES_NO[value]
    if key == "ei_grade":
        return EI_GRADES.get(value, value)
    if key == "ei_change":
        return _change(value)
    if key == "terms" and isinstance(value, list):
        return "；".join(_term(term) if isinstance(term, dict) else str(term) for term in value)
    if key.startswith("factor:") and isinstance(value, dict) and set(value) == FACTOR_PARTS:
        indicator, amount = grouped(value["indicator"]), grouped(value["amount"])
        return f"指标 indicator {indicator}，金额 amount {amount} 元"
    if key == "water_quality_sections" and isinstance(value, list):
        return "；".join(_section(section) for section in value)
    if isinstance(value, dict):
        return "，".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if key in GROUPED:
        return grouped(value)
    return str(value)


def _ordered(inputs: dict) -> list[str]:
    """The inputs' keys in the order LABELS gives (unknown keys last, by name)."""
    order = {key: n for n, key in enumerate(LABELS)}
    return sorted(inputs, key=lambda k: (order.get(k, len(order)), k))


def input_lines(inputs: dict) -> list[str]:
    """One bilingual line per input, in the order LABELS gives (unknown keys last, by name)."""
    return [f"{LABELS.get(key, key)}：{_value(key, inputs[key])}" for key in _ordered(inputs)]


# A bilingual label or value: Chinese, then English from the last Chinese character on;
# a unit in parentheses at the end belongs to both ("标准收支缺口 fiscal gap (元)").
# A symbol after the Chinese (EI, K0, P) stays with it: "补偿指数 P" is "补偿指数 P" / "P".
_UNIT = re.compile(r" \(([^)]*)\)$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SYMBOL = re.compile(r"[A-Z0-9Δ]+")
_LATIN = re.compile(r"[A-Za-z]")
UNITS_IN_ENGLISH = {"元": "CNY", "元/tCO2e": "CNY/tCO2e"}


def one_language(text: str, language: str) -> str:
    """The Chinese or the English half of a bilingual label or value of this module.

    one_language("标准收支缺口 fiscal gap (元)", "zh-hans") -> "标准收支缺口（元）"
    one_language("标准收支缺口 fiscal gap (元)", "en") -> "fiscal gap (CNY)"
    Text with no Chinese in it is returned as it is, in either language.
    """
    unit = _UNIT.search(text)
    base = text[: unit.start()] if unit else text
    chinese = [i for i, c in enumerate(base) if _CJK.match(c)]
    if not chinese:
        return text
    zh, en = base[: chinese[-1] + 1].strip(), base[chinese[-1] + 1 :].strip()
    if not _LATIN.search(en):
        zh, en = base.strip(), ""
    elif _SYMBOL.fullmatch(en):
        zh = base.strip()
    if language.startswith("zh"):
        return f"{zh}（{unit.group(1)}）" if unit else zh
    if unit:
        return f"{en or zh} ({UNITS_IN_ENGLISH.get(unit.group(1), unit.group(1))})"
    return en or zh


def _value_in(key: str, value, language: str) -> str:
    """_value in one language: a factor's indicator and amount, or one half of a bilingual
    value; names and figures as they are."""
    if key.startswith("factor:") and isinstance(value, dict) and set(value) == FACTOR_PARTS:
        indicator, amount = grouped(value["indicator"]), grouped(value["amount"])
        if language.startswith("zh"):
            return f"指标 {indicator}，金额 {amount} 元"
        return f"indicator {indicator}, amount {amount} CNY"
    if key == "water_quality_sections" and isinstance(value, list):
        separator = "；" if language.startswith("zh") else "; "
        return separator.join(_section(section, language) for section in value)
    text = _value(key, value)
    return one_language(text, language) if key in BILINGUAL_VALUES else text


def labelled_inputs(inputs: dict, language: str) -> list[tuple[str, str]]:
    """(label, value) per input in one language ("zh-hans" or "en"), in input_lines' order:
    what a page in that language shows where a statement prints both."""
    return [
        (one_language(LABELS.get(key, key), language), _value_in(key, inputs[key], language))
        for key in _ordered(inputs)
    ]
