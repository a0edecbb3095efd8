import pytest
from django.test import override_settings

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def celery_broker():
    """Point the Celery app at another broker URL for one test, then restore it."""
    original = celery_app.conf.broker_url

    def use(url):
        celery_app.conf.broker_url = url

    yield use
    celery_app.conf.broker_url = original


def test_all_components_up_gives_200(client, celery_worker_process):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["database"]["vendor"] == "postgresql"
    assert body["checks"]["database"]["postgis"].startswith("3.")
    assert body["checks"]["redis"]["configured"] is True
    assert celery_worker_process in body["checks"]["celery"]["workers"]


def test_redis_down_gives_503_naming_redis(client, celery_worker_process):
    with override_settings(REDIS_URL=UNREACHABLE_REDIS):
        response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["failing"] == ["redis"]
    assert "ConnectionError" in body["checks"]["redis"]["error"]


def test_no_worker_listening_gives_503_naming_celery(client, celery_broker):
    celery_broker("redis://127.0.0.1:6379/13")

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["celery"]
    assert body["checks"]["celery"]["error"] == "no Celery worker answered a ping"


def test_unreachable_broker_gives_503_naming_celery(client, celery_broker):
    celery_broker(UNREACHABLE_REDIS)

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["celery"]
    assert "OperationalError" in body["checks"]["celery"]["error"]


def test_healthz_refuses_writes(client):
    response = client.post("/healthz")

    assert response.status_code == 405
