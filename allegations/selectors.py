"""What the audit page asks of allegations: the allegation by its reference, and the events about it
and what it keeps (its evidence files)."""

from __future__ import annotations

from django.db.models import Q

from allegations.models import Allegation, Attachment
from core.audit_actions import events_about, events_on


def allegation_by_reference(reference: str) -> Allegation | None:
    # The audit page's readers see the whole trail, whatever the operation: no scope to apply here.
    return Allegation.objects.filter(reference__iexact=reference.strip()).first()


def allegation_audit_events(allegation: Allegation) -> Q:
    """The allegation, its evidence files, and events that name it in their detail (a victim added
    to it or linked to it, a referral drafted, a file downloaded)."""
    return (events_on(allegation)
            | events_about(Attachment.objects.filter(allegation=allegation))
            | Q(detail__allegation=allegation.reference))
