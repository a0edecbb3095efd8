"""The posted Xin'an world of the access-matrix tests: one user per role, operator on 黄山市."""

import pytest


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages follow the request's language (zh-hans by default); these tests read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
