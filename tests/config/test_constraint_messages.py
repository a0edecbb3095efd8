"""Every rule the database enforces is explained to the user at its field, in Chinese.

config/constraints.py explains comparisons (price > 0) at their field; any other
constraint must say in its own words what is wrong.
"""

import pytest
from django.apps import apps
from django.db.models import CheckConstraint
from django.forms import modelform_factory
from django.utils import translation

from compensation.models import CarbonPrice
from config.constraints import comparisons, has_own_message

OURS = ("pilots", "compensation", "supervision", "ledger", "api", "disclosure")


def _check_constraints():
    for label in OURS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                if isinstance(constraint, CheckConstraint):
                    yield model, constraint


def test_every_check_constraint_is_a_comparison_or_says_what_is_wrong():
    unexplained = [
        f"{model._meta.label}: {constraint.name}"
        for model, constraint in _check_constraints()
        if comparisons(constraint.condition) is None and not has_own_message(constraint)
    ]
    assert list(_check_constraints()), "no check constraints found"
    assert unexplained == []


def test_own_messages_read_in_chinese():
    with translation.override("zh-hans"):
        english = [
            constraint.name
            for _model, constraint in _check_constraints()
            if has_own_message(constraint)
            and not any("\u4e00" <= c <= "\u9fff" for c in str(constraint.violation_error_message))
        ]
    assert english == []


@pytest.mark.django_db
def test_a_negative_price_is_refused_at_the_price_field_in_chinese():
    form_class = modelform_factory(CarbonPrice, fields=["price"])
    instance = CarbonPrice()
    with translation.override("zh-hans"):
        form = form_class(data={"price": "-1"}, instance=instance)
        assert not form.is_valid()
        assert form.errors["price"] == ["须大于 0。"]
        assert "__all__" not in form.errors
        assert "compensation_price_positive" not in str(form.errors)
