import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from allegations.models import Allegation
from core.fields import EncryptedTextField
from core.models import FocalPoint, MemberState, RegionalOrganisation
from referrals.choices import (  # noqa: F401 (re-exported: the app's vocabulary, imported from here too)
    ReferralStatus,
    AuthorityResponse,
    InvestigationOutcome,
    ReminderKind,
    InformedHow,
    StepKind,
    StepResult,
    StepSource,
)
from referrals.querysets import ReferralQuerySet, ReminderQuerySet, ReferralStepQuerySet


class Referral(models.Model):
    """The office's notification of an allegation to the responsible authority, and its follow-up."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT, related_name="referrals")
    member_state = models.ForeignKey(MemberState, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="referrals", verbose_name=_("Member State"))
    regional_organisation = models.ForeignKey(RegionalOrganisation, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="referrals", verbose_name=_("regional organisation"))
    focal_points = models.ManyToManyField(FocalPoint, related_name="referrals", verbose_name=_("sent to"))
    language = models.CharField(_("language of the notification"), max_length=2, choices=settings.LANGUAGES,
                                default="en")
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.DRAFT, editable=False)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    # A draft the approver sent back: it stays a draft, on its drafter's queue, until edited (which
    # clears these) or withdrawn.
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("why it was returned"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True, db_index=True)
    response_due = models.DateField(_("response due"), null=True, blank=True, db_index=True)
    investigation_due = models.DateField(_("investigation due"), null=True, blank=True, db_index=True)
    # A child victim recorded (or corrected away) after sending moved the investigation deadline:
    # when, and from which date, so the page can say why the deadline is what it is.
    investigation_due_changed_on = models.DateField(null=True, blank=True, editable=False)
    investigation_due_was = models.DateField(null=True, blank=True, editable=False)
    # What was actually sent (it may quote identity where consent allowed it): encrypted.
    sent_subject = models.CharField(max_length=300, blank=True)
    sent_text = EncryptedTextField(blank=True, default="")
    sent_html = EncryptedTextField(blank=True, default="")
    sent_shares_identity = models.BooleanField(default=False)

    # The answer, the officer and the outcome summarise the ledger (`referrals.ledger.summarise`):
    # written with each step, read by the lists, the reminders and the scorecard.
    response = models.CharField(_("response"), max_length=20, choices=AuthorityResponse.choices,
                                default=AuthorityResponse.NONE_YET)
    response_on = models.DateField(_("response received on"), null=True, blank=True)
    investigation_officer = models.CharField(_("national investigation officer"), max_length=200, blank=True)
    outcome = models.CharField(_("investigation outcome"), max_length=20, choices=InvestigationOutcome.choices,
                               default=InvestigationOutcome.PENDING)
    outcome_on = models.DateField(_("outcome reported on"), null=True, blank=True)
    accountability_measures = models.TextField(_("accountability measures reported"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        permissions = [("approve_referral", _("Can approve and send a referral drafted by someone else"))]
        constraints = [
            models.CheckConstraint(
                name="referral_has_exactly_one_recipient",
                condition=(
                    models.Q(member_state__isnull=False, regional_organisation__isnull=True)
                    | models.Q(member_state__isnull=True, regional_organisation__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.allegation.reference} → {self.recipient}"

    @property
    def recipient(self) -> MemberState | RegionalOrganisation:
        return self.member_state or self.regional_organisation

    @property
    def is_draft(self) -> bool:
        return self.status == ReferralStatus.DRAFT

    @property
    def is_returned(self) -> bool:
        return self.is_draft and self.returned_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ReferralStatus.WITHDRAWN

    @property
    def is_approved(self) -> bool:
        """Approved and being sent: not yet in follow-up."""
        return self.status == ReferralStatus.APPROVED

    @property
    def is_sent(self) -> bool:
        """Sent and in follow-up: the authority's answer and outcome can be recorded."""
        return self.status == ReferralStatus.SENT

    @property
    def awaiting_response(self) -> bool:
        return self.status == ReferralStatus.SENT and self.response == AuthorityResponse.NONE_YET

    @property
    def local_today(self):
        """Today in the operation's time zone: what "overdue" is measured against."""
        return self.allegation.mission.today()

    @property
    def awaiting_outcome(self) -> bool:
        return (self.status == ReferralStatus.SENT and self.response != AuthorityResponse.DECLINES
                and self.outcome == InvestigationOutcome.PENDING)


