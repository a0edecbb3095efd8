"""The ledger admin shows everything and lets nobody, not even a superuser, write."""

import pytest
from django.urls import reverse

from ledger.models import Account, JournalEntry, Posting


@pytest.fixture
def entry(funded):
    return JournalEntry.objects.order_by("sequence").first()


@pytest.mark.parametrize(
    ("model", "shown"),
    [(Account, "fund:central"), (JournalEntry, "transfer"), (Posting, "fund:central")],
)
def test_changelists_are_readable(admin_client, entry, model, shown):
    url = reverse(f"admin:ledger_{model._meta.model_name}_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200
    assert shown in response.content.decode()


@pytest.mark.parametrize("model", [Account, JournalEntry, Posting])
def test_nothing_can_be_added(admin_client, entry, model):
    response = admin_client.get(reverse(f"admin:ledger_{model._meta.model_name}_add"))

    assert response.status_code == 403


def test_an_entry_is_shown_without_a_save_button(admin_client, entry):
    response = admin_client.get(reverse("admin:ledger_journalentry_change", args=[entry.pk]))

    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b"fund:central" in response.content


def test_an_entry_cannot_be_changed_or_deleted_through_the_admin(admin_client, entry):
    change = admin_client.post(
        reverse("admin:ledger_journalentry_change", args=[entry.pk]), {"description": "edited"}
    )
    delete = admin_client.post(
        reverse("admin:ledger_journalentry_delete", args=[entry.pk]), {"post": "yes"}
    )

    entry.refresh_from_db()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert entry.description == "transfer"
