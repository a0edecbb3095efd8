"""Charts label what they draw: names, amounts with their unit, one date once."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from formats.numbers import yuan_summary
from graphics import charts


def test_sankey_names_nodes_and_gives_amounts_in_the_unit_asked():
    flows = [("中央财政", "vertical", "黄山市", Decimal("3265350000.00"))]
    with translation.override("zh-hans"):
        svg = str(charts.sankey(flows, title="t", names={"vertical": "纵向"}, amount=yuan_summary))
    assert ">纵向<" in svg and "vertical" not in svg.replace('"vertical"', "")
    assert "32.65 亿元" in svg
    assert "中央财政 → 纵向: 32.65 亿元" in svg


def test_a_line_chart_of_one_date_labels_it_once_with_the_unit():
    with translation.override("zh-hans"):
        svg = str(
            charts.line_chart(
                {"黄山市": [(date(2024, 12, 31), Decimal("3465420000.00"))]},
                title="t",
                amount=yuan_summary,
            )
        )
    assert svg.count("2024-12-31<") == 1
    assert "34.65 亿元" in svg
