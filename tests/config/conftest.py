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
