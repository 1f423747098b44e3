"""A dozen demo referrals at every stage, with the reminders their deadlines call for (idempotent)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from allegations.models import Allegation, Credibility, Status
from referrals.deadlines import investigation_due, response_due
from referrals.models import AuthorityResponse, InvestigationOutcome, Referral
from referrals.services import (
    referral_approve,
    referral_draft,
    referral_record,
    referral_return,
    referral_send,
    suggested_recipients,
)
from referrals.tasks import sweep_due_reminders


def seed_referrals(users: dict) -> int:
    if Referral.objects.exists():
        return 0
    drafter, approver = users["officer.car"], users["chief.car"]
    allegations = Allegation.objects.filter(
        mission__name="Central African Republic", credibility=Credibility.CREDIBLE,
        status__in=[Status.UNDER_INVESTIGATION, Status.SUBSTANTIATED, Status.NOT_SUBSTANTIATED],
    ).order_by("reference")[:10]
    count = 0
    for n, allegation in enumerate(allegations):
        states, organisations = suggested_recipients(allegation)
        recipient = {"regional_organisation": organisations[0]} if organisations else {"member_state": states[0]}
        referral = referral_draft(actor=drafter, allegation=allegation, **recipient)
        count += 1
        if n == 0:
            continue  # one draft left waiting for approval (drafted today)
        if n == 1:
            # One draft the approver sent back yesterday: on the drafter's queue.
            referral_return(actor=approver, referral=referral, expected_version=referral.version,
                            comment="Please send it in French, the language of the force's lead body (demo).")
            Referral.objects.filter(pk=referral.pk).update(returned_at=timezone.now() - datetime.timedelta(days=1))
            continue
        referral = referral_approve(actor=approver, referral=referral, expected_version=referral.version)
        referral_send(referral_id=referral.pk)  # the task would, once the seeding transaction commits
        # The demo's cases date from 2016-2017: place the sending a month after receipt.
        referral.refresh_from_db()
        sent = allegation.date_received + datetime.timedelta(days=30)
        Referral.objects.filter(pk=referral.pk).update(
            sent_on=sent, response_due=response_due(sent),
            investigation_due=investigation_due(sent, children_involved=allegation.children_involved))
        referral.refresh_from_db()
        if n % 3 == 1:
            referral = referral_record(actor=drafter, referral=referral, expected_version=referral.version, values={
                "response": AuthorityResponse.WILL_INVESTIGATE, "response_on": sent + datetime.timedelta(days=12),
                "investigation_officer": "Commandant (demo) of the national gendarmerie"})
        if n % 3 == 1 and allegation.status == Status.SUBSTANTIATED:
            referral_record(actor=drafter, referral=referral, expected_version=referral.version, close=True, values={
                "outcome": InvestigationOutcome.SUBSTANTIATED, "outcome_on": sent + datetime.timedelta(days=150),
                "accountability_measures": "Repatriated; court-martial opened (demo)."})
    sweep_due_reminders()
    sweep_due_reminders()  # the next beat: escalations after two unanswered reminders
    return count
