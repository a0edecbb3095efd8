"""The embedded demo profile (SpatiaLite, Celery in-process) must not rot.

Runs the same steps as `make demo` against a throwaway SpatiaLite file and a
free port, then talks to the server over HTTP as a browser would.
"""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest

from compensation.management.commands.setup_demo import (
    AUDITOR_USER,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    ECOLOGY_USERS,
    FINANCE_USERS,
    OPERATOR_USER,
)
from compensation.quantities import FEN
from compensation.splitting import largest_remainder
from tests.conftest import PROJECT_ROOT
from tests.processes import embedded_env, manage


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    return embedded_env(tmp_path_factory.mktemp("demo-var"))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(demo_env):
    manage(demo_env, "migrate", "--noinput")
    first = manage(demo_env, "setup_demo")
    second = manage(demo_env, "setup_demo")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=demo_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base)
        yield {"base": base, "first": first.stdout, "second": second.stdout}
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_until_serving(base):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/admin/login/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail("the demo server did not answer within 60 s")


def test_setup_demo_prints_credentials_and_is_idempotent(demo_server):
    assert "Created the demo superuser." in demo_server["first"]
    assert f"with password {DEMO_PASSWORD}" in demo_server["first"]
    for username in (DEMO_USERNAME, *FINANCE_USERS, *ECOLOGY_USERS, OPERATOR_USER, AUDITOR_USER):
        assert f"  {username} " in demo_server["first"], username
    assert "already exists" in demo_server["second"]
    issued = re.search(r"Settlement run #(\d+) for 2024: \S+ \(statements\)", demo_server["first"])
    assert issued, demo_server["first"]
    assert (
        f"Settlement run #{issued[1]} for 2024: 已出具结算单 (statements)" in demo_server["second"]
    )


def test_demo_serves_the_login_page_in_chinese(demo_server):
    with urllib.request.urlopen(demo_server["base"] + "/admin/login/", timeout=10) as response:
        page = response.read().decode()

    assert response.status == 200
    assert 'name="username"' in page
    assert "碳汇生态保护补偿" in page


def _log_in(demo_server, username):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = demo_server["base"] + "/admin/login/"
    page = opener.open(login_url, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": DEMO_PASSWORD,
            "next": "/admin/",
        }
    ).encode()
    with opener.open(
        urllib.request.Request(login_url, data=form, headers={"Referer": login_url}), timeout=10
    ) as rsp:
        return opener, rsp.url, rsp.read().decode()


def test_demo_credentials_log_in(demo_server):
    _opener, landed_on, landing = _log_in(demo_server, DEMO_USERNAME)

    assert landed_on == demo_server["base"] + "/admin/"
    assert 'id="logout-form"' in landing


def test_demo_supervision_shows_changes_and_alerts_once(demo_server):
    summary = "Supervision: 2 detected changes and 5 alerts"
    assert summary in demo_server["first"]
    assert summary in demo_server["second"]
    opener, _landed_on, _landing = _log_in(demo_server, "operator-huangshan")
    report = demo_server["base"] + "/supervision/regions/341000/evaluation/2025/"

    with opener.open(urllib.request.Request(report, headers={"Accept-Language": "en"})) as rsp:
        page = rsp.read().decode()

    assert "ha of ecological red line in planning version 1 is developed land" in page
    assert "The protected sink fell by" in page
    assert "rows: from; columns: to (ha)" in page


def test_demo_region_page_shows_the_late_payment_to_a_village(demo_server):
    passed_on = re.search(r"Pass-through: plan #\d+ passes (\d+\.\d\d) CNY", demo_server["first"])
    assert passed_on, demo_server["first"]
    assert "4 payments matched (one paid late" in demo_server["first"]
    # The city's local rule: 乡镇 2, 村集体 3 in equal parts, so 汤口镇 2, V-01, V-02, V-03 1 each.
    village_share = largest_remainder(
        Decimal(passed_on[1]), [Decimal(w) for w in (2, 1, 1, 1)], FEN
    )[3]
    opener, _landed_on, _landing = _log_in(demo_server, "operator-huangshan")
    region_page = demo_server["base"] + "/regions/341000/"

    with opener.open(urllib.request.Request(region_page, headers={"Accept-Language": "en"})) as rsp:
        page = rsp.read().decode()

    assert (
        f"{village_share:,} CNY due to V-03 on 2025-03-31 was paid in full only on 2025-05-12."
        in page
    )


def test_demo_health_reports_spatialite_and_in_process_celery(demo_server):
    import json

    with urllib.request.urlopen(demo_server["base"] + "/healthz", timeout=10) as response:
        body = json.load(response)

    assert response.status == 200
    assert body["checks"]["database"]["vendor"] == "sqlite"
    assert body["checks"]["database"]["spatialite"]
    assert body["checks"]["redis"] == {"ok": True, "configured": False}
    assert body["checks"]["celery"] == {"ok": True, "mode": "in-process"}


def test_demo_releases_its_2024_run_to_the_public_by_two_officials(demo_server):
    released = re.search(
        r"Released run #(\d+) \(proposed by finance-maker, approved by finance-checker\)",
        demo_server["first"],
    )
    assert released, demo_server["first"]
    assert "Already public: run" in demo_server["second"]
    with urllib.request.urlopen(demo_server["base"] + "/public/", timeout=10) as response:
        index = response.read().decode()
    run_page = re.search(r'href="(/public/runs/\d+/)"', index)
    assert run_page, index
    with urllib.request.urlopen(demo_server["base"] + run_page[1], timeout=10) as response:
        page = response.read().decode()

    assert response.status == 200
    assert "各地区各渠道净额" in page
    assert "finance-maker" not in page and "finance-checker" not in page
