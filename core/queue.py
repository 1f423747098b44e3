"""Publishing tasks so that a broker outage never turns a saved action into an error page.

What a task does is always recoverable from the database (an approved referral not yet sent, an
export job still queued, a pending reminder), and a sweep publishes again whatever did not go:
so a publish that fails is logged and reported, never raised.
"""

from __future__ import annotations

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# Fail fast when the broker is down: the page must answer; the sweep retries later.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task, *args) -> bool:
    """Publish `task(*args)` (ids only); False, and a log line, when the broker is unreachable."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
    except OperationalError as error:
        logger.warning("task %s not queued, the broker is unreachable (%s): the next sweep queues it again",
                       task.name, error.__class__.__name__)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Publish once the caller's transaction has committed (the worker then finds the rows)."""
    transaction.on_commit(lambda: enqueue(task, *args))
