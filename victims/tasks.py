"""Weekly e-mail to each advocate with their overdue follow-ups. Tasks carry ids only."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from core.queue import enqueue
from victims.digests import advocate_digest_send, advocates_with_overdue_follow_ups, week_of

logger = logging.getLogger(__name__)


@shared_task
def send_assistance_digests() -> int:
    """Beat entry point: one task per advocate who has overdue follow-ups this week."""
    week = week_of(timezone.localdate()).isoformat()
    count = 0
    for advocate_id in advocates_with_overdue_follow_ups():
        enqueue(send_advocate_digest, advocate_id, week)
        count += 1
    return count


@shared_task(bind=True, max_retries=5, default_retry_delay=300)
def send_advocate_digest(self, advocate_id: int, week: str) -> bool:
    try:
        return advocate_digest_send(advocate_id=advocate_id, week=week)
    except OSError as exc:  # SMTP down: the row stays unsent; retry later
        logger.warning("digest for advocate %s not sent: %s", advocate_id, exc.__class__.__name__)
        raise self.retry(exc=exc) from exc


@shared_task(name="victims.tasks.erase_expired_identities")
def erase_expired_identities(dry_run: bool = False) -> dict:
    """Daily retention run. No arguments beyond the flag; the report holds counts, never names."""
    from victims.retention import retention_erase

    report = retention_erase(dry_run=dry_run)
    logger.info("Retention run: %s victims, %s evidence files", report["victims"], report["attachments"])
    return report
