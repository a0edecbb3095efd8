"""Monitoring data (CSV) and agreements (JSON) come in whole or not at all, with a report;
every file of the bad-input corpus goes through both importers."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compensation.channels import compute_period, horizontal
from compensation.imports import import_agreement, import_monitoring
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    IndexWeight,
    MonitoringRecord,
)
from compensation.periods import Period
from pilots.imports import ImportRejected
from pilots.models import Region
from tests.conftest import stored_rows
from tests.factories import DOWNSTREAM, UPSTREAM
from tests.hostile import TALLY, json_hostile
from tests.inputs import BAD_INPUTS, corpus

# Messages are read in English here (tests/fixtures.py); translations are checked on their own.
pytestmark = pytest.mark.usefixtures("english")

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

    (transfer,) = compute_period(horizontal.CHANNEL, programme, Period.year(2024))

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


def good_agreement() -> dict:
    return {
        "name": "新安江第五轮",
        "rule": "water-quality",
        "description": "",
        "parties": [
            {"region": UPSTREAM, "side": "upstream", "section": "街口"},
            {"region": DOWNSTREAM, "side": "downstream"},
        ],
        "contribution_ratio": ["1", "1"],
        "allocation_ratio": ["0.5", "0.5"],
        "rounds": [
            {
                "name": "第五轮",
                "start_year": 2027,
                "end_year": 2029,
                "amount": "200000000.00",
                "central_top_up": "0",
                "k0": "0.90",
                "weights": [{"pollutant": "TP", "weight": "1", "baseline_mg_l": "0.021"}],
            }
        ],
    }


# Each place in the document a value can go, and the column that will hold it.
AGREEMENT_FIELDS = {
    ("name",): Agreement._meta.get_field("name"),
    ("rule",): Agreement._meta.get_field("rule"),
    ("description",): Agreement._meta.get_field("description"),
    ("parties",): None,
    ("parties", 0): None,
    ("parties", 0, "region"): AgreementParty._meta.get_field("region"),
    ("parties", 0, "side"): AgreementParty._meta.get_field("side"),
    ("parties", 0, "section"): AgreementParty._meta.get_field("section"),
    ("contribution_ratio",): None,
    ("contribution_ratio", 0): AgreementParty._meta.get_field("contribution_ratio"),
    ("allocation_ratio", 1): AgreementParty._meta.get_field("allocation_ratio"),
    ("rounds",): None,
    ("rounds", 0): None,
    ("rounds", 0, "name"): AgreementRound._meta.get_field("name"),
    ("rounds", 0, "start_year"): AgreementRound._meta.get_field("start_year"),
    ("rounds", 0, "end_year"): AgreementRound._meta.get_field("end_year"),
    ("rounds", 0, "amount"): AgreementRound._meta.get_field("amount"),
    ("rounds", 0, "central_top_up"): AgreementRound._meta.get_field("central_top_up"),
    ("rounds", 0, "k0"): AgreementRound._meta.get_field("stability_coefficient"),
    ("rounds", 0, "weights"): None,
    ("rounds", 0, "weights", 0): None,
    ("rounds", 0, "weights", 0, "pollutant"): IndexWeight._meta.get_field("pollutant"),
    ("rounds", 0, "weights", 0, "weight"): IndexWeight._meta.get_field("weight"),
    ("rounds", 0, "weights", 0, "baseline_mg_l"): IndexWeight._meta.get_field("baseline_mg_l"),
}


def test_a_round_amount_of_1e30_is_reported_not_an_uncaught_decimal_error(programme):
    document = good_agreement()
    document["rounds"][0]["amount"] = "1e30"

    with pytest.raises(ImportRejected) as rejected:
        import_agreement(programme=programme, name="a.json", data=json.dumps(document).encode())

    assert [p.message for p in rejected.value.report.problems] == [
        "round amount 1e30 is too large: at most 14 digits before the point fit."
    ]
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("rounds", 0, "weights", 0, "weight"), "1e30", "weight 1e30 is too large"),
        (("rounds", 0, "k0"), "0.12345", "k0 0.12345 has more than 4 decimal places; round it."),
        (("contribution_ratio", 0), "NaN", "contribution_ratio 'NaN' is not a number."),
        (("parties", 0, "section"), "街" * 101, "is 101 characters long; at most 100 fit."),
        (("rounds", 0, "name"), "第\x00五轮", "name contains a NUL character."),
        (("rule",), ["water-quality"], "rule ['water-quality'] is not one of"),
        (("rounds",), 5, "rounds must be a list."),
        (("rounds", 0, "weights"), {"TP": 1}, "weights must be a list."),
    ],
)
def test_each_hostile_value_is_named_in_the_report(programme, path, value, message):
    document = good_agreement()
    place(document, path, value)

    with pytest.raises(ImportRejected) as rejected:
        import_agreement(programme=programme, name="a.json", data=json.dumps(document).encode())

    messages = [p.message for p in rejected.value.report.problems]
    assert any(message in m for m in messages), messages
    assert not Agreement.objects.exists()


def place(document: dict, path: tuple, value) -> None:
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_generated_hostile_values_are_refused_or_taken_as_given(programme, data):
    path = data.draw(st.sampled_from(sorted(AGREEMENT_FIELDS, key=str)), label="path")
    value = data.draw(json_hostile(AGREEMENT_FIELDS[path]), label="value")
    document = good_agreement()
    place(document, path, value)
    before = stored_rows()
    with transaction.atomic():
        try:
            agreement = import_agreement(
                programme=programme, name="a.json", data=json.dumps(document).encode()
            )
        except ImportRejected as exc:
            assert exc.report.problems
            stored = stored_rows() != before
            TALLY.record("agreement JSON", stored=stored)
            assert not stored
        else:
            TALLY.record("agreement JSON")
            agreement.refresh_from_db()
            transaction.set_rollback(True)
