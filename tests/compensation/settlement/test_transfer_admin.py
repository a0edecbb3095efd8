"""A run's transfers in the admin read as an official expects: names, units, labelled inputs."""

import pytest
from django.urls import reverse

from compensation.models import RunTransfer
from ledger import naming
from tests.factories import UPSTREAM, posted_run


@pytest.fixture
def run(pilot, maker, checker):
    return posted_run(pilot, maker, checker)


def test_the_list_names_channels_parties_and_amounts(admin_client, run):
    page = admin_client.get(reverse("admin:compensation_runtransfer_changelist")).content.decode()

    assert '<td class="field-channel">纵向</td>' in page
    assert "中央财政<br><small>cny:central:vertical</small>" in page
    assert "黄山市<br><small>cny:region:341000:vertical</small>" in page
    assert "4,341,975.00 元" in page
    assert ">vertical<" not in page and ">horizontal<" not in page


def test_a_transfer_shows_its_inputs_as_labelled_lines_in_the_reader_s_language(admin_client, run):
    transfer = RunTransfer.objects.get(run=run, channel="vertical", payee_region=UPSTREAM)
    url = reverse("admin:compensation_runtransfer_change", args=[transfer.pk])

    chinese = admin_client.get(url).content.decode()
    english = admin_client.get(url, headers={"accept-language": "en"}).content.decode()

    assert "实拨金额（元）：4,341,975.00" in chinese
    assert '"fiscal_gap"' not in chinese  # not the stored JSON
    assert "paid (CNY)：4,341,975.00" in english
    assert f"#{transfer.entry.sequence}" in chinese


def test_the_ledger_names_accounts_by_their_party_and_purpose(admin_client, run):
    url = reverse("admin:ledger_account_changelist")

    chinese = admin_client.get(url).content.decode()
    english = admin_client.get(url, headers={"accept-language": "en"}).content.decode()
    postings = admin_client.get(reverse("admin:ledger_posting_changelist")).content.decode()

    assert "中央财政 · 纵向拨款" in chinese
    assert "黄山市 · 纵向补偿资金" in chinese and "4,341,975.00 元" in chinese
    assert "central government · vertical funding" in english
    assert "341000 vertical compensation" not in chinese  # the stored name, English
    assert "黄山市 · 纵向补偿资金" in postings


def test_an_account_no_app_names_keeps_its_stored_name():
    assert naming.names(["fund:central", "cny:region:341000:vertical:x"]) == {}


def test_the_ledger_describes_entries_in_the_reader_s_language(admin_client, run):
    url = reverse("admin:ledger_journalentry_changelist")

    chinese = admin_client.get(url).content.decode()
    english = admin_client.get(url, headers={"accept-language": "en"}).content.decode()

    assert "纵向：中央财政 → 黄山市" in chinese
    assert "黄山市 2024 年碳汇核证入账" in chinese  # a sink verification, by region and year
    assert "Vertical transfer 2024 to 341000" not in chinese  # stored, shown on its page
    assert "vertical: central government to 黄山市" in english
