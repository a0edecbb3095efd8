"""Server time of the officials', operators' and public pages on the demo data and on a
national pilot (goal: p99 under 300 ms, and a response size that does not grow with the
number of regions).

The demo (`setup_demo`, which also supervises) is served by gunicorn over
loopback, as in bench/api_latency.py. One client at a time, signed in
through a session made for the user, requests each page REQUESTS times after
a warm-up: with no queueing, the latency is the server's time plus loopback.
The public pages (/public/, what the demo released) are requested without a session,
with the public rate limit lifted for the benchmark's one address. The baseline is the
admin login page on the same server (middleware, session, template; no query of ours).

The national rows load bench/settle_national.py's pilot of 2,844 counties, calculate its
2024 run inline, post it, release the pilot and the run to the public, and request the
same kinds of pages on it; each row's note gives the response size.
"""

import http.client
import io
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command

from bench import settle_national
from bench.harness import GunicornServer
from compensation.models import RunTransfer, SettlementRun
from compensation.periods import Period
from compensation.settlement import planning, states
from compensation.tasks import post_run
from config.celery import app
from disclosure import services
from disclosure.models import Release
from pilots.demo import PROGRAMME_NAME
from pilots.models import PilotProgramme

REQUESTS = 20
WARM_UP = 3
GOAL_MS = 300
NATIONAL = 2844


def run(report):
    call_command("setup_demo", stdout=io.StringIO())
    programme = PilotProgramme.objects.get(name=PROGRAMME_NAME)
    pages = {
        "finance-checker": [
            ("pilot dashboard", f"/pilots/{programme.pk}/"),
            ("admin: settlement runs", "/admin/compensation/settlementrun/"),
            ("admin: statements", "/admin/compensation/statement/"),
            ("admin: journal entries", "/admin/ledger/journalentry/"),
        ],
        "operator-huangshan": [
            ("operator's region page", "/regions/341000/"),
            ("monitoring upload form", "/regions/341000/monitoring/"),
            ("dual-carbon evaluation 2025", "/supervision/regions/341000/evaluation/2025/"),
            ("admin: zones", "/admin/pilots/zone/"),
            ("admin: alerts", "/admin/supervision/alert/"),
        ],
    }
    runs = SettlementRun.objects.filter(programme=programme, kind=SettlementRun.Kind.REGULAR)
    run_id = runs.order_by("pk").first().pk
    public = [
        ("public: index", "/public/"),
        ("public: pilot page", f"/public/pilots/{programme.pk}/"),
        ("public: run page", f"/public/runs/{run_id}/"),
        ("public: publication log", "/public/log/"),
    ]
    limit = os.environ.get("PUBLIC_RATE_LIMIT")
    os.environ["PUBLIC_RATE_LIMIT"] = "1000000/minute"
    try:
        _measure_all(report, pages, public)
        _measure_all(report, *_national(), prefix="national ")
    finally:
        if limit is None:
            del os.environ["PUBLIC_RATE_LIMIT"]
        else:
            os.environ["PUBLIC_RATE_LIMIT"] = limit


def _national():
    """The national pilot with its 2024 run posted and released: (pages, public) as in run()."""
    regions = settle_national.counties(NATIONAL)
    maker = settle_national.finance_user("bench-maker")
    checker = settle_national.finance_user("bench-checker")
    programme = settle_national.national_pilot(regions, NATIONAL)
    run = planning.start_run(programme=programme, period=Period.year(2024), by=maker)
    run = planning.calculate(run, by=maker, inline=True)
    states.approve(run, by=checker)
    post_run(run.pk, checker.pk)  # posts and creates the statements, as a worker would
    run.refresh_from_db()
    app.control.purge()  # the statement renders posting queued: no worker runs them here
    for kind, target in ((Release.Kind.PILOT, {}), (Release.Kind.RUN, {"run": run})):
        proposal = services.propose_release(
            kind=kind, programme=programme, by=maker, reason="bench", **target
        )
        services.approve_release(proposal, by=checker)
    parties = RunTransfer.objects.filter(run=run).values_list("payer_region", "payee_region")
    busiest = Counter(code for pair in parties for code in pair if code).most_common(1)[0][0]
    pages = {
        "bench-checker": [
            ("pilot dashboard", f"/pilots/{programme.pk}/"),
            ("admin: settlement runs", "/admin/compensation/settlementrun/"),
            ("admin: run page", f"/admin/compensation/settlementrun/{run.pk}/change/"),
            ("admin: statements", "/admin/compensation/statement/"),
            ("region page", f"/regions/{busiest}/"),
        ],
    }
    public = [
        ("public: index", "/public/"),
        ("public: pilot page", f"/public/pilots/{programme.pk}/"),
        ("public: run page", f"/public/runs/{run.pk}/"),
        ("public: publication log", "/public/log/"),
    ]
    return pages, public


def _measure_all(report, pages, public, *, prefix=""):
    data = "the national pilot" if prefix else "the demo data"
    with tempfile.TemporaryDirectory() as folder, GunicornServer(Path(folder)) as server:
        baseline = _measure(report, server.port, "admin login page (baseline)", "/admin/login/")
        slowest = []
        for username, listed in pages.items():
            cookie = _session_cookie(username)
            for name, path in listed:
                row = _measure(report, server.port, prefix + name, path, cookie, baseline=baseline)
                slowest.append((row.latency_ms["p99"], prefix + name))
        for name, path in public:
            row = _measure(report, server.port, prefix + name, path, baseline=baseline)
            slowest.append((row.latency_ms["p99"], prefix + name))
        worst, name = max(slowest)
        report.note(
            f"  pages: slowest p99 {worst:.0f} ms ({name}) against the goal of < {GOAL_MS} ms "
            f"server time on {data}: {'met' if worst < GOAL_MS else 'missed'}"
        )


def _session_cookie(username: str) -> str:
    """A signed-in session without the login form (so django-axes and 2FA stay out of it)."""
    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _measure(report, port, name, path, cookie="", *, baseline=None):
    headers = {"Cookie": cookie, "Accept-Language": "zh-hans"} if cookie else {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    size = 0
    try:
        for number in range(WARM_UP + REQUESTS):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
            if number >= WARM_UP:
                latencies.append(time.perf_counter() - started)
            size = len(body)
    finally:
        conn.close()
    report.note(f"  page: {name}: {size / 1024:,.0f} KiB")
    return report.add(
        f"page: {name}",
        size=len(latencies),
        seconds=sum(latencies),
        unit="rq/s",
        baseline=baseline,
        latencies=latencies,
    )
