"""Chasing authorities: which reminders are due, and sending each exactly once.

A reminder's identity is (referral, kind, due date), and its due dates follow from the
referral's deadline alone: the n-th reminder about an unanswered deadline is due one interval
after the previous one, and after two unanswered reminders the next one is an escalation. So
every sweep, however often or concurrently it runs, computes the same rows, and the unique
constraint turns any repeat into a no-op.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.mail import message_id_for, send_and_record
from core.models import FocalPoint
from core.time import zones_by_local_date
from core.working_days import add_working_days, holidays
from referrals.models import (
    AuthorityResponse,
    InvestigationOutcome,
    Referral,
    ReferralStatus,
    Reminder,
    ReminderKind,
)
from referrals.services import current_recipients

logger = logging.getLogger(__name__)
BATCH = 2000


@dataclass(frozen=True)
class DueReminder:
    referral_id: object
    kind: str
    about: str
    due_date: datetime.date
    superseded: bool = False


@dataclass
class History:
    """What already exists for one deadline of one referral."""

    created: int = 0  # reminders (any status), however their due dates were computed
    sent: int = 0  # sent, or superseded by a later one that was sent in its place
    last_sent: datetime.date | None = None
    escalated: bool = False


def _schedule(first: datetime.date, step, today: datetime.date, history: History, about: str, referral_id) -> list[DueReminder]:
    """Reminders 1..N about one deadline, then one escalation an interval after the N-th really went out.

    Counting what exists (rather than matching due dates) keeps a change of holidays or intervals
    from creating, and sending, a reminder a second time."""
    due = []
    date = first
    limit = settings.SEA_REMINDERS_BEFORE_ESCALATION
    for n in range(1, limit + 1):
        if date > today:
            return _latest_only(due)
        if n > history.created:
            due.append(DueReminder(referral_id, about, about, date))
        date = step(date)
    due = _latest_only(due)
    if history.sent >= limit and not history.escalated and history.last_sent is not None:
        # An outage must not turn into two reminders and an escalation the same week.
        escalate_on = max(date, step(history.last_sent))
        if escalate_on <= today:
            due.append(DueReminder(referral_id, ReminderKind.ESCALATION, about, escalate_on))
    return due


def _latest_only(due: list[DueReminder]) -> list[DueReminder]:
    """Catching up after missed sweeps: the rows of every missed reminder exist (so the count goes on
    as if they had been sent), but only the latest goes out; the others are marked superseded."""
    return [DueReminder(d.referral_id, d.kind, d.about, d.due_date, superseded=True) for d in due[:-1]] + due[-1:]


def due_reminders(today: datetime.date | None = None) -> list[DueReminder]:
    """Every reminder that should exist today, from two queries whatever the number of referrals.
    "Today" is each referral's operation's local date, unless `today` fixes it for all."""
    closed = holidays()
    every_working = settings.SEA_RESPONSE_REMINDER_EVERY_WORKING_DAYS
    every_days = datetime.timedelta(days=settings.SEA_INVESTIGATION_REMINDER_EVERY_DAYS)
    fixed_today = today
    pending = Referral.objects.overdue(today)
    histories: dict[tuple, History] = defaultdict(History)
    for row in (Reminder.objects.filter(referral__in=pending).values("referral_id", "kind", "about", "status")
                .annotate(n=Count("pk"), last=Max("sent_at")).order_by()):
        history = histories[(row["referral_id"], row["about"])]
        if row["kind"] == ReminderKind.ESCALATION:
            history.escalated = True
            continue
        history.created += row["n"]
        if row["status"] in (Reminder.Status.SENT, Reminder.Status.SUPERSEDED):
            history.sent += row["n"]
        if row["status"] == Reminder.Status.SENT:
            history.last_sent = timezone.localtime(row["last"]).date()
    due: list[DueReminder] = []
    today_in = {zone: day for day, zones in zones_by_local_date().items() for zone in zones}
    for referral in pending.values("pk", "response", "response_due", "outcome", "investigation_due",
                                   zone=F("allegation__mission__time_zone")).iterator(chunk_size=BATCH):
        today = fixed_today or today_in[referral["zone"]]
        if referral["response"] == AuthorityResponse.NONE_YET and referral["response_due"] < today:
            due += _schedule(add_working_days(referral["response_due"], 1, closed),
                             lambda d: add_working_days(d, every_working, closed), today,
                             histories[(referral["pk"], ReminderKind.RESPONSE_OVERDUE)],
                             ReminderKind.RESPONSE_OVERDUE, referral["pk"])
        if (referral["response"] != AuthorityResponse.DECLINES and referral["outcome"] == InvestigationOutcome.PENDING
                and referral["investigation_due"] < today):
            due += _schedule(referral["investigation_due"] + datetime.timedelta(days=1), lambda d: d + every_days, today,
                             histories[(referral["pk"], ReminderKind.INVESTIGATION_OVERDUE)],
                             ReminderKind.INVESTIGATION_OVERDUE, referral["pk"])
    return due


def sweep(today: datetime.date | None = None) -> list[int]:
    """Create the reminders that are due (a repeat creates nothing) and return the pending ones to
    queue: new ones, and old ones whose task was lost (crash, restart) or failed (SMTP down)."""
    due = due_reminders(today)
    # Most due reminders exist already (created by earlier sweeps): insert only the new ones; the
    # unique constraint still settles a race with a concurrent sweep. (No operation is past tomorrow.)
    latest = today or timezone.now().date() + datetime.timedelta(days=1)
    existing = set(Reminder.objects.filter(referral__status=ReferralStatus.SENT, due_date__lte=latest)
                   .values_list("referral_id", "kind", "due_date"))
    due = [d for d in due if (d.referral_id, d.kind, d.due_date) not in existing]
    for start in range(0, len(due), BATCH):
        Reminder.objects.bulk_create(
            [Reminder(referral_id=d.referral_id, kind=d.kind, about=d.about, due_date=d.due_date,
                      status=Reminder.Status.SUPERSEDED if d.superseded else Reminder.Status.PENDING)
             for d in due[start:start + BATCH]],
            ignore_conflicts=True,
        )
    stale = timezone.now() - datetime.timedelta(minutes=settings.SEA_REMINDER_REQUEUE_MINUTES)
    with transaction.atomic():
        to_queue = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Reminder.Status.PENDING, referral__status=ReferralStatus.SENT)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale))
            .values_list("pk", flat=True)
        )
        Reminder.objects.filter(pk__in=to_queue).update(enqueued_at=timezone.now())
    return to_queue


def _recipients(reminder: Reminder) -> list[str]:
    referral = reminder.referral
    recipients = current_recipients(referral)
    if reminder.kind == ReminderKind.ESCALATION:
        recipients += settings.SEA_HQ_ESCALATION_EMAILS
        recipients += list(referral.recipient.focal_points.filter(
            active=True, role__in=[FocalPoint.Role.PERMANENT_MISSION, FocalPoint.Role.GENERAL]
        ).values_list("email", flat=True))
    return sorted(set(recipients))


def reminder_send(reminder_id: int) -> bool:
    """Send one reminder unless it is already sent. The row stays locked while the e-mail goes and is
    marked sent in the same transaction as the outbox record: a second delivery waits, then finds it
    sent; a failure (SMTP down, worker killed) rolls back and leaves it pending for the next sweep."""
    with transaction.atomic():
        reminder = (Reminder.objects.select_for_update(of=("self",))
                    .select_related("referral__allegation__mission", "referral__member_state",
                                    "referral__regional_organisation")
                    .filter(pk=reminder_id).first())
        if reminder is None or reminder.status != Reminder.Status.PENDING:  # sent, cancelled or superseded
            return False
        referral = reminder.referral
        if referral.status != ReferralStatus.SENT or not _still_unanswered(reminder):
            reminder.status = Reminder.Status.CANCELLED  # answered or closed meanwhile: never queue it again
            reminder.save(update_fields=["status"])
            return False
        context = {"reminder": reminder, "referral": referral, "allegation": referral.allegation}
        with translation.override(referral.language):
            subject = render_to_string("referrals/reminder_subject.txt", context).strip()
            text = render_to_string("referrals/reminder.txt", context)
        send_and_record(to=_recipients(reminder), subject=subject, text=text,
                        message_id=message_id_for("reminder", str(reminder.pk)), mission=referral.allegation.mission,
                        related=referral, related_label=f"{referral} · {reminder.get_kind_display()}")
        reminder.status, reminder.sent_at, reminder.attempts = Reminder.Status.SENT, timezone.now(), reminder.attempts + 1
        reminder.last_error = ""
        reminder.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    return True


def reminder_failed(reminder_id: int, error: Exception) -> None:
    """Note the failure (class name only: messages can quote addresses) for the pending page."""
    Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
        last_error=error.__class__.__name__[:200], attempts=F("attempts") + 1)


def _still_unanswered(reminder: Reminder) -> bool:
    referral = reminder.referral
    if reminder.about == ReminderKind.RESPONSE_OVERDUE:
        return referral.response == AuthorityResponse.NONE_YET
    return referral.response != AuthorityResponse.DECLINES and referral.outcome == InvestigationOutcome.PENDING
