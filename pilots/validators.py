"""Validators for what officials type: GB/T 2260 division codes, text without control characters."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province-level prefixes of GB/T 2260 (11 Beijing ... 65 Xinjiang, 71 Taiwan, 81/82 HK/Macao).
PROVINCE_PREFIXES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82",
    }
)  # fmt: skip
CODE_PATTERN = re.compile(r"^\d{6}$")


def control_character(text: str) -> str | None:
    """The first control character (Unicode category Cc, NUL included) in `text`, if any."""
    return next((c for c in text if unicodedata.category(c) == "Cc"), None)


def validate_division_code(value: str) -> None:
    if not CODE_PATTERN.match(value or ""):
        raise ValidationError(
            _("%(value)s is not a GB/T 2260 code: it must be six digits, e.g. 341000."),
            params={"value": value},
            code="format",
        )
    if value[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            _("%(value)s does not start with a province code (11-65, 71, 81, 82)."),
            params={"value": value},
            code="province",
        )
