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


def test_a_sankey_of_many_regions_draws_the_largest_and_sums_the_rest():
    flows = [
        ("中央财政", "vertical", f"县{n:02d}", Decimal(1000 + n)) for n in range(30)
    ]  # 30 payees: the 3 largest are 县29, 县28, 县27
    svg = str(charts.sankey(flows, title="t", limit=4, other="其他 %(n)s 个地区"))
    assert svg.count("<rect") == 1 + 1 + 4  # one payer, one channel, 3 payees and the rest
    assert ">县29<" in svg and ">县27<" in svg and ">县26<" not in svg
    rest = sum(1000 + n for n in range(27))
    assert f"其他 27 个地区: {rest:,}.00" in svg
    assert "中央财政: 30,435.00" in svg  # the total is unchanged


def test_a_sankey_within_its_limit_draws_every_node():
    flows = [("中央财政", "vertical", f"县{n}", Decimal(10)) for n in range(3)]
    svg = str(charts.sankey(flows, title="t", limit=3))
    assert svg.count("<rect") == 1 + 1 + 3
