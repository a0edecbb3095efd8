"""The posted Xin'an world with one user per role (tests/portal/conftest.py)."""

from tests.portal.conftest import (  # noqa: F401 - fixtures
    checker,
    english,
    maker,
    pilot,
    programme,
    stated,
    world,
    xinan,
)
