"""Publishing tasks so that a broker outage never turns a saved action into an error page.

What a task does is always recoverable from the database (an approved referral not yet sent, an
export job still queued, a pending reminder), and a sweep publishes again whatever did not go:
so a publish that fails is logged and reported, never raised.

Services name the task they queue (`enqueue_on_commit("referrals.send_referral", ...)`); each task
module registers its tasks under those names (`register_task`), and its app's `ready()` imports it,
so a service never imports the task module that sits above it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

_TASKS: dict[str, Any] = {}

# Fail fast when the broker is down: the page must answer; the sweep retries later.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def register_task(name: str):
    """Decorator for a task: services queue it by `name`."""

    def register(task):
        _TASKS[name] = task
        return task

    return register


def _task(task):
    return _TASKS[task] if isinstance(task, str) else task


def enqueue(task, *args) -> bool:
    """Publish `task(*args)` (ids only); False, and a log line, when the broker is unreachable.
    `task` is a task or the name it was registered under."""
    task = _task(task)
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
    except OperationalError as error:
        logger.warning("task %s not queued, the broker is unreachable (%s): the next sweep queues it again",
                       task.name, error.__class__.__name__)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Publish once the caller's transaction has committed (the worker then finds the rows)."""
    task = _task(task)  # an unknown name fails now, in the caller's transaction
    transaction.on_commit(lambda: enqueue(task, *args))
