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

from tests.compensation.statements.conftest import (  # noqa: F401 - fixtures for the scenarios
    checker,
    english,
    issued,
    maker,
    pilot,
    programme,
    xinan,
)
from tests.workers import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "e2e-passphrase-2026"
GUIDE = os.environ.get("TANHUI_GUIDE_SCREENSHOTS")
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


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


def log_in(context, live_server, username, *, next_path="/"):
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def guide_shot(page, name: str) -> None:
    """Keep this step's picture for docs/user-guide.md when asked to."""
    if GUIDE:
        folder = PROJECT_ROOT / GUIDE
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=False)
