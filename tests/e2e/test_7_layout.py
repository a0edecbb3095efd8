"""Scenario 7: every page of every role fits the screen at 1280, 1440 and 1920 px.

The demo is loaded as `make demo` loads it; each role (and the demo's administrator) opens
its pages in Chromium, in Chinese: the administrator every admin page (tests/pages.py, as the
language test walks them), each role its admin index, app indexes, changelists and the
first object of each model it is shown, and every page outside the admin. At each width
the page must not scroll sideways, and no visible element may stick out of the viewport
unless a box that scrolls or clips it holds it (a wide table in its scrolling frame).
Elements wholly left of the page (skip links) and one-pixel boxes (screen-reader text)
are hidden by design.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from tests.conftest import committing
from tests.pages import (
    admin_index_urls,
    demo_site_values,
    every_admin_url,
    object_urls,
    registry,
    site_urls,
)

pytestmark = committing

WIDTHS = (1280, 1440, 1920)
ROLES = (FINANCE, ECOLOGY, OPERATOR, AUDITOR)
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NOT_PAGES = ("Download is starting", "ERR_HTTP_RESPONSE_CODE_FAILURE")

# What sticks out at the current width: the page's own scroll width, and the first elements
# (tag#id.class and their box) that cross the viewport's left or right edge outside any box
# that scrolls or clips them.
OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const held = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (/auto|scroll|hidden|clip/.test(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
       ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if ((box.left < -1 || box.right > width + 1) && !held(el)) {
      out.push(`${name(el)} ${Math.round(box.left)}..${Math.round(box.right)}`);
      if (out.length === 5) break;
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, out};
}"""


@pytest.fixture
def demo():
    call_command("setup_demo", stdout=StringIO())


def _signed_in(browser, live_server, user):
    """A Chinese browser context at the narrowest width, signed in as `user`."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-Hans"},
        viewport={"width": WIDTHS[0], "height": 900},
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return client, context


def _role_urls(client) -> list[str]:
    """The role's admin index pages, its models' first objects and the pages outside the
    admin; one URL once."""
    urls = admin_index_urls(client, **ZH)
    shown = set(urls)
    for model, _admin in registry():
        opts = model._meta
        if f"/admin/{opts.app_label}/{opts.model_name}/" in shown:
            urls += object_urls(model)
    return list(dict.fromkeys(urls + site_urls(demo_site_values())))


def _misfits(context, live_server, urls) -> dict[str, list[str]]:
    """URL -> what sticks out at each width where something does, for the HTML pages."""
    page, found = context.new_page(), {}
    for url in urls:
        try:
            response = page.goto(f"{live_server.url}{url}")
        except PlaywrightError as error:
            # A file (statement PDF, CSV) or an error with no body (405 to a GET): no page.
            if any(cause in error.message for cause in NOT_PAGES):
                page.close()  # its error page would interrupt the next navigation
                page = context.new_page()
                continue
            raise
        if response is None or "html" not in response.headers.get("content-type", ""):
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            seen = page.evaluate(OUTSIDE)
            if seen["scroll"] > seen["width"] or seen["out"]:
                found.setdefault(url, []).append(
                    f"{width}px: scroll width {seen['scroll']}, " + "; ".join(seen["out"])
                )
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return found


def test_every_page_of_every_role_fits_the_screen(browser, live_server, demo):
    users = get_user_model().objects
    found, opened = {}, 0

    client, context = _signed_in(browser, live_server, users.get(is_superuser=True))
    urls = list(dict.fromkeys(every_admin_url() + site_urls(demo_site_values())))
    found["administrator"] = _misfits(context, live_server, urls)
    opened += len(urls)
    context.close()
    for role in ROLES:
        user = users.filter(groups__name=role).order_by("pk").first()
        client, context = _signed_in(browser, live_server, user)
        urls = _role_urls(client)
        found[role] = _misfits(context, live_server, urls)
        opened += len(urls)
        context.close()

    misfits = [
        f"{who} {url} {width}"
        for who, pages in found.items()
        for url, at in pages.items()
        for width in at
    ]
    assert opened > 300
    assert misfits == [], "\n".join(misfits)
