"""Query parameters checked like bodies: a bad filter or page value is a 400 naming it.

django-filter reads an integer column's filter as a decimal (`?year=0.5` matches nothing
and answers 200; `?year=2024.0` is read as 2024); here an integer column takes digits,
text no control characters (Django's form fields already refuse NUL), a boolean column
true or false, and choices only their values (django-filter's ChoiceFilter). Pagination
parameters are checked by api.pagination.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet


class DigitsField(forms.IntegerField):
    """An integer written as digits: Django's IntegerField also takes `2024.0` as 2024."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]+", str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WholeFilter(NumberFilter):
    """An integer column's filter: `?year=2024`; `2024.0`, `0.5`, `1e3` or text is a 400."""

    field_class = DigitsField


class YesNoField(forms.NullBooleanField):
    """true or false (also True/False/1/0): django-filter reads anything else as "no filter"
    (`?published=maybe` answered every row)."""

    READ = {"true", "false", "1", "0"}
    widget = forms.TextInput  # NullBooleanSelect turns any other word into None first

    def to_python(self, value):
        if value not in self.empty_values and str(value).strip().lower() not in self.READ:
            raise ValidationError(_("Enter true or false."), code="invalid")
        return super().to_python(value)


class YesNoFilter(BooleanFilter):
    """A boolean column's filter: `?published=true`; any other word is a 400."""

    field_class = YesNoField


INTEGER_COLUMNS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


class StrictFilterSet(RestFilterSet):
    FILTER_DEFAULTS = {
        **RestFilterSet.FILTER_DEFAULTS,
        **{column: {"filter_class": WholeFilter} for column in INTEGER_COLUMNS},
        models.BooleanField: {"filter_class": YesNoFilter},
    }


class StrictFilters(DjangoFilterBackend):
    """The API's filter backend: filtersets built from `filterset_fields` are strict."""

    filterset_base = StrictFilterSet
