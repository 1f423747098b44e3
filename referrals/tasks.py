"""Celery tasks for referrals. Arguments are ids only: no identity ever enters the broker."""

from __future__ import annotations

import logging

from celery import shared_task

from core.queue import enqueue, register_task
from referrals.reminders import reminder_failed, reminder_send, sweep
from referrals.services import referral_send, referrals_to_resend

logger = logging.getLogger(__name__)


@shared_task
def sweep_due_reminders() -> int:
    """Beat, every 15 minutes: create due reminders and queue one task per pending reminder."""
    for referral_id in referrals_to_resend():
        enqueue(send_referral, str(referral_id))
    queued = sweep()
    for reminder_id in queued:
        enqueue(send_reminder, reminder_id)
    logger.info("reminder sweep queued %d reminder(s)", len(queued))
    return len(queued)


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_reminder(self, reminder_id: int) -> bool:
    try:
        return reminder_send(reminder_id)
    except OSError as exc:  # SMTP unreachable or refused: still pending; retry, then the sweep re-queues
        reminder_failed(reminder_id, exc)
        logger.warning("reminder %s not sent: %s", reminder_id, exc.__class__.__name__)
        raise self.retry(exc=exc) from exc


@register_task("referrals.send_referral")
@shared_task(bind=True, max_retries=10, default_retry_delay=300)
def send_referral(self, referral_id: str) -> bool:
    try:
        return referral_send(referral_id=referral_id)
    except OSError as exc:
        logger.warning("referral %s not sent yet: %s", referral_id, exc.__class__.__name__)
        raise self.retry(exc=exc) from exc
