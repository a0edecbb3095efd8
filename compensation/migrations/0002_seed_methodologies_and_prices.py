"""Two cited methodologies and dated carbon prices, from ../shared/DOMAIN.md §5-§6.

Figures marked [check] there are secondary sources: they are seeded as data
with their source beside them, for ecology officials to verify and version.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

METHODOLOGIES = [
    {
        "name": "中国土地利用碳排放系数 Chinese land-use carbon coefficients",
        "description": "Per-hectare carbon coefficients used in Chinese land-use carbon studies.",
        "unit": "tC/ha/yr",
        "citation": (
            "Coefficients compiled in Chinese land-use carbon studies, as listed in DOMAIN.md §6 "
            "[check]: forest 0.581-0.644 t C/ha/yr (lower bound used), grassland 0.021, water "
            "0.253, unused land 0.005, cropland -0.422. Wetland (00) takes the water figure and "
            "built-up land (20) the Guangdong 2018 figure converted to carbon (-0.6 x 12/44); "
            "both are assumptions to verify before real settlement."
        ),
        "coefficients": {"00": "0.2530", "01": "-0.4220", "03": "0.5810", "04": "0.0210",
                         "11": "0.2530", "12": "0.0050", "20": "-0.1636"},
    },
    {
        "name": "广东省2018年土地利用碳汇系数 Guangdong 2018 land-use table",
        "description": "Guangdong 2018 table of net CO2 uptake by land use.",
        "unit": "tCO2e/ha/yr",
        "citation": (
            "Guangdong 2018 table in t CO2/ha/yr as listed in DOMAIN.md §6 [check]: forest 3.9, "
            "wetland 0.6, grassland 0.2, cropland -0.1, built-up -0.6. Water (11) is not in the "
            "table and takes the wetland figure; unused land (12) is 0. Both are assumptions "
            "to verify."
        ),
        "coefficients": {"00": "0.6000", "01": "-0.1000", "03": "3.9000", "04": "0.2000",
                         "11": "0.6000", "12": "0.0000", "20": "-0.6000"},
    },
]
MARKETS = [
    ("CEA", "全国碳排放权交易市场 National ETS allowance", [
        (date(2021, 12, 31), "54.22"), (date(2022, 12, 30), "55.00"),
        (date(2023, 12, 29), "79.42"), (date(2024, 12, 31), "97.49")],
     "Year-end closing price of the national ETS, DOMAIN.md §5 [check]"),
    ("CCER", "国家核证自愿减排量 CCER", [(date(2024, 1, 22), "70.00")],
     "Indicative mid-point of 60-80 CNY/t after the CCER restart on 2024-01-22, DOMAIN.md §5 "
     "[check]"),
    ("FFCER", "福建林业碳汇 Fujian forestry FFCER", [(date(2023, 12, 31), "19.00")],
     "About 19 CNY/t, DOMAIN.md §5 [check]"),
    ("SANMING", "三明林业碳票 Sanming forest carbon ticket", [(date(2023, 12, 31), "15.00")],
     "About 15 CNY/t, DOMAIN.md §5 [check]"),
    ("SHADOW", "影子价格 Shadow price (configurable)", [(date(2020, 1, 1), "1944.84")],
     "Shadow price used in one study, DOMAIN.md §5 [check]; replace with the programme's own"),
]


def seed(apps, schema_editor):
    Methodology = apps.get_model("compensation", "Methodology")
    MethodologyVersion = apps.get_model("compensation", "MethodologyVersion")
    SinkCoefficient = apps.get_model("compensation", "SinkCoefficient")
    CarbonMarket = apps.get_model("compensation", "CarbonMarket")
    CarbonPrice = apps.get_model("compensation", "CarbonPrice")
    for item in METHODOLOGIES:
        methodology = Methodology.objects.create(name=item["name"],
                                                 description=item["description"])
        version = MethodologyVersion.objects.create(
            methodology=methodology, version=1, scheme="third-survey", unit=item["unit"],
            valid_from=date(2018, 1, 1), citation=item["citation"], published=True)
        SinkCoefficient.objects.bulk_create(
            SinkCoefficient(version=version, land_use_code=code, value=Decimal(value))
            for code, value in item["coefficients"].items())
    for code, name, prices, source in MARKETS:
        market = CarbonMarket.objects.create(code=code, name=name)
        CarbonPrice.objects.bulk_create(
            CarbonPrice(market=market, date=day, price=Decimal(price), source=source)
            for day, price in prices)


class Migration(migrations.Migration):
    dependencies = [("compensation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
