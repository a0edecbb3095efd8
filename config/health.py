"""`/healthz`: is every component this process depends on reachable?

Answers 200 when all checks pass and 503 naming the failing part otherwise,
so a load balancer or an operator sees at once what is down. It reveals
versions but no data, and takes no parameters.
"""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

TIMEOUT_SECONDS = 2.0


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    result = {"ok": True, "vendor": connection.vendor}
    if connection.vendor == "postgresql":
        result["postgis"] = connection.ops.postgis_lib_version()
    elif connection.vendor == "sqlite":
        result["spatialite"] = connection.ops.spatialite_version()
    return result


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
        return {"ok": True, "configured": True, "version": client.info("server")["redis_version"]}
    finally:
        client.close()


def check_celery() -> dict:
    if celery_app.conf.task_always_eager:
        return {"ok": True, "mode": "in-process"}
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
        replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS, connection=conn)
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        return {"ok": False, "mode": "worker", "error": "no Celery worker answered a ping"}
    return {"ok": True, "mode": "worker", "workers": workers}


CHECKS = {"database": check_database, "redis": check_redis, "celery": check_celery}


def run_checks() -> dict:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a failing part is reported in the body, never a 500
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return results


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    failing = sorted(name for name, result in checks.items() if not result["ok"])
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