class Reminder(models.Model):
    """One reminder per (referral, kind, due date). The row exists before any e-mail is sent, and is
    marked sent in the same transaction that records the e-mail: redelivery finds it sent. (A worker
    killed after the mail server accepted the message but before that commit sends it again, with
    the same Message-ID: measured at most one copy per killed pool process.)"""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Not needed: answered in the meantime")
        # Several reminders fell due during an outage: only the latest of a kind goes out.
        SUPERSEDED = "superseded", _("Not sent: a later reminder of the same kind went out instead")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    about = models.CharField(max_length=24, choices=ReminderKind.choices)  # the overdue deadline it chases
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # `SEA/NV/2026/0007`: given the first time the reminder is produced as a note verbale, then kept,
    # so a printed note and the one quoted back by a Permanent Mission carry the same number.
    note_number = models.CharField(_("note verbale number"), max_length=24, null=True, blank=True, unique=True,
                                   editable=False)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind", "due_date"], name="one_reminder_per_kind_and_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_date})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def is_escalation(self) -> bool:
        return self.kind == ReminderKind.ESCALATION

    @property
    def chases_response(self) -> bool:
        """The deadline it chases is the authority's answer (else the investigation's outcome)."""
        return self.about == ReminderKind.RESPONSE_OVERDUE


class ReferralStep(models.Model):
    """One dated step of the authority's follow-up: who recorded it (an office user, or the focal point
    through the answer link), and how the office learnt of it. A correction is a new step that
    replaces the old one, which is kept: the ledger shows both."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=32, choices=StepKind.choices)
    occurred_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=16, choices=StepSource.choices)
    source_reference = models.CharField(_("reference of the source"), max_length=100, blank=True,
                                        help_text=_("For example the note verbale's number or the e-mail's date."))
    result = models.CharField(_("result or measure"), max_length=32, choices=StepResult.choices, blank=True)
    officer_name = models.CharField(_("name of the officer"), max_length=200, blank=True)
    informed_by = models.CharField(_("informed by"), max_length=200, blank=True)
    informed_how = models.CharField(_("informed how"), max_length=16, choices=InformedHow.choices, blank=True)
    paternity_claim = models.ForeignKey("victims.PaternityClaim", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="referral_steps", verbose_name=_("paternity claim"))
    # In the recorder's words; encrypted, since nothing stops a hand from typing a name.
    note = EncryptedTextField(_("details"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_by_focal_point = models.ForeignKey(FocalPoint, null=True, blank=True, on_delete=models.SET_NULL,
                                                related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")

    objects = ReferralStepQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "recorded_at"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_on})"

    @property
    def recorder(self) -> str:
        """Who recorded it, as the ledger shows it."""
        if self.recorded_by_focal_point_id:
            return _("%(name)s (focal point)") % {"name": self.recorded_by_focal_point.name}
        return self.recorded_by.username if self.recorded_by_id else "—"


class AnswerLink(models.Model):
    """A focal point's own link to answer one referral (`/answer/<token>/`, sent in the notice).

    The token is never stored: only its SHA-256 (a 256-bit random token needs no slow hash). The
    link works until the investigation deadline plus `SEA_ANSWER_LINK_GRACE_DAYS` (so it follows the
    deadline when a child victim moves it), unless revoked or locked by too many wrong codes."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="answer_links")
    focal_point = models.ForeignKey(FocalPoint, on_delete=models.PROTECT, related_name="answer_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # The last one-time code sent, hashed like a password (a six-digit code is guessable from a fast hash).
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    failed_codes = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "focal_point"], name="one_answer_link_per_recipient")]

    def __str__(self) -> str:
        return f"{self.referral} · {self.focal_point.name}"

    @property
    def expires_on(self):
        due = self.referral.investigation_due
        return due + datetime.timedelta(days=settings.SEA_ANSWER_LINK_GRACE_DAYS) if due else None

    def is_usable(self, today) -> bool:
        """Not revoked, not locked, not expired, and its referral still in follow-up."""
        return (self.revoked_at is None and self.locked_at is None and self.referral.status == ReferralStatus.SENT
                and self.expires_on is not None and today <= self.expires_on)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class NoteCounter(models.Model):
    """Last note verbale number per year: the row lock serialises concurrent first productions."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)
