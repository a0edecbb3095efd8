"""Downloads and verification by role, and the audit trail: recorded, browsable, exported, kept."""

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from compensation.models import CarbonPrice, SettlementRun, Statement
from config.roles import AUDITOR, ECOLOGY, OPERATOR
from tests.factories import UserFactory


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", group=AUDITOR)


def upstream_pdf(run):
    return Statement.objects.get(run=run, region__code="341000")


def test_auditors_download_every_format(client, issued, auditor):
    client.force_login(auditor)
    statement = upstream_pdf(issued)

    for fmt, kind in (("pdf", "application/pdf"), ("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        response = client.get(reverse("statement_file", args=[statement.pk, fmt]))
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert f"statement-run{issued.pk}-341000.{fmt}" in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert body == getattr(statement, fmt).open("rb").read()


def test_no_download_without_the_role(client, issued):
    statement = upstream_pdf(issued)
    url = reverse("statement_file", args=[statement.pk, "pdf"])

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(username="operator", group=OPERATOR))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="auditor", group=AUDITOR))
    assert client.get(reverse("statement_file", args=[statement.pk, "exe"])).status_code == 404


def test_verification_page_says_matches_or_names_the_difference(client, issued, auditor):
    client.force_login(auditor)
    statement = upstream_pdf(issued)
    url = reverse("admin:compensation_statement_verify")
    original = statement.csv.open("rb").read()

    page = client.post(
        url, {"file": io.BytesIO(original)}, headers={"accept-language": "en"}, format="multipart"
    )
    assert f"Matches run {issued.pk}, 黄山市 (341000)" in page.content.decode()

    edited = original.replace(b"200000000.00", b"200000001.00", 1)
    upload = io.BytesIO(edited)
    upload.name = "edited.csv"
    page = client.post(url, {"file": upload}, headers={"accept-language": "en"})
    text = page.content.decode()
    assert "This file does not match the ledger." in text
    assert "200000001.00" in text


def test_verification_page_needs_the_verify_permission(client, issued):
    client.force_login(UserFactory(username="ecologist", group=ECOLOGY))

    assert client.get(reverse("admin:compensation_statement_verify")).status_code == 403


def test_changes_are_audited_with_user_and_before_after(client, db, auditor):
    ecologist = UserFactory(username="ecologist", group=ECOLOGY)
    client.force_login(ecologist)
    price = CarbonPrice.objects.get(market__code="CEA", date__year=2024)

    response = client.post(
        reverse("admin:compensation_carbonprice_change", args=[price.pk]),
        {
            "market": price.market_id,
            "date": price.date.isoformat(),
            "price": "98.00",
            "source": price.source,
        },
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(price).latest("timestamp")
    assert entry.actor == ecologist
    assert entry.changes_dict["price"] == ["97.49", "98.00"]

    client.force_login(auditor)
    listing = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert listing.status_code == 200
    # django-auditlog ships no Chinese; our catalogue carries its strings.
    page = listing.content.decode()
    assert all(word in page for word in ("审计日志", "资源类型", "创建时间", "资源")), page
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert all(word in detail.content.decode() for word in ("字段", "原值", "新值"))
    export = client.post(
        reverse("admin:auditlog_logentry_changelist"),
        {"action": "export_csv", "_selected_action": [entry.pk]},
    )
    csv_text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert (
        "ecologist" in csv_text and "98.00" in csv_text and "compensation.carbonprice" in csv_text
    )


def test_run_approvals_are_in_the_audit_trail(issued, checker):
    approved = issued.transitions.get(to_status="approved")

    entry = LogEntry.objects.get_for_object(approved).get()

    assert entry.action == LogEntry.Action.CREATE
    assert LogEntry.objects.get_for_objects(SettlementRun.objects.filter(pk=issued.pk)).exists()


def test_the_audit_trail_cannot_be_changed_or_deleted(db):
    price = CarbonPrice.objects.get(market__code="CEA", date__year=2024)
    price.price = Decimal("99.00")
    price.save()
    entry = LogEntry.objects.get_for_object(price).latest("timestamp")

    for statement in (
        "UPDATE auditlog_logentry SET changes = '{}' WHERE id = %s",
        "DELETE FROM auditlog_logentry WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="AUDIT_APPEND_ONLY"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
