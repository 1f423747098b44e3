"""What a focal point does through an answer link: ask for a one-time code, prove it, read the notice
as sent, and record the authority's steps. No account: the token opens one link, the code proves the
address on file, and every use is audited (actor none, the link's id in the detail, never the token).

Guesses are throttled per client address through the cache, over all tokens; every refusal (unknown,
revoked, expired, locked, closed, wrong code, throttled) is answered the same way by the pages."""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.errors import NotFound
from core.identity_parts import identity_fill
from core.mail import message_id_for, send_and_record
from core.models import AuditEvent
from core.throttle import Throttle
from referrals.answer_links import token_hash
from referrals.ledger import StepEntry
from referrals.models import AnswerLink, ReferralStep
from referrals.services import lock_open_referral, record_step
from victims.choices import NAMED_VICTIMS_DETAIL
from victims.models import Consent, ConsentScope
from victims.querysets import decision_allows

CODE_DIGITS = 6
CODE_VALID = datetime.timedelta(minutes=15)
# A second "send me a code" within this time sends nothing (a mailbox is not to be flooded).
CODE_RESEND_AFTER = datetime.timedelta(minutes=1)
WRONG_CODES_BEFORE_LOCK = 20
# Failed guesses (unknown or unusable tokens, wrong codes) and codes sent, per client address.
GUESSES_PER_WINDOW = 30
GUESS_WINDOW_SECONDS = 15 * 60
CODE_MARK = "[[one-time-code]]"


# --- throttling ---------------------------------------------------------------------------------

ANSWER_GUESSES = Throttle("answer-guesses", GUESSES_PER_WINDOW, GUESS_WINDOW_SECONDS)


def answer_throttled(audit: AuditContext) -> bool:
    """This address has used up its guesses for the window."""
    return ANSWER_GUESSES.exceeded(audit.ip_address)


def answer_guess_count(audit: AuditContext | None) -> None:
    """One more guess from this address (the window starts at its first guess)."""
    ANSWER_GUESSES.count(audit.ip_address if audit else None)


# --- audit --------------------------------------------------------------------------------------

def _on(link: AnswerLink, **detail) -> dict:
    """What an answer link's audit row names: its referral, and the link's id (never the token)."""
    return {"obj": link.referral, "detail": {"link": link.pk, **detail}}


def answer_link_refused(*, token: str, audit: AuditContext | None, throttled: bool = False) -> None:
    """A token that opens nothing (or any token, while the address is throttled): audited with a prefix
    of the token's hash, and the link it names if there is one, never the token."""
    digest = token_hash(token or "")
    link = AnswerLink.objects.filter(token_hash=digest).only("pk", "referral_id").first()
    detail = {"token_hash_prefix": digest[:8], "throttled": throttled}
    if link is not None:
        detail["link"] = link.pk
    audit_record(action="answer_link_refused", audit=audit, outcome=AuditEvent.Outcome.DENIED, detail=detail,
                 object_type="referrals.referral" if link else "", object_id=str(link.referral_id) if link else "")
    if not throttled:
        answer_guess_count(audit)


def answer_link_opened(*, link: AnswerLink, audit: AuditContext | None = None) -> None:
    """The link's page was opened before the code (a mail scanner's prefetch as much as the focal point)."""
    audit_record(action="answer_link_opened", audit=audit, **_on(link, verified=False))


# --- the code -----------------------------------------------------------------------------------

