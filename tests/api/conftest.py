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
