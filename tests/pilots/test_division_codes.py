import pytest
from django.core.exceptions import ValidationError

from pilots.validators import validate_division_code


@pytest.mark.parametrize("code", ["341000", "330127", "110101", "820000"])
def test_valid_codes_pass(code):
    validate_division_code(code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("34100", "six digits"),
        ("3410000", "six digits"),
        ("34a000", "six digits"),
        ("", "six digits"),
        ("991000", "province code"),
        ("001000", "province code"),
    ],
)
def test_invalid_codes_are_refused_with_the_reason(code, reason):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match=reason):
        validate_division_code(code)
