"""The portal's pages read as a Chinese finance bureau's: money in 元, parties by name, no codes."""

import re

from django.urls import reverse
from django.utils import translation

from compensation import parties
from compensation.models import RunTransfer


def test_region_page_names_parties_and_shows_yuan(client, world):
    client.force_login(world["users"]["finance"])
    page = client.get(reverse("portal:region", args=[world["own"]])).content.decode()

    received = RunTransfer.objects.filter(run=world["run"], payee_region=world["own"]).first()
    assert received is not None
    payer = parties.labels([received.payer])[received.payer]
    assert payer in page
    assert f"{received.amount:,.2f} 元" in page
    assert not re.search(r"\bcny:|\bCNY\b|\bcentral\b|\bbuyer\b", page)
    for english in ("纵向 vertical", "横向 horizontal", "市场 market"):
        assert english not in page


def test_party_labels_name_every_kind_of_account(world):
    codes = list(
        RunTransfer.objects.filter(run=world["run"]).values_list("payer", flat=True).distinct()
    )
    with translation.override("zh-hans"):
        names = parties.labels([*codes, "not:an:account"])
    assert names["not:an:account"] == "not:an:account"
    assert all(
        name and not name.startswith("cny:")
        for code, name in names.items()
        if code != "not:an:account"
    )
    assert "中央财政" in names.values()


def test_dashboard_legends_cover_every_colour_and_flows_name_parties(client, world):
    client.force_login(world["users"]["finance"])
    programme = world["run"].programme
    with translation.override("zh-hans"):
        page = client.get(reverse("portal:dashboard", args=[programme.pk])).content.decode()
    for colour in ("#2e7d32", "#c62828", "#bdbdbd", "#1565c0", "#ef6c00"):
        assert f"--c:{colour}" in page
    assert "中央财政" in page
    assert "中央 central" not in page and "buyer" not in page
