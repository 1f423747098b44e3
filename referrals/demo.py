"""A dozen demo referrals at every stage, with the reminders their deadlines call for (idempotent).

Dates are offsets from the operation's local date (`Mission.today()`): the recent allegations (newest
first) get the referrals a newcomer should see waiting, answers due in 1 to 3 working days, a few
days overdue, an investigation due soon; the allegations of past years get referrals answered and
closed long ago (nothing "years overdue")."""

from __future__ import annotations

import datetime
from enum import Enum

from django.conf import settings
from django.utils import timezone

from allegations.demo import RECENT_WITHIN_DAYS
from allegations.models import Allegation, Credibility, Status
from core.working_days import add_working_days
from referrals.deadlines import investigation_due, response_due
from referrals.choices import InformedHow, StepKind, StepResult, StepSource
from referrals.ledger import StepEntry
from referrals.models import Referral
from referrals.services import (
    referral_approve,
    referral_close,
    referral_draft,
    referral_return,
    referral_step_record,
    referral_send,
    suggested_recipients,
)
from referrals.tasks import sweep_due_reminders


class Stage(Enum):
    AWAITING_APPROVAL = "awaiting approval"
    RETURNED = "returned"
    ANSWER_DUE = "answer due"
    ANSWER_OVERDUE = "answer overdue"
    INVESTIGATION_DUE = "investigation due"


# For the recent allegations, newest first: (stage, working days to the answer deadline, or calendar
# days to the investigation deadline; < 0: overdue by that many).
RECENT_PLAN = [
    (Stage.AWAITING_APPROVAL, 0),  # drafted today, for the approving officer
    (Stage.RETURNED, 0),  # sent back to its drafter yesterday
    (Stage.ANSWER_DUE, 1),
    (Stage.ANSWER_DUE, 3),
    (Stage.ANSWER_OVERDUE, -2),  # one reminder
    (Stage.ANSWER_OVERDUE, -7),
    (Stage.INVESTIGATION_DUE, 10),  # answered: the authority investigates, its outcome is due soon
]


def seed_referrals(users: dict) -> int:
    if Referral.objects.exists():
        return 0
    drafter, approver = users["officer.car"], users["chief.car"]
    allegations = list(Allegation.objects.select_related("mission").filter(
        mission__name="Central African Republic", credibility=Credibility.CREDIBLE,
        status__in=[Status.UNDER_INVESTIGATION, Status.SUBSTANTIATED, Status.NOT_SUBSTANTIATED],
    ).order_by("-date_received", "reference")[:10])
    # Those of past years (see allegations/demo.py) were followed up and closed long ago.
    recent = [a for a in allegations if (a.mission.today() - a.date_received).days < RECENT_WITHIN_DAYS]
    past = [a for a in allegations if a not in recent]
    for allegation, (stage, left) in zip(recent, RECENT_PLAN, strict=False):
        _seed_recent(allegation, stage, left, drafter, approver)
    for allegation in recent[len(RECENT_PLAN):] + past:
        _seed_closed(allegation, drafter, approver)
    sweep_due_reminders()
    sweep_due_reminders()  # the next beat: escalations after two unanswered reminders
    return len(allegations)


def _draft(allegation: Allegation, drafter) -> Referral:
    states, organisations = suggested_recipients(allegation)
    recipient = {"regional_organisation": organisations[0]} if organisations else {"member_state": states[0]}
    return referral_draft(actor=drafter, allegation=allegation, **recipient)


def _send(referral: Referral, approver, sent: datetime.date) -> Referral:
    """Approve and send it, then place the sending on `sent` (with the deadlines that follow)."""
    referral = referral_approve(actor=approver, referral=referral, expected_version=referral.version)
    referral_send(referral_id=referral.pk)  # the task would, once the seeding transaction commits
    at = timezone.make_aware(datetime.datetime.combine(sent, datetime.time(9)))
    Referral.objects.filter(pk=referral.pk).update(
        sent_on=sent, response_due=response_due(sent), drafted_at=at, approved_at=at,
        investigation_due=investigation_due(sent, children_involved=referral.allegation.children_involved))
    referral.refresh_from_db()
    return referral


