"""Roles as groups: what each official may see and change, and how passwords are stored."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from compensation.models import CarbonPrice
from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR, ROLES

pytestmark = pytest.mark.django_db


def _codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_every_role_exists():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        FINANCE,
        ECOLOGY,
        OPERATOR,
        AUDITOR,
    }


def test_auditors_view_everything_and_change_nothing():
    codenames = _codenames(AUDITOR)

    assert {
        "view_journalentry",
        "view_posting",
        "view_zone",
        "view_valuation",
        "view_importbatch",
        "view_logentry",
        "view_statement",
    } <= codenames
    # Verifying a statement reads the ledger and writes nothing.
    assert {c for c in codenames if not c.startswith("view_")} == {"verify_statement"}


def test_ecology_officials_maintain_zones_methodologies_and_prices():
    codenames = _codenames(ECOLOGY)

    assert {
        "add_zone",
        "add_landcover",
        "add_methodologyversion",
        "change_sinkcoefficient",
        "add_carbonprice",
    } <= codenames
    assert "change_journalentry" not in codenames


def test_finance_officials_do_not_edit_zones():
    codenames = _codenames(FINANCE)

    assert "view_zone" in codenames
    assert not {"add_zone", "change_zone", "add_carbonprice"} & codenames


def test_operators_view_region_bound_data_add_monitoring_data_and_acknowledge_alerts():
    codenames = _codenames(OPERATOR)

    assert {"view_zone", "view_statement", "view_runtransfer", "add_monitoringrecord"} <= codenames
    assert {c for c in codenames if not c.startswith("view_")} == {
        "add_monitoringrecord",
        "acknowledge_alert",
        "add_recipient",
        "change_recipient",
        "propose_suballocationplan",
        "add_payment",
        "add_paymentmatch",
    }
    assert not {"view_journalentry", "view_account", "view_valuation", "view_logentry"} & codenames


def test_ecology_officials_alone_request_and_approve_sink_verification():
    decide = {"request_sinkverification", "approve_sinkverification"}

    assert decide <= _codenames(ECOLOGY)
    for role in (FINANCE, AUDITOR, OPERATOR):
        assert "view_sinkverification" in _codenames(role)
        assert not decide & _codenames(role)


def _staff(client, role):
    user = User.objects.create_user(
        role.replace(" ", "-"), password="a-long-passphrase-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def test_only_those_who_pay_see_recipients_personal_details_and_finance_alone_approves_plans():
    assert {role for role in ROLES if "view_details_recipient" in _codenames(role)} == {
        FINANCE,
        OPERATOR,
    }
    assert {role for role in ROLES if "approve_suballocationplan" in _codenames(role)} == {FINANCE}
    assert {role for role in ROLES if "propose_suballocationplan" in _codenames(role)} == {OPERATOR}


def test_an_auditor_reads_the_books_but_cannot_add_a_price(client):
    _staff(client, AUDITOR)

    books = client.get(reverse("admin:ledger_journalentry_changelist"))
    add = client.get(reverse("admin:compensation_carbonprice_add"))

    assert books.status_code == 200
    assert add.status_code == 403


def test_an_ecology_official_adds_a_price(client):
    _staff(client, ECOLOGY)
    market = CarbonPrice.objects.first().market

    response = client.post(
        reverse("admin:compensation_carbonprice_add"),
        {"market": market.pk, "date": "2025-06-30", "price": "88.00", "source": "exchange"},
    )

    assert response.status_code == 302
    assert CarbonPrice.objects.filter(date="2025-06-30", price="88.00").exists()


def test_an_operator_without_an_assigned_region_sees_no_zone(client):
    _staff(client, OPERATOR)

    response = client.get(reverse("admin:pilots_zone_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert client.get(reverse("admin:ledger_journalentry_changelist")).status_code == 403


def test_passwords_are_hashed_with_argon2():
    user = User.objects.create_user("someone", password="a-long-passphrase-1")

    assert user.password.startswith("argon2$")
