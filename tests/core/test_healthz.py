import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_it_checks_the_real_redis_broker(client, redis_url):
    with override_settings(REDIS_URL=redis_url):
        assert client.get("/healthz").json()["checks"]["broker"] == "ok"


def test_it_fails_when_the_broker_is_unreachable(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"
