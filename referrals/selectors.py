"""Reads that other apps' pages ask of referrals.

The case clock: one timeline of an allegation, from the incident to the action taken, in the operation's dates.

It lives here, above allegations, because most of its dates are the referrals' (sent, answer due,
answered, reminders, escalations, investigation due, outcome); the allegation page reaches it through
`allegations.hooks` (registered in `ReferralsConfig.ready`), and its list through
`Allegation.objects.with_clock()`.
"""

from __future__ import annotations

import datetime
import enum
import zoneinfo
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from allegations.choices import DatePrecision, Milestone
from allegations.models import Allegation
from core.audit_actions import events_about
from referrals.choices import ANSWERS, AuthorityResponse, InvestigationOutcome, ReferralStatus, ReminderKind, StepKind
from referrals.models import Referral, ReferralStep, Reminder


class ClockKind(enum.StrEnum):
    """What an event is: the template's CSS hook (never stored, so not a domain choice)."""

    INCIDENT = "incident"
    RECEIVED = "received"
    STATUS = "status"
    SENT = "sent"
    ANSWER_DUE = "answer-due"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    ANSWER = "answer"
    OFFICER = "officer"
    INVESTIGATION_DUE = "investigation-due"
    OUTCOME = "outcome"
    ACTION = "action"
    CLOSED = "closed"
    TODAY = "today"


@dataclass(frozen=True)
class ClockEvent:
    date: datetime.date  # the operation's local date
    kind: ClockKind
    label: str
    is_deadline: bool = False  # a deadline still to be met (else: something that happened, or a deadline met)
    is_overdue: bool = False  # a deadline still to be met whose date is past
    detail: str = ""
    date_text: str = ""  # when the date is only known to the month ("March 2016"): shown instead of the day

    @property
    def is_today(self) -> bool:
        """The "today" marker, between what happened and what is still due."""
        return self.kind == ClockKind.TODAY

    @property
    def is_reminder(self) -> bool:
        return self.kind in (ClockKind.REMINDER, ClockKind.ESCALATION)

    @property
    def is_escalation(self) -> bool:
        return self.kind == ClockKind.ESCALATION


def _sort_key(event: ClockEvent) -> tuple[datetime.date, int]:
    # On one day: what happened, then "today", then what falls due that day (still to be done).
    return event.date, 1 if event.is_today else 2 if event.is_deadline else 0


def clock_referrals(allegation: Allegation) -> models.QuerySet[Referral]:
    """The referrals the clock shows (sent ones: a draft has no dates yet) with their reminders: two queries."""
    # Reminders that went out or are about to; one cancelled (answered meanwhile) or superseded (a later
    # one went out instead) never reached anyone: the referral's page lists those.
    reminders = Reminder.objects.filter(status__in=(Reminder.Status.SENT, Reminder.Status.PENDING)).order_by("due_date", "id")
    return (Referral.objects.filter(allegation=allegation, sent_on__isnull=False)
            .select_related("member_state", "regional_organisation")
            .prefetch_related(Prefetch("reminders", queryset=reminders),
                              Prefetch("steps", queryset=ReferralStep.objects.current(), to_attr="current_steps"))
            .order_by("sent_on", "drafted_at"))


def case_clock(allegation: Allegation, *, with_referrals: bool = True,
               today: datetime.date | None = None) -> list[ClockEvent]:
    """Every dated step of the case, in order, with a "today" marker; a constant number of queries (four)
    whatever the number of referrals and reminders. `with_referrals=False` (a reader who may not see
    referrals): the allegation's own steps only. Dates are the operation's: timestamps (a status
    change, a reminder sent) are turned into its local date, and "today" is its today."""
    zone = zoneinfo.ZoneInfo(allegation.mission.time_zone)
    today = allegation.mission.today() if today is None else today
    events = [ClockEvent(today, ClockKind.TODAY, _("Today"))]
    if allegation.incident_date_known:
        # Known to the month only: "March 2016", not a made-up day.
        month_only = allegation.incident_date_precision == DatePrecision.MONTH
        events.append(ClockEvent(allegation.incident_date, ClockKind.INCIDENT, _("Incident"),
                                 date_text=allegation.incident_date_in_words if month_only else ""))
    events.append(ClockEvent(allegation.date_received, ClockKind.RECEIVED, _("Allegation received")))
    # The first change is the intake itself (no "from"): "received" already says it.
    for change in allegation.status_changes.exclude(from_status="").order_by("changed_at", "id"):
        events.append(ClockEvent(timezone.localtime(change.changed_at, zone).date(), ClockKind.STATUS,
                                 _("Status: %(status)s") % {"status": change.get_to_status_display()},
                                 detail=change.note))
    if with_referrals:
        for referral in clock_referrals(allegation):
            events.extend(_referral_events(referral, today=today, zone=zone))
    return sorted(events, key=_sort_key)


