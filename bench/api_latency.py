"""API latency: p50/p90/p99 of the read endpoints under 20 concurrent clients, over loopback.

The demo (`setup_demo`) is loaded into the benchmark database and served by
gunicorn (two gthread workers of four threads, persistent database
connections, DEBUG off), started and stopped here. CLIENTS threads, each with
its own keep-alive connection and the demo superuser's token, request one
endpoint at a time. The baseline is the API root on the same server: token
authentication, middleware and the router, without a query or serializer.
The goals: every detail endpoint at 20 clients at least 80% of the API root's rate in
the same run (and a p99 under 100 ms); the zones list's bytes per feature are reported
with the stored geometry and at the tolerances a client may ask for (`?simplify=`).
"""

import http.client
import io
import json
import tempfile
import threading
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from bench.harness import GunicornServer
from compensation.models import SettlementRun, Statement
from pilots.models import Zone

CLIENTS = 20
REQUESTS_PER_CLIENT = 10
ALONE_REQUESTS = 20  # one client on its own: the service time, without queueing
# The zones list carries every zone's full geometry (up to 100 a page): slow per request.
FEWER = {"/api/v1/zones/": 4}
GOAL_MS = 100
GOAL_OF_ROOT = 0.8
TOLERANCES = ("0.0001", "0.001", "0.01")  # degrees: about 10 m, 100 m, 1 km


def run(report):
    call_command("setup_demo", stdout=io.StringIO())
    token = Token.objects.get_or_create(user=get_user_model().objects.get(username="admin"))[0]
    with tempfile.TemporaryDirectory() as folder, GunicornServer(Path(folder)) as server:
        client = _Clients(server.port, token.key)
        paths = _paths()
        for path in ["/api/v1/", *paths.values()]:  # every thread and code path warm first
            client.warm_up(path)
        baselines = {
            clients: client.measure(report, "API root (auth, no query)", "/api/v1/", clients)
            for clients in (1, CLIENTS)
        }
        for name, path in paths.items():
            alone, crowd = (
                client.measure(report, name, path, clients, baseline=baseline)
                for clients, baseline in baselines.items()
            )
            if name.endswith("detail"):
                p99 = crowd.latency_ms["p99"]
                report.note(
                    f"  {name}: {crowd.ratio:.0%} of the API root's rate with {CLIENTS} "
                    f"clients against the goal of >= {GOAL_OF_ROOT:.0%}: "
                    f"{'met' if crowd.ratio >= GOAL_OF_ROOT else 'missed'}; p99 {p99:.0f} ms "
                    f"({alone.latency_ms['p99']:.0f} ms alone) against < {GOAL_MS} ms: "
                    f"{'met' if p99 < GOAL_MS else 'missed'}"
                )
        for query in ["", *(f"?simplify={t}" for t in TOLERANCES)]:
            body = client.body(f"/api/v1/zones/{query}")
            features = len(json.loads(body)["features"])
            report.note(
                f"  GET /api/v1/zones/{query} returns {features} zones (a page holds up to "
                f"100), {len(body) / 1e3:,.1f} kB: {len(body) / features:,.0f} bytes per feature"
            )


def _paths() -> dict[str, str]:
    run = SettlementRun.objects.order_by("pk").first()
    statement = Statement.objects.filter(run=run).order_by("pk").first()
    zone = Zone.objects.order_by("pk").first()
    return {
        "GET /api/v1/regions/ list": "/api/v1/regions/",
        "GET /api/v1/regions/{code}/ detail": "/api/v1/regions/341000/",
        "GET /api/v1/zones/ list": "/api/v1/zones/",
        "GET /api/v1/zones/{id}/ detail": f"/api/v1/zones/{zone.pk}/",
        "GET /api/v1/runs/ list": "/api/v1/runs/",
        "GET /api/v1/runs/{id}/ detail": f"/api/v1/runs/{run.pk}/",
        "GET /api/v1/statements/ list": "/api/v1/statements/",
        "GET /api/v1/statements/{id}/ detail": f"/api/v1/statements/{statement.pk}/",
    }


class _Clients:
    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def measure(self, report, name, path, clients, *, baseline=None):
        per_client = FEWER.get(path, REQUESTS_PER_CLIENT) if clients > 1 else ALONE_REQUESTS
        self._round(path, clients, 2)  # connections opened, server threads warm
        started = time.perf_counter()
        latencies = self._round(path, clients, per_client)
        seconds = time.perf_counter() - started
        return report.add(
            f"{name}, {clients} client{'s' if clients > 1 else ''}",
            size=len(latencies),
            seconds=seconds,
            unit="rq/s",
            baseline=baseline,
            latencies=latencies,
        )

    def warm_up(self, path) -> None:
        self._round(path, CLIENTS, 1)

    def body(self, path) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers=self.headers)
            return conn.getresponse().read()
        finally:
            conn.close()

    def _round(self, path, clients, per_client) -> list[float]:
        """`clients` threads, each sending `per_client` requests one after another."""
        results: list[list[float]] = [[] for _ in range(clients)]
        errors: list[str] = []
        threads = [
            threading.Thread(target=self._client, args=(path, per_client, out, errors))
            for out in results
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
        return [latency for out in results for latency in out]

    def _client(self, path, count, out, errors):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            for _ in range(count):
                started = time.perf_counter()
                conn.request("GET", path, headers=self.headers)
                response = conn.getresponse()
                body = response.read()
                out.append(time.perf_counter() - started)
                if response.status != 200:
                    errors.append(f"{path}: {response.status} {body[:200]!r}")
                    return
        except OSError as exc:
            errors.append(f"{path}: {exc!r}")
        finally:
            conn.close()
