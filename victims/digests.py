"""The weekly e-mail to each advocate with their overdue follow-ups (the task in `victims.tasks` only
calls these)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.languages import preferred_language
from core.mail import message_id_for, send_and_record
from victims.models import AdvocateDigest, AssistanceNeed


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def overdue_needs_for(advocate) -> list[AssistanceNeed]:
    return list(
        AssistanceNeed.objects.visible_to(advocate).follow_up_overdue().filter(assigned_advocate=advocate)
        .select_related("victim", "provider")
        .order_by("follow_up_on", "pk")
    )


def advocates_with_overdue_follow_ups():
    """Ids of the active advocates who have overdue follow-ups."""
    return (
        AssistanceNeed.objects.follow_up_overdue().filter(assigned_advocate__is_active=True)
        .order_by().values_list("assigned_advocate_id", flat=True).distinct()
    )


def advocate_digest_send(*, advocate_id: int, week: str) -> bool:
    """Send this week's digest once. The (advocate, week) row is locked while sending and marked
    sent in the same transaction, so a second delivery of the task finds it sent. SMTP down: the
    OSError propagates and the row stays unsent, for the task to retry."""
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
        digest.items, digest.sent_at = len(needs), timezone.now()
        digest.save(update_fields=["items", "sent_at"])
    return True