def _deadline(day: datetime.date, kind: ClockKind, label: str, *, still_open: bool, met: str,
              today: datetime.date) -> ClockEvent:
    """A deadline still to be met (overdue once its day is past), or one no longer awaited: then `met` says why."""
    if still_open:
        return ClockEvent(day, kind, label, is_deadline=True, is_overdue=day < today)
    return ClockEvent(day, kind, label, detail=met)


def _referral_events(referral: Referral, *, today: datetime.date, zone: zoneinfo.ZoneInfo) -> list[ClockEvent]:
    to = {"recipient": referral.recipient}
    events = [ClockEvent(referral.sent_on, ClockKind.SENT, _("Referred to %(recipient)s") % to)]
    if referral.response_due:
        answered = referral.response != AuthorityResponse.NONE_YET
        events.append(_deadline(referral.response_due, ClockKind.ANSWER_DUE, _("Answer due from %(recipient)s") % to,
                                still_open=referral.awaiting_response, today=today,
                                met=_("answered") if answered else _("follow-up closed")))
    for reminder in referral.reminders.all():
        events.append(_reminder_event(reminder, to=to, zone=zone))
    for step in referral.current_steps:
        events.append(_step_event(step, to=to))
    if referral.investigation_due and referral.response != AuthorityResponse.DECLINES:
        reported = referral.outcome != InvestigationOutcome.PENDING
        events.append(_deadline(referral.investigation_due, ClockKind.INVESTIGATION_DUE,
                                _("Investigation outcome due from %(recipient)s") % to,
                                still_open=referral.awaiting_outcome, today=today,
                                met=_("outcome reported") if reported else _("follow-up closed")))
    if referral.accountability_measures and referral.closed_on:
        events.append(ClockEvent(referral.closed_on, ClockKind.ACTION,
                                 _("Action taken reported"), detail=referral.accountability_measures))
    if referral.status == ReferralStatus.CLOSED and referral.closed_on:
        events.append(ClockEvent(referral.closed_on, ClockKind.CLOSED,
                                 _("Follow-up with %(recipient)s closed") % to))
    return events


def _step_kind(step: ReferralStep) -> ClockKind:
    if step.kind in ANSWERS or step.kind in (StepKind.ACKNOWLEDGED, StepKind.NO_ANSWER):
        return ClockKind.ANSWER
    if step.kind == StepKind.OFFICER_APPOINTED:
        return ClockKind.OFFICER
    if step.kind == StepKind.FINDINGS:
        return ClockKind.OUTCOME
    return ClockKind.ACTION


def _step_event(step: ReferralStep, *, to: dict) -> ClockEvent:
    """A step of the ledger: what happened, with its result (or the officer's name) as detail."""
    detail = step.get_result_display() or step.officer_name or step.informed_by
    return ClockEvent(step.occurred_on, _step_kind(step), _("%(step)s (%(recipient)s)") % {
        "step": step.get_kind_display(), **to}, detail=detail)


def _reminder_event(reminder: Reminder, *, to: dict, zone: zoneinfo.ZoneInfo) -> ClockEvent:
    """A reminder or escalation: on the day it went out (the operation's date), else (pending) on its due date."""
    about = _("about the answer") if reminder.chases_response else _("about the investigation")
    if reminder.is_escalation:
        label = _("Escalation to headquarters and the Permanent Mission (%(recipient)s)") % to
        kind = ClockKind.ESCALATION
    else:
        label = _("Reminder to %(recipient)s") % to
        kind = ClockKind.REMINDER
    if reminder.sent_at:
        return ClockEvent(timezone.localtime(reminder.sent_at, zone).date(), kind, label, detail=about)
    return ClockEvent(reminder.due_date, kind, label, detail=_("%(about)s · not sent yet") % {"about": about})


# --- the compact clock of a list row: annotations only ------------------------------------------

