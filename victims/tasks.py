"""Weekly e-mail to each advocate with their overdue follow-ups. Tasks carry ids only."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.languages import preferred_language
from core.mail import message_id_for, send_and_record
from core.queue import enqueue
from victims.models import AdvocateDigest, AssistanceNeed

logger = logging.getLogger(__name__)


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def overdue_needs_for(advocate) -> list[AssistanceNeed]:
    return list(
        AssistanceNeed.objects.visible_to(advocate).follow_up_overdue().filter(assigned_advocate=advocate)
        .select_related("victim", "provider")
        .order_by("follow_up_on", "pk")
    )


@shared_task
def send_assistance_digests() -> int:
    """Beat entry point: one task per advocate who has overdue follow-ups this week."""
    today = timezone.localdate()
    advocate_ids = (
        AssistanceNeed.objects.follow_up_overdue().filter(assigned_advocate__is_active=True)
        .order_by().values_list("assigned_advocate_id", flat=True).distinct()
    )
    week = week_of(today).isoformat()
    count = 0
    for advocate_id in advocate_ids:
        enqueue(send_advocate_digest, advocate_id, week)
        count += 1
    return count


@shared_task(bind=True, max_retries=5, default_retry_delay=300)
def send_advocate_digest(self, advocate_id: int, week: str) -> bool:
    """Send this week's digest once. The (advocate, week) row is locked while sending and marked
    sent in the same transaction, so a second delivery of the task finds it sent."""
    advocate = get_user_model().objects.get(pk=advocate_id)
    week_start = datetime.date.fromisoformat(week)
    try:
        with transaction.atomic():
            AdvocateDigest.objects.get_or_create(advocate=advocate, week=week_start)
    except IntegrityError:
        pass  # created concurrently by another delivery
    with transaction.atomic():
        digest = AdvocateDigest.objects.select_for_update().get(advocate=advocate, week=week_start)
        if digest.sent_at is not None:
            return False
        needs = overdue_needs_for(advocate)
        if not needs or not advocate.email:
            return False
        context = {
            "advocate": advocate,
            "needs": needs,
            "today": timezone.localdate(),
            "caseload_url": settings.SITE_URL + reverse("victims:caseload") + "?mine=on",
            "site_url": settings.SITE_URL,
        }
        try:
            with translation.override(preferred_language(advocate)):
                send_and_record(
                    to=[advocate.email],
                    subject=ngettext("SEA Cases: %(n)d overdue assistance follow-up",
                                     "SEA Cases: %(n)d overdue assistance follow-ups", len(needs)) % {"n": len(needs)},
                    text=render_to_string("victims/email/digest.txt", context),
                    html=render_to_string("victims/email/digest.html", context),
                    message_id=message_id_for("digest", f"{advocate_id}.{week}"),
                    related_label=f"Weekly follow-up digest {week}",
                )
        except OSError as exc:  # SMTP down: the row stays unsent; retry later
            logger.warning("digest for advocate %s not sent: %s", advocate_id, exc.__class__.__name__)
            raise self.retry(exc=exc) from exc
        digest.items, digest.sent_at = len(needs), timezone.now()
        digest.save(update_fields=["items", "sent_at"])
    return True


@shared_task(name="victims.tasks.erase_expired_identities")
def erase_expired_identities(dry_run: bool = False) -> dict:
    """Daily retention run. No arguments beyond the flag; the report holds counts, never names."""
    from victims.retention import retention_erase

    report = retention_erase(dry_run=dry_run)
    logger.info("Retention run: %s victims, %s evidence files", report["victims"], report["attachments"])
    return report