def _seed_recent(allegation: Allegation, stage: Stage, left: int, drafter, approver) -> None:
    today = allegation.mission.today()
    referral = _draft(allegation, drafter)
    if stage == Stage.AWAITING_APPROVAL:
        return
    if stage == Stage.RETURNED:
        referral_return(actor=approver, referral=referral, expected_version=referral.version,
                        comment="Please send it in French, the language of the force's lead body (demo).")
        Referral.objects.filter(pk=referral.pk).update(drafted_at=timezone.now() - datetime.timedelta(days=2),
                                                       returned_at=timezone.now() - datetime.timedelta(days=1))
        return
    if stage in (Stage.ANSWER_DUE, Stage.ANSWER_OVERDUE):
        # The answer is due `left` working days from today: sent that many less than the allowed days ago.
        _send(referral, approver, add_working_days(today, left - settings.SEA_RESPONSE_WORKING_DAYS))
        return
    # Investigation due in `left` days; the authority answered twelve days after it was sent.
    days = (investigation_due(today, children_involved=allegation.children_involved) - today).days
    referral = _send(referral, approver, today + datetime.timedelta(days=left - days))
    _investigating(referral, drafter, referral.sent_on + datetime.timedelta(days=12))


OFFICER = "Commandant (demo) of the national gendarmerie"


def _step(referral: Referral, actor, kind: StepKind, on: datetime.date, **details) -> None:
    referral_step_record(actor=actor, referral=referral, entry=StepEntry(
        kind=kind, occurred_on=on, source=StepSource.NOTE_VERBALE, source_reference="demo", **details))


def _investigating(referral: Referral, actor, answered: datetime.date) -> None:
    """Acknowledged, "will investigate" and an officer appointed, all in the answer of `answered`."""
    _step(referral, actor, StepKind.ACKNOWLEDGED, answered)
    _step(referral, actor, StepKind.WILL_INVESTIGATE, answered)
    _step(referral, actor, StepKind.OFFICER_APPOINTED, answered, officer_name=OFFICER)


def _seed_closed(allegation: Allegation, drafter, approver) -> None:
    """Sent a month after receipt and answered; the outcome reported (or the authority declined, the
    case being investigated by the office) and the follow-up closed."""
    latest = allegation.mission.today() - datetime.timedelta(days=1)
    sent = min(allegation.date_received + datetime.timedelta(days=30), latest)
    referral = _send(_draft(allegation, drafter), approver, sent)
    answered = min(sent + datetime.timedelta(days=12), latest)
    reported = min(sent + datetime.timedelta(days=150), latest)
    findings = {Status.SUBSTANTIATED: StepResult.SUBSTANTIATED,
                Status.NOT_SUBSTANTIATED: StepResult.NOT_SUBSTANTIATED}.get(allegation.status)
    if findings is None:
        _step(referral, drafter, StepKind.DECLINES, answered)
        referral_close(actor=drafter, referral=referral, expected_version=Referral.objects.get(pk=referral.pk).version)
        Referral.objects.filter(pk=referral.pk).update(closed_on=answered)
        return
    _investigating(referral, drafter, answered)
    _step(referral, drafter, StepKind.FINDINGS, reported, result=findings)
    measures = ""
    if findings == StepResult.SUBSTANTIATED:
        _step(referral, drafter, StepKind.INTERIM_MEASURE, answered, result=StepResult.REPATRIATION)
        _step(referral, drafter, StepKind.PROSECUTION_REFERRED, reported)
        measures = "Repatriated; court-martial opened (demo)."
    _step(referral, drafter, StepKind.VICTIM_INFORMED_OUTCOME, reported, informed_by="The victims' rights advocate (demo)",
          informed_how=InformedHow.IN_PERSON)
    referral_close(actor=drafter, referral=referral, expected_version=Referral.objects.get(pk=referral.pk).version,
                   accountability_measures=measures)
    Referral.objects.filter(pk=referral.pk).update(closed_on=reported)