def _first(referrals: models.QuerySet, field: str, *, latest: bool = False) -> models.Subquery:
    """A correlated subquery per row (PostgreSQL runs it for the page's rows only, as the list's other counts)."""
    order = f"-{field}" if latest else field
    return models.Subquery(referrals.filter(**{f"{field}__isnull": False}).order_by(order).values(field)[:1])


def with_clock(allegations: models.QuerySet[Allegation]) -> models.QuerySet[Allegation]:
    """What `includes/case_clock_compact.html` reads on each row, as annotations: no query per row.

    clock_referred_on: first referral sent; clock_answer_due: the earliest answer still awaited;
    clock_answered_on: the latest answer received; clock_investigation_due: the earliest outcome still
    awaited; clock_outcome_on: the latest outcome reported; clock_reminders: reminders sent;
    clock_escalated: an escalation went out."""
    referrals = Referral.objects.filter(allegation=models.OuterRef("pk"))
    sent = referrals.filter(status__in=(ReferralStatus.SENT, ReferralStatus.CLOSED))
    open_ = referrals.filter(status=ReferralStatus.SENT)
    reminders = Reminder.objects.filter(referral__allegation=models.OuterRef("pk"), status=Reminder.Status.SENT)
    reminder_count = (reminders.exclude(kind=ReminderKind.ESCALATION).order_by()
                      .values("referral__allegation").annotate(n=models.Count("pk")).values("n"))
    return allegations.select_related("mission").annotate(
        clock_referred_on=_first(sent, "sent_on"),
        clock_answer_due=_first(open_.filter(response=AuthorityResponse.NONE_YET), "response_due"),
        clock_answered_on=_first(sent.exclude(response=AuthorityResponse.NONE_YET), "response_on", latest=True),
        clock_investigation_due=_first(
            open_.exclude(response=AuthorityResponse.DECLINES).filter(outcome=InvestigationOutcome.PENDING),
            "investigation_due"),
        clock_outcome_on=_first(sent.exclude(outcome=InvestigationOutcome.PENDING), "outcome_on", latest=True),
        clock_reminders=Coalesce(models.Subquery(reminder_count), 0),
        clock_escalated=models.Exists(reminders.filter(kind=ReminderKind.ESCALATION)),
    )


@dataclass(frozen=True)
class LedgerLine:
    """A step as the ledger shows it, with the earlier entries it corrects (newest first)."""

    step: ReferralStep
    corrects: tuple[ReferralStep, ...] = ()


def referral_ledger(referral: Referral) -> list[LedgerLine]:
    """The referral's ledger in date order, corrections folded under the entry that replaced them: one query."""
    steps = list(ReferralStep.objects.filter(referral=referral).select_related(
        "recorded_by", "recorded_by_focal_point", "paternity_claim").order_by("occurred_on", "recorded_at"))
    by_pk = {step.pk: step for step in steps}
    replaced = {step.replaces_id for step in steps if step.replaces_id}
    lines = []
    for step in steps:
        if step.pk in replaced:
            continue
        chain, previous = [], step.replaces_id
        while previous:
            chain.append(by_pk[previous])
            previous = by_pk[previous].replaces_id
        lines.append(LedgerLine(step, tuple(chain)))
    return lines


def case_clock_for(allegation: Allegation, user) -> list[ClockEvent]:
    """The allegation page's clock (`allegations.hooks.case_clock`): referrals' steps only for those who may see referrals."""
    return case_clock(allegation, with_referrals=user.has_perm("referrals.view_referral"))


def allegation_referral_audit_events(allegation) -> Q:
    """The audit page's allegation filter: the events about that allegation's referrals."""
    return events_about(Referral.objects.filter(allegation=allegation))


def report_milestones_of(allegation) -> set[str]:
    """What the referrals of a reported allegation tell the person who reported it (one query)."""
    referrals = list(Referral.objects.filter(allegation=allegation, sent_on__isnull=False)
                     .values_list("status", "response", "outcome"))
    reached: set[str] = set()
    if referrals:
        reached.add(Milestone.AUTHORITY_INFORMED)
    if any(response == AuthorityResponse.WILL_INVESTIGATE for _s, response, _o in referrals):
        reached.add(Milestone.INVESTIGATION)
    if any(outcome != InvestigationOutcome.PENDING for _s, _r, outcome in referrals):
        reached.add(Milestone.OUTCOME)
    if referrals and all(status == ReferralStatus.CLOSED for status, _r, _o in referrals):
        reached.add(Milestone.CLOSED)
    return reached
