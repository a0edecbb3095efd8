import pytest
from rest_framework.test import APIClient

GENEROUS = {
    "write-user": "100000/min",
    "write-ip": "100000/min",
    "auth-user": "100000/min",
    "auth-ip": "100000/min",
}


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py)."""


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    """Tests send many writes from one address: only the throttling tests set real limits."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": GENEROUS}


@pytest.fixture
def api():
    return APIClient()
