"""The posted Xin'an world of the access-matrix tests: one user per role, operator on 黄山市."""

from tests.portal.conftest import (  # noqa: F401 - fixtures
    checker,
    english,
    issued,
    maker,
    pilot,
    programme,
    world,
    xinan,
)
