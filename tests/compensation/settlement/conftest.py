"""Settlement tests read messages in English; the Xin'an pilot due for 2024, its users and the
worker processes are fixtures of tests/fixtures.py."""

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py)."""
