"""Supervision pages in English, on the posted Xin'an world (`world`, tests/fixtures.py): one
user per role, the operator on 黄山市."""

import pytest


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages follow the request's language (zh-hans by default); these tests read English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
