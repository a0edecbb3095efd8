"""The channels' tests read messages in English; their pilots are fixtures of tests/fixtures.py."""

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py)."""
