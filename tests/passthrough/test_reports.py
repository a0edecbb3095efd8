"""Recipient statements and reconciliation reports: exact figures, the same digest when made
again for the same date, and downloads as PDF, CSV and XLSX scoped to the caller's region.

The plan gives UPSTREAM's 204,349,975.00 CNY to V1–V4 in equal shares, 51,087,493.75 each,
due 2025-03-31. V1 is paid on time, V2 1,000,000.00 of it, V3 late (2025-05-06), V4 nothing;
GK-4 (500.00) went to X-99, nobody of the region.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from compensation.statements.content import digest_of
from config import bulk
from passthrough import plans, reports
from passthrough.models import Payment, PaymentMatch, Recipient, SubAllocationPlan
from passthrough.payments import MATCH_COLUMNS
from pilots.models import Region
from tests.factories import UPSTREAM, RecipientFactory, villages_plan, voucher

EACH = Decimal("51087493.75")
ENTERED = timezone.make_aware(datetime(2025, 5, 10, 9, 0))


@pytest.fixture
def paid_in_part(world):
    """The plan and its four vouchers, all stored (as if) on 2025-05-10."""
    plan = villages_plan(world)
    voucher(world, "GK-1", date(2025, 3, 20), EACH, "V1")
    voucher(world, "GK-2", date(2025, 3, 25), "1000000.00", "V2")
    voucher(world, "GK-3", date(2025, 5, 6), EACH, "V3")
    voucher(world, "GK-4", date(2025, 3, 1), "500.00", "X-99")
    SubAllocationPlan.objects.filter(pk=plan.pk).update(decided_at=ENTERED)
    Payment.objects.update(entered_at=ENTERED)
    # A match is never changed (passthrough/sql/0006): made again, as on that day.
    made = list(PaymentMatch.objects.values_list("payment_id", "line_id", "amount"))
    PaymentMatch.objects.all().delete()
    bulk.insert_values(PaymentMatch, MATCH_COLUMNS, [(*match, ENTERED) for match in made])
    return plan


def test_a_recipient_statement_gives_due_paid_and_outstanding_to_the_fen(paid_in_part):
    v2 = Recipient.objects.get(code="V2")

    content = reports.recipient_content(v2, as_of=date(2025, 6, 30))

    assert [(x["amount"], x["paid"], x["owed"], x["status"]) for x in content["lines"]] == [
        ("51087493.75", "1000000.00", "50087493.75", "partial")
    ]
    assert content["totals"] == {
        "due": "51087493.75",
        "paid": "1000000.00",
        "outstanding": "50087493.75",
    }
    assert [(m["reference"], m["amount"], m["manual"]) for m in content["matches"]] == [
        ("GK-2", "1000000.00", False)
    ]
    assert content["lines"][0]["entry"] == paid_in_part.entry.sequence


def test_a_reconciliation_shows_booked_against_evidenced_and_what_is_unmatched(paid_in_part):
    region = Region.objects.get(code=UPSTREAM)

    content = reports.reconciliation_content(
        region, start=date(2025, 1, 1), end=date(2025, 12, 31), as_of=date(2025, 6, 30)
    )

    assert content["totals"] == {
        "booked": "204349975.00",
        "booked_matched": "103174987.50",
        "booked_unmatched": "101174987.50",
        "evidenced": "103175487.50",
        "evidence_matched": "103174987.50",
        "evidence_unmatched": "500.00",
    }
    assert [(x["recipient"], x["status"]) for x in content["booked"]] == [
        ("V1", "paid"),
        ("V2", "partial"),
        ("V3", "late"),
        ("V4", "withheld"),
    ]
    assert [(p["reference"], p["payee"], p["unmatched"]) for p in content["evidence"]] == [
        ("GK-4", "X-99", "500.00"),
        ("GK-1", "V1", "0.00"),
        ("GK-2", "V2", "0.00"),
        ("GK-3", "V3", "0.00"),
    ]


def test_made_again_for_the_same_date_it_has_the_same_digest_whatever_came_later(
    world, paid_in_part
):
    region = Region.objects.get(code=UPSTREAM)
    period = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    before = reports.reconciliation_content(region, **period, as_of=date(2025, 6, 30))

    voucher(world, "GK-5", date(2025, 6, 1), "2000000.00", "V2")  # entered today
    again = reports.reconciliation_content(region, **period, as_of=date(2025, 6, 30))
    today = reports.reconciliation_content(region, **period, as_of=timezone.localdate())

    assert digest_of(again) == digest_of(before)
    assert today["totals"]["booked_matched"] == "105174987.50"
    assert digest_of(today) != digest_of(before)
    csv_text = reports.render(before, "csv").decode("utf-8-sig")
    assert csv_text.rstrip().endswith(f"内容摘要 SHA-256 digest,{digest_of(before)}")


def test_the_operator_downloads_their_regions_reports_in_each_format(client, world, paid_in_part):
    client.force_login(world["users"]["operator"])
    url = reverse("portal:reconciliation", args=[UPSTREAM])
    query = {"start": "2025-01-01", "end": "2025-12-31", "as_of": "2025-06-30"}

    pdf = client.get(url, {**query, "format": "pdf"})
    sheet = client.get(url, {**query, "format": "xlsx"})
    table = client.get(url, {**query, "format": "csv"})

    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert "reconciliation-" + UPSTREAM in pdf["Content-Disposition"]
    check = load_workbook(io.BytesIO(sheet.content))["核验 Verification"]
    totals = {row[0]: row[1] for row in check.iter_rows(values_only=True)}
    assert totals["凭证未核销 evidence, unmatched"] == Decimal("500.00")
    assert totals["账面未核销 booked, unmatched"] == Decimal("101174987.50")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert ["账面应付 Booked"] in rows and ["支付凭证 Evidence"] in rows
    v4 = Recipient.objects.get(code="V4")
    statement = client.get(
        reverse("portal:recipient-statement", args=[UPSTREAM, v4.pk]), {"format": "csv"}
    )
    assert "未付合计 outstanding,51087493.75" in statement.content.decode("utf-8-sig")
    page = client.get(reverse("portal:region", args=[UPSTREAM])).content.decode()
    assert "51,087,493.75" in page
    assert reverse("portal:recipient-statement", args=[UPSTREAM, v4.pk]) in page


def test_another_regions_reports_are_not_found_and_bad_dates_are_told(client, world, paid_in_part):
    client.force_login(world["users"]["operator"])
    other = RecipientFactory(region=Region.objects.get(code=world["other"]), code="V-OTHER")
    good = {"start": "2025-01-01", "end": "2025-12-31", "format": "pdf"}

    foreign = client.get(reverse("portal:reconciliation", args=[world["other"]]), good)
    stranger = client.get(
        reverse("portal:recipient-statement", args=[UPSTREAM, other.pk]), {"format": "pdf"}
    )
    backwards = client.get(
        reverse("portal:reconciliation", args=[UPSTREAM]),
        {**good, "start": "2025-12-31", "end": "2025-01-01"},
    )
    no_date = client.get(
        reverse("portal:reconciliation", args=[UPSTREAM]), {**good, "end": "2025-02-30"}
    )
    no_format = client.get(
        reverse("portal:reconciliation", args=[UPSTREAM]), {**good, "format": "docx"}
    )
    future = client.get(
        reverse("portal:recipient-statement", args=[UPSTREAM, Recipient.objects.get(code="V1").pk]),
        {"format": "pdf", "as_of": "9999-12-31"},
    )

    assert (foreign.status_code, stranger.status_code) == (404, 404)
    statuses = {r.status_code for r in (backwards, no_date, no_format, future)}
    assert statuses == {400}
    assert "Give today or an earlier day" in future.content.decode()
    assert "A period&#x27;s first day comes before its last day." in backwards.content.decode()
    assert "Enter a valid date." in no_date.content.decode()
    assert "docx" in no_format.content.decode()


def test_a_plan_reversed_later_is_still_in_a_report_made_for_an_earlier_day(world):
    upstream = Region.objects.get(code=UPSTREAM)
    plan = villages_plan(world, codes=("V1", "V2"))
    SubAllocationPlan.objects.filter(pk=plan.pk).update(decided_at=ENTERED)
    plans.reverse_plan(plan, by=world["users"]["finance"], reason="keyed twice")
    period = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}

    then = reports.reconciliation_content(upstream, **period, as_of=date(2025, 6, 30))
    now = reports.reconciliation_content(upstream, **period, as_of=timezone.localdate())

    assert then["totals"]["booked"] == "204349975.00"
    assert [x["status"] for x in then["booked"]] == ["withheld", "withheld"]
    assert (now["booked"], now["totals"]["booked"]) == ([], "0.00")


def test_names_are_printed_not_digested_and_a_formula_is_written_as_text(world, paid_in_part):
    region = Region.objects.get(code=UPSTREAM)
    period = {"start": date(2025, 1, 1), "end": date(2025, 12, 31), "as_of": date(2025, 6, 30)}
    before = reports.reconciliation_content(region, **period)
    Recipient.objects.filter(code="V1").update(name="翠村村委会")
    Payment.objects.filter(reference="GK-4").update(reference='=HYPERLINK("http://x","y")')

    renamed = reports.reconciliation_content(region, **period)
    table = reports.render(renamed, "csv").decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(reports.render(renamed, "xlsx")))["支付凭证 Evidence"]

    assert digest_of(renamed["booked"]) == digest_of(before["booked"])
    assert "翠村村委会（村集体，V1）" in table
    assert """'=HYPERLINK(""http://x"",""y"")""" in table
    cell = next(c for c in sheet["A"] if "HYPERLINK" in str(c.value))
    assert (cell.data_type, cell.value) == ("s", '\'=HYPERLINK("http://x","y")')
