"""Screenshots of the officials' pages and a statement for docs/images/, from a fresh demo.

Run by `make screenshots`: builds the embedded demo in a temporary directory,
serves it, logs in as the demo finance official and the 黄山市 operator in
Debian's headless Chromium (Playwright), and saves as PNG the dashboard, the
posted run's page, the operator's region page, an evaluation and the public
pilot page; the first page of 黄山市's statement of that run is drawn by
poppler's pdftoppm at 110 dpi, as printed.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "tanhui-demo-2026"  # noqa: S105 - the demo's published password
SERVICES = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
# The demo's first posted run and the file of 黄山市's statement of it: "<run id> <path>".
POSTED_RUN = (
    "from compensation.models import SettlementRun, Statement;"
    "run = SettlementRun.objects.filter(posted_at__isnull=False).order_by('pk').first();"
    "s = Statement.objects.get(run=run, region__code='341000');"
    "print(run.pk, s.pdf.path)"
)


def main() -> int:
    with tempfile.TemporaryDirectory() as var:
        env = {k: v for k, v in os.environ.items() if k not in SERVICES} | {"TANHUI_VAR_DIR": var}

        def manage(*args) -> str:
            return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout

        manage("migrate", "--noinput")
        manage("setup_demo")
        run, pdf = manage("shell", "-c", POSTED_RUN).splitlines()[-1].split(" ", 1)
        _statement_page(Path(pdf), OUT / "statement-example.png")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
                _shoot(browser, base, "finance-checker", "/pilots/1/", "dashboard.png")
                _shoot(
                    browser,
                    base,
                    "finance-checker",
                    f"/admin/compensation/settlementrun/{run}/change/",
                    "run-page.png",
                )
                _shoot(browser, base, "operator-huangshan", "/regions/341000/", "operator-page.png")
                _shoot(
                    browser,
                    base,
                    "operator-huangshan",
                    "/supervision/regions/341000/evaluation/2025/",
                    "evaluation.png",
                )
                _shoot(browser, base, None, "/public/pilots/1/", "public-pilot.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    names = (
        "dashboard.png, run-page.png, operator-page.png, evaluation.png, public-pilot.png "
        "and statement-example.png"
    )
    print(f"saved {names} in {OUT}")
    return 0


def _statement_page(pdf: Path, png: Path) -> None:
    """The statement's first page as PNG, drawn as printed (poppler's pdftoppm, 110 dpi)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - poppler-utils, installed by scripts/system-deps
        [  # noqa: S607 - poppler's pdftoppm from the system's PATH, like pdftotext
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(png.with_suffix("")),
        ],
        check=True,
    )


def _wait(base):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/admin/login/", timeout=2)  # noqa: S310 - localhost
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the demo server did not start")


def _shoot(browser, base, username, path, name):
    """`path` as `username` sees it (anonymously when None: the public pages), full page."""
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    if username is None:
        page.goto(f"{base}{path}")
    else:
        page.goto(f"{base}/admin/login/?next={path}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{base}{path}")
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / name), full_page=True)
    page.close()


if __name__ == "__main__":
    sys.exit(main())
