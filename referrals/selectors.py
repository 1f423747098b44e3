"""What the audit page asks of referrals: the events about an allegation's referrals."""

from __future__ import annotations

from django.db.models import Q

from core.audit_actions import events_about
from referrals.models import Referral


def allegation_referral_audit_events(allegation) -> Q:
    return events_about(Referral.objects.filter(allegation=allegation))
