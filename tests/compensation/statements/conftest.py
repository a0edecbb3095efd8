"""Statement tests read messages in English; the posted 2024 run with its statements
(`issued`, `stated`) is a fixture of tests/fixtures.py."""

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py)."""
