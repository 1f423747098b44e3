"""The referrals app's vocabulary: choices below the models (querysets, services, forms and templates name these, never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, awaiting approval")
    APPROVED = "approved", _("Approved, being sent")
    SENT = "sent", _("Sent, in follow-up")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn before sending")


class AuthorityResponse(models.TextChoices):
    NONE_YET = "none_yet", _("No answer yet")
    WILL_INVESTIGATE = "will_investigate", _("Will investigate")
    DECLINES = "declines", _("Declines to investigate")
    NO_RESPONSE = "no_response", _("No response (recorded as such)")


class InvestigationOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")


class ReminderKind(models.TextChoices):
    RESPONSE_OVERDUE = "response_overdue", _("Response overdue")
    INVESTIGATION_OVERDUE = "investigation_overdue", _("Investigation overdue")
    ESCALATION = "escalation", _("Escalation to headquarters and the Permanent Mission")


# The actions this app writes to the audit trail, in words (registered with core.audit_actions at start-up).
AUDIT_ACTIONS = {
    "referral_draft": _("Referral drafted"),
    "referral_preview": _("Referral notice previewed"),
    "referral_edit": _("Referral draft edited"),
    "referral_return": _("Referral draft returned to its drafter"),
    "referral_withdraw": _("Referral draft withdrawn"),
    "referral_approve": _("Referral approved"),
    "referral_sent": _("Referral notice sent"),
    "referral_record": _("Authority's answer recorded"),
    "referral_deadline_changed": _("Referral deadline changed"),
    "note_verbale_produced": _("Note verbale produced from a reminder"),
}
