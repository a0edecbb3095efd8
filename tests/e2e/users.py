"""The people of the browser scenarios and the steps every scenario takes with them."""

import os

from django.contrib.auth.models import User

from tests.factories import UserFactory
from tests.workers import PROJECT_ROOT

PASSWORD = "e2e-passphrase-2026"
GUIDE = os.environ.get("TANHUI_GUIDE_SCREENSHOTS")


def person(role: str, username: str) -> User:
    """A staff user in the group `role`, whose password is PASSWORD."""
    return UserFactory(username=username, password=PASSWORD, group=role)


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
