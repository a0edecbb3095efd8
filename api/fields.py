"""Strict input fields for every API write: the JSON type the schema names, nothing coerced.

DRF's own fields accept what happens to convert: `1.5` or `"7"` for an id (truncated),
`0` or `-0` for a boolean, `1e400` (read as infinity) for a text field. These refuse
anything but the named JSON type, with a 400 that names the field:

Id      a JSON integer (not a boolean, float or string), 1 to 2**63-1, of an existing row
Whole   a JSON integer within the field's min_value/max_value
Flag    JSON true or false
Text    a JSON string without control characters (tab, newline and carriage return allowed)

A multipart or urlencoded form sends every value as a string: there, an id or a whole
number is a string of ASCII digits, a flag "true" or "false".
"""

import re

from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

BIGINT_MAX = 2**63 - 1
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# Written as what the text must match (not as what it must not, inverse_match), so that
# the OpenAPI schema, which copies the pattern, says what a valid text is.
no_control_characters = RegexValidator(
    re.compile(rf"^[^{CONTROL}]*\Z"), _("Remove the control characters from this text.")
)


def json_kind(data) -> str:
    """What a parsed JSON value is, in the user's language: "a number", "a list", ..."""
    if data is None:
        return _("null")
    if isinstance(data, bool):
        return _("true or false")
    if isinstance(data, float):
        return _("a decimal number")
    if isinstance(data, int):
        return _("a number")
    if isinstance(data, str):
        return _("a string")
    if isinstance(data, list | tuple):
        return _("a list")
    return _("an object")


def _from_form(field) -> bool:
    return isinstance(getattr(field.root, "initial_data", None), QueryDict)


def _integer(field, data):
    """The int `data` stands for, or None when it is not a JSON integer (or form digits)."""
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    if isinstance(data, str) and _from_form(field) and data.isascii() and data.isdigit():
        return int(data)
    return None


class Id(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "incorrect_type": _("Give the id as a JSON integer, not {kind}."),
    }

    def to_internal_value(self, data):
        number = _integer(self, data)
        if number is None:
            self.fail("incorrect_type", kind=json_kind(data))
        if not 1 <= number <= BIGINT_MAX:
            self.fail("does_not_exist", pk_value=number)
        return super().to_internal_value(number)


class Whole(serializers.IntegerField):
    default_error_messages = {"invalid": _("Give a JSON integer.")}

    def to_internal_value(self, data):
        number = _integer(self, data)
        if number is None:
            self.fail("invalid")
        return super().to_internal_value(number)


class Flag(serializers.BooleanField):
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if _from_form(self) and data in ("true", "false"):
            return data == "true"
        self.fail("invalid")


class Text(serializers.CharField):
    default_error_messages = {"invalid": _("Give text (a JSON string), not {kind}.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(no_control_characters)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", kind=json_kind(data))
        return super().to_internal_value(data)
