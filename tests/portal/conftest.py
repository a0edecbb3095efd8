"""Portal tests read messages in English; the posted Xin'an world with one user per role
(`world`) is a fixture of tests/fixtures.py."""

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py)."""
