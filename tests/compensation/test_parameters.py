"""A new year's vertical table starts as a copy of last year's, by service and admin action."""

import pytest
from django.urls import reverse

from compensation.exceptions import CompensationError
from compensation.models import VerticalParameters
from compensation.parameters import copy_vertical_parameters
from config.roles import FINANCE, OPERATOR
from tests.factories import UserFactory, parameters


def _table(p):
    return (
        (p.budget, p.prohibited_subsidy_per_km2, p.carbon_market_id, p.carbon_weight),
        sorted(p.tiers.values_list("min_gap", "coefficient")),
        sorted(
            p.regions.values_list(
                "region__code", "standard_revenue", "standard_expenditure", "guiding_subsidy"
            )
        ),
        sorted(p.assessment.values_list("change", "percent")),
    )


def test_a_copy_has_every_row_of_the_table_and_says_where_it_came_from(programme):
    source = parameters(programme, carbon=False, year=2024)

    copy = copy_vertical_parameters(source, year=2025)

    assert copy.year == 2025 and copy.pk != source.pk
    assert _table(copy) == _table(source)
    assert copy.regions.count() > 0 and copy.tiers.count() > 0
    assert "2024" in copy.source
    with pytest.raises(CompensationError):
        copy_vertical_parameters(source, year=2025)
    assert VerticalParameters.objects.filter(programme=programme, year=2025).count() == 1


def test_finance_copies_from_the_admin_list_and_an_operator_cannot(client, programme):
    source = parameters(programme, carbon=False, year=2024)
    url = reverse("admin:compensation_verticalparameters_changelist")
    data = {"action": "copy_to_next_year", "_selected_action": [source.pk]}

    client.force_login(UserFactory(username="operator", group=OPERATOR))
    client.post(url, data)
    assert not VerticalParameters.objects.filter(year=2025).exists()

    client.force_login(UserFactory(username="finance", group=FINANCE))
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert VerticalParameters.objects.filter(programme=programme, year=2025).exists()
    response = client.post(url, data, follow=True)
    assert "2025" in response.content.decode()
    assert VerticalParameters.objects.filter(programme=programme, year=2025).count() == 1
