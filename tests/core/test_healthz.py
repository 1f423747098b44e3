import json
import logging
import time

import pytest
import redis
from django.test import override_settings

from core.tasks import HEARTBEAT_KEY, heartbeat

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_and_keys_healthy_in_the_embedded_default(client, settings):
    settings.REDIS_URL = ""  # tasks in-process: no broker, no separate worker
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "keys": "ok", "broker": "in-process",
                                              "worker": "in-process"}


def test_it_checks_the_real_redis_broker_and_the_workers_heartbeat(client, redis_url):
    with override_settings(REDIS_URL=redis_url):
        redis.Redis.from_url(redis_url).delete(HEARTBEAT_KEY)
        never = client.get("/healthz")
        assert never.status_code == 200 and never.json()["status"] == "degraded"
        assert never.json()["checks"]["worker"] == "stale"
        heartbeat()  # what a worker runs every minute
        fresh = client.get("/healthz").json()
        assert fresh == {"status": "ok", "checks": {"database": "ok", "keys": "ok", "broker": "ok", "worker": "ok"}}
        redis.Redis.from_url(redis_url).set(HEARTBEAT_KEY, str(time.time() - 3600))
        assert client.get("/healthz").json()["checks"]["worker"] == "stale"


def test_it_fails_when_the_broker_is_unreachable(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


def test_it_fails_when_the_keys_are_unusable(client, settings):
    settings.SEA_FIELD_KEYS = "k1:not-a-key"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["keys"] == "error"
    assert "not-a-key" not in response.content.decode()


def test_logs_are_json_lines_with_extras_and_no_request():
    from core.logging import JsonFormatter

    record = logging.makeLogRecord({"name": "referrals.tasks", "levelname": "INFO", "msg": "sweep queued %d",
                                    "args": (3,), "task_id": "abc", "request": object()})
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "sweep queued 3" and line["task_id"] == "abc" and "request" not in line
    assert line["level"] == "INFO" and line["logger"] == "referrals.tasks" and line["time"].endswith("+00:00")
