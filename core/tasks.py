"""The worker's heartbeat: beat queues it every minute, a worker runs it, /healthz reads its age."""

from __future__ import annotations

import time

import redis
from celery import shared_task
from django.conf import settings

HEARTBEAT_KEY = "sea-cases:worker-heartbeat"


@shared_task(name="core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    if settings.REDIS_URL:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).set(HEARTBEAT_KEY, str(time.time()), ex=24 * 3600)


def heartbeat_age(url: str) -> float | None:
    """Seconds since a worker last ran the heartbeat, or None if it never did (in the last day)."""
    value = redis.Redis.from_url(url, socket_timeout=2).get(HEARTBEAT_KEY)
    return None if value is None else max(0.0, time.time() - float(value))


@shared_task(name="core.tasks.write_audit_checkpoint", ignore_result=True)
def write_audit_checkpoint() -> None:
    from core.audit import audit_checkpoint_write

    audit_checkpoint_write()
