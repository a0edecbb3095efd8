"""Pass-through tests read admin and region pages in English (zh-hans is the default)."""

import pytest


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages follow the request's language; these tests read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