def masked_address(email: str) -> str:
    """`s***@defense.example.fr`: enough for the focal point to recognise their address on file."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def code_pending(link: AnswerLink) -> bool:
    """A code was sent and can still be entered."""
    return bool(link.code_hash and link.code_sent_at and timezone.now() - link.code_sent_at <= CODE_VALID)


def answer_code_send(*, link: AnswerLink, audit: AuditContext | None = None) -> bool:
    """E-mail a fresh one-time code to the focal point's address on file (only its hash is kept; the
    outbox keeps a note in its place). False when one went out less than a minute ago."""
    with transaction.atomic():
        locked = AnswerLink.objects.select_for_update().get(pk=link.pk)
        now = timezone.now()
        if locked.code_sent_at and now - locked.code_sent_at < CODE_RESEND_AFTER:
            return False
        code = "".join(secrets.choice("0123456789") for _digit in range(CODE_DIGITS))
        locked.code_hash, locked.code_sent_at = make_password(code), now
        locked.save(update_fields=["code_hash", "code_sent_at"])
        referral = link.referral
        with translation.override(referral.language):
            subject = _("Your one-time code to answer referral %(reference)s") % {
                "reference": referral.allegation.reference}
            text = _("Your one-time code is %(code)s. It works for %(minutes)d minutes, on the page of your "
                     "answer link.\n\nIf you did not ask for it, do not share it, and tell the Office.") % {
                "code": CODE_MARK, "minutes": CODE_VALID.seconds // 60}
            not_kept = _("[one-time code, not kept]")
        send_and_record(to=[link.focal_point.email], subject=subject, text=text,
                        message_id=message_id_for("answer-code", f"{link.pk}.{uuid.uuid4().hex}"),
                        mission=referral.allegation.mission, related=referral, related_label=str(referral),
                        personal={CODE_MARK: (code, not_kept)})
        audit_record(action="answer_link_code_sent", audit=audit, **_on(link))
    answer_guess_count(audit)  # each code sent is a mail sent: it counts against the address too
    return True


def answer_code_check(*, link: AnswerLink, code: str, audit: AuditContext | None = None) -> bool:
    """True (and the code is spent) when `code` is the one last sent and still valid. Otherwise the
    link counts a wrong code, and locks at the twentieth."""
    with transaction.atomic():
        locked = AnswerLink.objects.select_for_update().select_related("referral__allegation__mission").get(pk=link.pk)
        entered = "".join((code or "").split())
        usable = locked.is_usable(locked.referral.allegation.mission.today()) and code_pending(locked)
        if usable and entered and check_password(entered, locked.code_hash):
            locked.code_hash, locked.last_used_at = "", timezone.now()
            locked.save(update_fields=["code_hash", "last_used_at"])
            audit_record(action="answer_link_code_right", audit=audit, **_on(link))
            return True
        locked.failed_codes += 1
        fields = ["failed_codes"]
        if locked.failed_codes >= WRONG_CODES_BEFORE_LOCK and locked.locked_at is None:
            locked.locked_at = timezone.now()
            fields.append("locked_at")
        locked.save(update_fields=fields)
        audit_record(action="answer_link_code_wrong", audit=audit, outcome=AuditEvent.Outcome.FAILURE,
                     **_on(link, failed_codes=locked.failed_codes))
        if "locked_at" in fields:
            audit_record(action="answer_link_locked", audit=audit, outcome=AuditEvent.Outcome.DENIED, **_on(link))
    answer_guess_count(audit)
    return False


# --- the notice and the steps -------------------------------------------------------------------

def answer_notice_html(*, link: AnswerLink, audit: AuditContext | None = None) -> str:
    """The notice as it was sent to this focal point, read now: a victim's identity appears only while
    their consent to share it with the Member State is still given; the others read "withheld".
    Audited as the verified focal point's reading, with the victims it named."""
    referral = link.referral
    decisions = Prefetch("victim__consents", to_attr="share_decisions", queryset=Consent.objects.filter(
        scope=ConsentScope.SHARE_WITH_MEMBER_STATE).order_by("-recorded_at", "-id"))
    allowed = {str(victim_link.victim_id)  # the latest decision of each victim, in one query for all
               for victim_link in referral.allegation.victim_links.select_related("victim").prefetch_related(decisions)
               if decision_allows(victim_link.victim, next(iter(victim_link.victim.share_decisions), None))}
    with translation.override(referral.language):
        withheld = _("identity withheld (no consent to share it)")
    filled = identity_fill(referral.sent_html, html=True, withheld=withheld,
                           shown=lambda subject_type, subject_id: subject_type == "victims.victim"
                           and subject_id in allowed)
    audit_record(action="answer_link_opened", audit=audit, **_on(link, verified=True, **{
        NAMED_VICTIMS_DETAIL: sorted(subject_id for _type, subject_id in filled.subjects)}))
    return filled.text


def answer_link_step_record(*, link: AnswerLink, entry: StepEntry, audit: AuditContext | None = None) -> ReferralStep:
    """The focal point records a step: the referral is locked and must still be open, the link still
    usable (revoked a moment ago: refused), then the ledger's rules apply as for the office."""
    with transaction.atomic():
        current = lock_open_referral(link.referral)
        locked = AnswerLink.objects.select_for_update().get(pk=link.pk)
        locked.referral = current
        if not locked.is_usable(current.allegation.mission.today()):
            raise NotFound(_("This link cannot be used."))
        step = record_step(current, entry, by_focal_point=link.focal_point)
        locked.last_used_at = timezone.now()
        locked.save(update_fields=["last_used_at"])
        audit_record(action="answer_link_step", audit=audit, **_on(link, step=str(step.pk), kind=step.kind))
    return step
