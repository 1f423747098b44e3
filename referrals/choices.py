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


class StepKind(models.TextChoices):
    """A dated step of the authority's follow-up, as the referral's ledger records it."""

    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    WILL_INVESTIGATE = "will_investigate", _("Will investigate")
    DECLINES = "declines", _("Declines to investigate")
    NO_ANSWER = "no_answer", _("No answer (recorded as such)")
    OFFICER_APPOINTED = "officer_appointed", _("National investigation officer appointed")
    INTERIM_MEASURE = "interim_measure", _("Interim measure taken")
    FINDINGS = "findings", _("Findings of the investigation")
    SANCTION = "sanction", _("Sanction imposed")
    PROSECUTION_REFERRED = "prosecution_referred", _("Referred for criminal prosecution")
    PROSECUTION_RESULT = "prosecution_result", _("Result of the criminal prosecution")
    VICTIM_INFORMED_PROGRESS = "victim_informed_progress", _("Victim informed of progress")
    VICTIM_INFORMED_OUTCOME = "victim_informed_outcome", _("Victim informed of the outcome")
    DNA_SAMPLE_TAKEN = "dna_sample_taken", _("DNA sample taken (paternity claim)")
    DNA_RESULT = "dna_result", _("DNA result (paternity claim)")
    SUPPORT_ORDER = "support_order", _("Child support order (paternity claim)")
    SUPPORT_PAYMENT = "support_payment", _("Child support payment (paternity claim)")


class StepResult(models.TextChoices):
    """What a step found or imposed, for the kinds that have one (see RESULTS_OF)."""

    REPATRIATION = "repatriation", _("Repatriation")
    PAYMENTS_SUSPENDED = "payments_suspended", _("Payments suspended")
    OTHER_MEASURE = "other_measure", _("Other measure")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    DISCIPLINARY = "disciplinary", _("Disciplinary sanction")
    ADMINISTRATIVE = "administrative", _("Administrative sanction")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Case dismissed")
    PATERNITY_ESTABLISHED = "paternity_established", _("Paternity established")
    PATERNITY_NOT_ESTABLISHED = "paternity_not_established", _("Paternity not established")


class StepSource(models.TextChoices):
    """How the office learnt of the step."""

    NOTE_VERBALE = "note_verbale", _("Note verbale")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Telephone")
    ANSWER_LINK = "answer_link", _("Entered by the focal point through the secure answer link")
    OTHER = "other", _("Other")


class InformedHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By telephone")
    LETTER = "letter", _("By letter")
    THROUGH_OFFICE = "through_office", _("Through the office or a victims' rights advocate")


# The ledger's rules, each defined once (referrals.ledger applies them).
RESULTS_OF: dict[str, tuple[str, ...]] = {
    StepKind.INTERIM_MEASURE: (StepResult.REPATRIATION, StepResult.PAYMENTS_SUSPENDED, StepResult.OTHER_MEASURE),
    StepKind.FINDINGS: (StepResult.SUBSTANTIATED, StepResult.NOT_SUBSTANTIATED),
    StepKind.SANCTION: (StepResult.DISCIPLINARY, StepResult.ADMINISTRATIVE),
    StepKind.PROSECUTION_RESULT: (StepResult.CONVICTED, StepResult.ACQUITTED, StepResult.DISMISSED),
    StepKind.DNA_RESULT: (StepResult.PATERNITY_ESTABLISHED, StepResult.PATERNITY_NOT_ESTABLISHED),
}
# The authority's answer to "will you investigate?": one per referral.
ANSWERS = frozenset({StepKind.WILL_INVESTIGATE, StepKind.DECLINES})
# A step that needs another one recorded before it (on that date or earlier); with a result, that result.
REQUIRES: dict[str, tuple[str, str]] = {
    StepKind.OFFICER_APPOINTED: (StepKind.WILL_INVESTIGATE, ""),
    StepKind.INTERIM_MEASURE: (StepKind.WILL_INVESTIGATE, ""),
    StepKind.FINDINGS: (StepKind.WILL_INVESTIGATE, ""),
    StepKind.PROSECUTION_REFERRED: (StepKind.WILL_INVESTIGATE, ""),
    StepKind.SANCTION: (StepKind.FINDINGS, StepResult.SUBSTANTIATED),
    StepKind.PROSECUTION_RESULT: (StepKind.PROSECUTION_REFERRED, ""),
    StepKind.VICTIM_INFORMED_OUTCOME: (StepKind.FINDINGS, ""),
    StepKind.DNA_RESULT: (StepKind.DNA_SAMPLE_TAKEN, ""),
    StepKind.SUPPORT_PAYMENT: (StepKind.SUPPORT_ORDER, ""),
}
# Recorded once per referral (the paternity kinds: once per claim); a mistake is corrected, not repeated.
ONCE = frozenset({StepKind.ACKNOWLEDGED, StepKind.WILL_INVESTIGATE, StepKind.DECLINES, StepKind.NO_ANSWER,
                  StepKind.FINDINGS, StepKind.PROSECUTION_RESULT, StepKind.DNA_SAMPLE_TAKEN, StepKind.DNA_RESULT,
                  StepKind.SUPPORT_ORDER})
PATERNITY_STEPS = frozenset({StepKind.DNA_SAMPLE_TAKEN, StepKind.DNA_RESULT, StepKind.SUPPORT_ORDER,
                             StepKind.SUPPORT_PAYMENT})
VICTIM_INFORMED = frozenset({StepKind.VICTIM_INFORMED_PROGRESS, StepKind.VICTIM_INFORMED_OUTCOME})
# Only the office records that no answer came: a focal point answering through the link answers.
OFFICE_ONLY = frozenset({StepKind.NO_ANSWER})
# The stages of the step form's choice list, in the order a follow-up goes.
STEP_STAGES = (
    (_("The answer"), (StepKind.ACKNOWLEDGED, StepKind.WILL_INVESTIGATE, StepKind.DECLINES, StepKind.NO_ANSWER)),
    (_("The investigation"), (StepKind.OFFICER_APPOINTED, StepKind.INTERIM_MEASURE, StepKind.FINDINGS)),
    (_("Accountability"), (StepKind.SANCTION, StepKind.PROSECUTION_REFERRED, StepKind.PROSECUTION_RESULT)),
    (_("The victim"), (StepKind.VICTIM_INFORMED_PROGRESS, StepKind.VICTIM_INFORMED_OUTCOME)),
    (_("Paternity claim"), (StepKind.DNA_SAMPLE_TAKEN, StepKind.DNA_RESULT, StepKind.SUPPORT_ORDER,
                            StepKind.SUPPORT_PAYMENT)),
)


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
    "referral_step": _("Step recorded in a referral's ledger"),
    "referral_step_corrected": _("Step in a referral's ledger corrected"),
    "referral_closed": _("Referral follow-up closed"),
    "answer_link_revoked": _("A focal point's answer link revoked"),
    "scorecard_export": _("Accountability scorecard exported"),
    "answer_link_opened": _("Answer link opened"),
    "answer_link_code_sent": _("One-time code sent for an answer link"),
    "answer_link_code_wrong": _("Wrong one-time code entered on an answer link"),
    "answer_link_code_right": _("One-time code accepted on an answer link"),
    "answer_link_locked": _("Answer link locked after too many wrong codes"),
    "answer_link_step": _("Step recorded by a focal point through the answer link"),
    "answer_link_refused": _("Answer link refused (unknown, expired, revoked, locked or throttled)"),
}
