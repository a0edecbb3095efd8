"""Monitoring data (CSV) and agreements (JSON) come in whole or not at all, with a report;
every file of the bad-input corpus goes through both importers."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from compensation.channels import Period, horizontal
from compensation.imports import import_agreement, import_monitoring
from compensation.models import Agreement, AgreementParty, MonitoringRecord
from pilots.imports import ImportRejected
from pilots.models import Region
from tests.compensation.channels.conftest import DOWNSTREAM, UPSTREAM
from tests.pilots.conftest import BAD_INPUTS, corpus

ALL_FILES = sorted(p.name for p in BAD_INPUTS.iterdir() if p.name != "README.md")

MONITORING_REFUSALS = {
    "negative_concentration.csv": (1, "the annual mean -1.2 is negative"),
}
AGREEMENT_REFUSALS = {
    "ratios_not_summing_to_one.json": "allocation_ratio: the ratios 0.3 / 0.4 / 0.4 add up to 1.1",
    "float_money.json": "amount 0.30000000000000004 is a JSON number with a fraction",
}


@pytest.fixture
def agreement(programme):
    found = Agreement.objects.create(
        programme=programme, name="新安江", rule=Agreement.Rule.WATER_QUALITY
    )
    AgreementParty.objects.create(
        agreement=found, region=Region.objects.get(code=UPSTREAM), side="upstream", section="街口"
    )
    AgreementParty.objects.create(
        agreement=found, region=Region.objects.get(code=DOWNSTREAM), side="downstream"
    )
    return found


@pytest.mark.parametrize("file_name", ALL_FILES)
def test_monitoring_import_refuses_each_bad_file_and_writes_nothing(agreement, file_name):
    name, data = corpus(file_name)

    with pytest.raises(ImportRejected) as rejected:
        import_monitoring(agreement=agreement, name=name, data=data)

    report = rejected.value.report
    assert report.problems
    row, words = MONITORING_REFUSALS.get(file_name, (None, "is not monitoring data"))
    assert any(p.feature == row and words in p.message for p in report.problems), report
    assert not MonitoringRecord.objects.exists()


@pytest.mark.parametrize("file_name", ALL_FILES)
def test_agreement_import_refuses_each_bad_file_and_writes_nothing(programme, file_name):
    name, data = corpus(file_name)
    before = Agreement.objects.count()

    with pytest.raises(ImportRejected) as rejected:
        import_agreement(programme=programme, name=name, data=data)

    messages = [p.message for p in rejected.value.report.problems]
    if file_name in AGREEMENT_REFUSALS:
        assert any(AGREEMENT_REFUSALS[file_name] in m for m in messages), messages
    elif file_name.endswith(".csv") or file_name in {"not_json.geojson", "truncated.geojson"}:
        assert any("is not valid JSON" in m for m in messages), messages
    else:
        assert any("an agreement needs a list of at least two parties" in m for m in messages)
    assert Agreement.objects.count() == before
    assert not AgreementParty.objects.exists()


def test_monitoring_csv_in_gbk_with_micrograms_and_chinese_names(agreement):
    text = (
        "section,year,pollutant,mean,unit\n"
        "街口,2024,高锰酸盐指数,1.80,mg/L\n"
        "街口,2024,氨氮,80,µg/L\n"
    )

    records = import_monitoring(agreement=agreement, name="m.csv", data=text.encode("gb18030"))

    assert [(r.pollutant, r.mg_l) for r in records] == [
        ("CODMn", Decimal("1.80")),
        ("NH3-N", Decimal("0.08")),
    ]


def test_monitoring_report_names_every_bad_row_and_duplicates(agreement):
    import_monitoring(
        agreement=agreement,
        name="a.csv",
        data=b"section,year,pollutant,mean_mg_per_l\nX,2024,TN,1\n",
    )
    data = (
        "section,year,pollutant,mean_mg_per_l\n"
        "街口,2024,TP,0.02\n"
        "街口,2024,TP,0.03\n"
        "街口,1900,TN,1\n"
        "街口,2024,COD,1\n"
        "街口,2024,TN,\n"
        "X,2024,TN,1.1\n"
    ).encode()

    with pytest.raises(ImportRejected) as rejected:
        import_monitoring(agreement=agreement, name="b.csv", data=data)

    problems = {(p.feature, p.message) for p in rejected.value.report.problems}
    assert (2, "TP 2024 at 街口 is also on row 1.") in problems
    assert (3, "year 1900 is outside 1990..2100.") in problems
    assert (4, "pollutant 'COD' is not one of CODMn, NH3-N, TN, TP.") in problems
    assert (5, "the annual mean is missing.") in problems
    assert any(row == 6 and "already recorded" in message for row, message in problems)
    assert MonitoringRecord.objects.count() == 1


def test_agreement_json_by_parts_imports_and_settles(programme):
    document = {
        "name": "新安江第四轮",
        "rule": "water-quality",
        "parties": [
            {"region": UPSTREAM, "side": "upstream", "section": "街口"},
            {"region": DOWNSTREAM, "side": "downstream"},
        ],
        "rounds": [
            {
                "name": "第四轮",
                "start_year": 2024,
                "end_year": 2026,
                "amount": "200000000.00",
                "k0": "0.90",
                "weights": [
                    {"pollutant": p, "weight": "0.25", "baseline_mg_l": c}
                    for p, c in (
                        ("CODMn", "1.94"),
                        ("NH3-N", "0.089"),
                        ("TN", "1.15"),
                        ("TP", "0.021"),
                    )
                ],
            }
        ],
    }
    agreement = import_agreement(
        programme=programme, name="a.json", data=json.dumps(document, ensure_ascii=False).encode()
    )
    import_monitoring(
        agreement=agreement,
        name="m.csv",
        data="section,year,pollutant,mean_mg_per_l\n街口,2024,CODMn,1.80\n街口,2024,NH3-N,0.080\n"
        "街口,2024,TN,1.20\n街口,2024,TP,0.018\n".encode(),
    )

    (transfer,) = horizontal.compute(programme, Period.year(2024))

    assert transfer.inputs["P"] == "0.8386"
    assert transfer.amount == Decimal("200000000.00")
    with pytest.raises(ImportRejected, match="already has an agreement named 新安江第四轮"):
        import_agreement(programme=programme, name="a.json", data=json.dumps(document).encode())


def test_commands_print_the_report_and_import_nothing(agreement):
    with pytest.raises(
        CommandError, match=r"(?s)rejected; nothing was imported\.\n.*row 1: the annual"
    ):
        call_command(
            "import_monitoring",
            str(BAD_INPUTS / "negative_concentration.csv"),
            agreement=agreement.pk,
        )
    with pytest.raises(CommandError, match=r"allocation_ratio: the ratios 0\.3 / 0\.4 / 0\.4"):
        call_command(
            "import_agreement",
            str(BAD_INPUTS / "ratios_not_summing_to_one.json"),
            programme=agreement.programme.pk,
        )
    assert not MonitoringRecord.objects.exists()
    assert Agreement.objects.count() == 1
