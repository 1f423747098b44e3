"""The allegations app's vocabulary: choices and the sets its rules use (statuses open and closed, the moves between them, subtypes per type), below the models; querysets, services, forms and templates name these, never bare strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """The UN system-wide categories for the progress of an allegation."""

    PRELIMINARY_ASSESSMENT = "preliminary_assessment", _("Preliminary assessment")
    UNDER_REVIEW = "under_review", _("Under review (limited information)")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    CLOSED_OTHER = "closed_other", _("Closed (other)")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PRELIMINARY_ASSESSMENT: frozenset({Status.UNDER_REVIEW, Status.UNDER_INVESTIGATION, Status.CLOSED_OTHER}),
    Status.UNDER_REVIEW: frozenset({Status.UNDER_INVESTIGATION, Status.CLOSED_OTHER}),
    Status.UNDER_INVESTIGATION: frozenset(
        {Status.SUBSTANTIATED, Status.NOT_SUBSTANTIATED, Status.CLOSED_OTHER}
    ),
    Status.SUBSTANTIATED: frozenset(),
    Status.NOT_SUBSTANTIATED: frozenset(),
    Status.CLOSED_OTHER: frozenset(),
}
# Closed: no move out (substantiated, not substantiated, closed for another reason); open: the others.
CLOSED_STATUSES = frozenset(status for status, targets in ALLOWED_TRANSITIONS.items() if not targets)
OPEN_STATUSES = frozenset(status for status in Status if status not in CLOSED_STATUSES)


class AllegationType(models.TextChoices):
    SE = "SE", _("Sexual exploitation")
    SA = "SA", _("Sexual abuse")
    OTHER = "OTHER", _("Other")
    UNKNOWN = "UNKNOWN", _("Unknown")


class Subtype(models.TextChoices):
    TRANSACTIONAL_SEX = "transactional_sex", _("Transactional sex")
    SOLICITATION = "solicitation_transactional_sex", _("Solicitation of transactional sex")
    EXPLOITATIVE_RELATIONSHIP = "exploitative_relationship", _("Exploitative relationship")
    RAPE = "rape", _("Rape")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    OTHER = "other", _("Other")


SUBTYPES_BY_TYPE: dict[str, frozenset[str]] = {
    AllegationType.SE: frozenset(
        {Subtype.TRANSACTIONAL_SEX, Subtype.SOLICITATION, Subtype.EXPLOITATIVE_RELATIONSHIP, Subtype.OTHER}
    ),
    AllegationType.SA: frozenset({Subtype.RAPE, Subtype.SEXUAL_ASSAULT, Subtype.OTHER}),
    AllegationType.OTHER: frozenset({Subtype.OTHER}),
    AllegationType.UNKNOWN: frozenset({Subtype.OTHER}),
}


class Source(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    NGO = "ngo", _("Non-governmental organisation")
    MEDIA = "media", _("Media")
    MISSION = "mission", _("Mission / UN entity")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact date")
    MONTH = "month", _("Month only")
    UNKNOWN = "unknown", _("Unknown")


class Credibility(models.TextChoices):
    PENDING = "pending", _("Not yet assessed")
    CREDIBLE = "credible", _("Credible")
    NOT_CREDIBLE = "not_credible", _("Not credible")


class PersonnelCategory(models.TextChoices):
    MILITARY_CONTINGENT = "military_contingent", _("Military contingent")
    MILITARY_OBSERVER = "military_observer", _("Military observer")
    POLICE = "police", _("Individual police")
    FORMED_POLICE_UNIT = "formed_police_unit", _("Formed police unit")
    CIVILIAN = "civilian", _("Civilian")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class InterimAction(models.TextChoices):
    REPATRIATED = "repatriated", _("Repatriated")
    PAYMENTS_SUSPENDED = "payments_suspended", _("Payments suspended")
    OTHER = "other", _("Other")


class FinalAction(models.TextChoices):
    PENDING = "pending", _("Pending")
    CRIMINAL_CONVICTION = "criminal_conviction", _("Criminal conviction")
    DISCIPLINARY = "disciplinary", _("Disciplinary or administrative measures")
    DISMISSAL = "dismissal", _("Dismissal / separation")
    NO_ACTION = "no_action", _("No action taken")
    OTHER = "other", _("Other")


# A case still in preliminary assessment after this many working days from receipt is late: it goes
# on the field officer's queue.
PRELIMINARY_ASSESSMENT_WORKING_DAYS = 10


class Attention(models.TextChoices):
    """What a list can be narrowed to because someone has to act on it (the home page's queues)."""

    ASSESSMENT_OVERDUE = "assessment_overdue", _("In preliminary assessment for more than 10 working days")
    NO_INCIDENT_DATE = "no_incident_date", _("No incident date")
    NATIONALITY_UNKNOWN = "nationality_unknown", _("A perpetrator of unknown nationality")

class IntegrityFailure(models.TextChoices):
    """Why an evidence file was refused at download (the audit row's `reason`)."""

    MISSING = "missing", _("The stored file is missing.")
    UNDECRYPTABLE = "undecryptable", _("The stored file does not decrypt: it was altered on disk or belongs to another record.")
    HASH_MISMATCH = "hash_mismatch", _("The stored file decrypts to other content than was uploaded (SHA-256 mismatch).")


# --- the reporting channel (/report/): reports from victims and communities, before any allegation ---


class ReportState(models.TextChoices):
    """Where an incoming report is in the office's hands."""

    RECEIVED = "received", _("Received, not yet assessed")
    ASSESSING = "assessing", _("Being assessed")
    CONVERTED = "converted", _("Recorded as an allegation")
    CLOSED = "closed", _("Closed")


# Still on the officers' queue.
OPEN_REPORT_STATES = frozenset({ReportState.RECEIVED, ReportState.ASSESSING})


class Milestone(models.TextChoices):
    """The six plain steps the person who reported sees on /report/status/, in order."""

    RECEIVED = "received", _("Received")
    ASSESSED = "assessed", _("Being assessed")
    AUTHORITY_INFORMED = "authority_informed", _("The authority responsible has been informed")
    INVESTIGATION = "investigation", _("Investigation under way")
    OUTCOME = "outcome", _("Outcome known")
    CLOSED = "closed", _("Closed")


class PersonSafe(models.TextChoices):
    YES = "yes", _("Yes, the person is safe now")
    NO = "no", _("No, the person is not safe")
    UNKNOWN = "unknown", _("I do not know")


class ContactWay(models.TextChoices):
    NONE = "none", _("Do not contact me")
    PHONE = "phone", _("By telephone")
    EMAIL = "email", _("By e-mail")
    IN_PERSON = "in_person", _("In person, through a focal point or organisation I trust")


class ReportSubmitter(models.TextChoices):
    SELF = "self", _("The person themselves or a witness, without an account")
    ASSISTED = "assisted", _("Submitted for them by a signed-in focal point, advocate or officer")


class ReportCloseReason(models.TextChoices):
    """Said to the person on the status page, in their language."""

    NOT_IN_MANDATE = "not_in_mandate", _("What was reported is not something the Office can act on; it may be able to tell you who can.")
    NOT_ENOUGH = "not_enough", _("There is not enough information to follow it up. You may send a new report with more details.")
    DUPLICATE = "duplicate", _("It is already being followed up in another report.")
    SPAM = "spam", _("It was not a report.")
    WITHDRAWN = "withdrawn", _("You asked the Office to stop.")


class ReportQueueShow(models.TextChoices):
    """Which incoming reports the officers' queue lists."""

    OPEN = "open", _("To assess")
    CONVERTED = "converted", _("Recorded as allegations")
    CLOSED = "closed", _("Closed")
    ALL = "all", _("All")


# The actions this app writes to the audit trail, in words (registered with core.audit_actions at start-up).
AUDIT_ACTIONS = {
    "allegation_create": _("Allegation recorded"),
    "allegation_update": _("Allegation edited"),
    "allegation_transition": _("Allegation status changed"),
    "attachment_add": _("Evidence file added"),
    "attachment_download": _("Evidence file downloaded"),
    # Kept for events written before integrity checks had their own code.
    "attachment_unreadable": _("Evidence file could not be read"),
    "attachment_integrity_failed": _("Evidence file refused: failed its integrity check"),
    "attachment_view": _("Evidence file's custody page viewed"),
    "attachment_delete": _("Evidence file deleted"),
    "report_submitted": _("Report received through the reporting channel"),
    "report_status_viewed": _("Report status viewed with its receipt"),
    "report_receipt_refused": _("Wrong or expired receipt refused"),
    "report_message": _("Message on a report"),
    "report_access_ended": _("Receipt access ended by the person"),
    "report_assess": _("Report taken for assessment"),
    "report_convert": _("Report recorded as an allegation"),
    "report_close": _("Report closed"),
    "report_view": _("Incoming report viewed"),
}
