"""Focal points' answer links: issuing them with the notice, and finding one from its token.

The token leaves the server once, in the e-mail to its focal point; the database, the outbox and the
audit trail hold only its SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse

from core.models import FocalPoint
from referrals.models import AnswerLink, Referral

TOKEN_BYTES = 32  # 256 bits
# Where a notice's text puts the focal point's link; each recipient's message fills in their own.
ANSWER_LINK_MARK = "[[answer-link]]"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_url(token: str) -> str:
    return settings.SITE_URL + reverse("answer:open", args=[token])


def answer_link_issue(*, referral: Referral, focal_point: FocalPoint) -> str:
    """A new link for this focal point (replacing any earlier one of theirs for this referral): the
    token, to put in the e-mail and nowhere else."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    AnswerLink.objects.update_or_create(referral=referral, focal_point=focal_point, defaults={
        "token_hash": token_hash(token), "revoked_at": None, "revoked_by": None, "code_hash": "",
        "code_sent_at": None, "failed_codes": 0, "locked_at": None})
    return token


def find_answer_link(token: str) -> AnswerLink | None:
    """The usable link this token opens, or None (unknown, revoked, locked, expired, referral closed):
    callers answer every None the same way."""
    if not token or len(token) > 100:
        return None
    link = (AnswerLink.objects.select_related("referral__allegation__mission", "referral__member_state",
                                              "referral__regional_organisation", "focal_point")
            .filter(token_hash=token_hash(token)).first())
    if link is None or not link.is_usable(link.referral.allegation.mission.today()):
        return None
    return link
