"""What the audit trail tells of allegations: for the audit page, the allegation by its reference and
the events about it and what it keeps (its evidence files); for a file's page, its custody log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from allegations.choices import IntegrityFailure
from allegations.models import Allegation, Attachment
from core.audit_actions import events_about, events_on
from core.models import AuditEvent


def allegation_by_reference(reference: str) -> Allegation | None:
    # The audit page's readers see the whole trail, whatever the operation: no scope to apply here.
    return Allegation.objects.filter(reference__iexact=reference.strip()).first()


def allegation_audit_events(allegation: Allegation) -> Q:
    """The allegation, its evidence files, and events that name it in their detail (a victim added
    to it or linked to it, a referral drafted, a file downloaded)."""
    return (events_on(allegation)
            | events_about(Attachment.objects.filter(allegation=allegation))
            | Q(detail__allegation=allegation.reference))


@dataclass(frozen=True)
class CustodyEntry:
    """One line of a file's custody log: what was done to it, by whom, when, and how it went."""

    at: datetime.datetime
    who: str  # the username at the time; blank for the system (the retention run)
    what: str  # the action in words
    outcome: str
    outcome_label: str
    why: str  # an integrity failure's reason in words; blank otherwise


def attachment_custody_log(attachment: Attachment) -> list[CustodyEntry]:
    """Everything the audit trail holds about this file, oldest first (uploaded, custody page viewed,
    downloaded, refused at download, access refused, deleted), in one query."""
    reasons = dict(IntegrityFailure.choices)
    events = AuditEvent.objects.filter(events_on(attachment)).order_by("created_at", "id")
    return [CustodyEntry(at=event.created_at, who=event.actor_username, what=event.action_label,
                         outcome=event.outcome, outcome_label=event.get_outcome_display(),
                         why=str(reasons.get(event.detail.get("reason"), "")))
            for event in events.only("created_at", "actor_username", "action", "outcome", "detail")]
