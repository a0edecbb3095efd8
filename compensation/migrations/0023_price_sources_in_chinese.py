"""The seeded carbon prices' sources, which the public pilot page and statements show, in
Chinese and without pointers to our own working notes; a source an official has since
changed is left as it is."""

from django.db import migrations

SOURCES = {
    "CEA": (
        "Year-end closing price of the national ETS, DOMAIN.md §5 [check]",
        "全国碳排放权交易市场年末收盘价（待核实）",
    ),
    "CCER": (
        "Indicative mid-point of 60-80 CNY/t after the CCER restart on 2024-01-22, DOMAIN.md §5 "
        "[check]",
        "CCER 于 2024-01-22 重启后 60–80 元/吨区间的中值（示意，待核实）",
    ),
    "FFCER": ("About 19 CNY/t, DOMAIN.md §5 [check]", "约 19 元/吨（待核实）"),
    "SANMING": ("About 15 CNY/t, DOMAIN.md §5 [check]", "约 15 元/吨（待核实）"),
    "SHADOW": (
        "Shadow price used in one study, DOMAIN.md §5 [check]; replace with the programme's own",
        "一项研究采用的影子价格（待核实）；请换成试点自己的价格",
    ),
}


def to_chinese(apps, schema_editor, backwards=False):
    CarbonPrice = apps.get_model("compensation", "CarbonPrice")
    for market, (english, chinese) in SOURCES.items():
        old, new = (chinese, english) if backwards else (english, chinese)
        CarbonPrice.objects.filter(market__code=market, source=old).update(source=new)


def to_english(apps, schema_editor):
    to_chinese(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [("compensation", "0022_published_rows_by_creating_transaction")]

    operations = [migrations.RunPython(to_chinese, to_english)]
