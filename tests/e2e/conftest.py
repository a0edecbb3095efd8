"""Browser tests: Debian's headless Chromium driven by Playwright against pytest-django's live
server, on the PostGIS test database, with a real Celery worker for settlement.

A failing test leaves a screenshot of its page under the pytest temporary directory
(the path is printed). With TANHUI_GUIDE_SCREENSHOTS=docs/images/guide the steps the
user guide shows are saved there too.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py)."""


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, closed before other modules run.

    Playwright's sync API keeps an event loop running in this thread, which Django's
    async-safety check mistakes for async code calling the ORM; the check is lifted
    for as long as the browser is open, and only then.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.")
    from django.db import connections

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # With an event loop running, asgiref hands this thread new connection objects;
        # they need the test database's serialized contents for serialized rollback.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def context(browser, request, tmp_path_factory):
    """A fresh browser context in Chinese; the page is photographed if the test fails."""
    context = browser.new_context(
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-Hans"},
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
    )
    yield context
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = tmp_path_factory.getbasetemp() / "screenshots"
        folder.mkdir(exist_ok=True)
        for n, page in enumerate(context.pages):
            path = folder / f"{request.node.name}-{n}.png"
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failing page: {path}")
    context.close()
