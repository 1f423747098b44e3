"""The victims app's vocabulary: choices and the sets its rules use, below the models (querysets, services, forms and templates name these, never bare strings)."""

from typing import NamedTuple

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


# The victim's own identity (what an officer with identity access edits), and with it the guardian's
# name: every identity-bearing field, revealed only on an audited read and erased at retention.
IDENTITY_FIELDS = ("full_name", "other_names", "date_of_birth", "contact_details", "current_location")
ALL_IDENTITY_FIELDS = (*IDENTITY_FIELDS, "guardian_name")


BEST_INTERESTS_DEADLINE_DAYS = 14


# The one vocabulary of what a disclosure hands over (register of disclosures): field names, in words.
# A register entry stores these names, never the values.
class IdentityField(models.TextChoices):
    FULL_NAME = "full_name", _("full name")
    OTHER_NAMES = "other_names", _("other names or aliases")
    DATE_OF_BIRTH = "date_of_birth", _("date of birth")
    CONTACT_DETAILS = "contact_details", _("contact details")
    CURRENT_LOCATION = "current_location", _("current location")


class VictimSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child (under 18 at the incident)")
    ADULT = "adult", _("Adult")
    UNKNOWN = "unknown", _("Age unknown")


class ConsentScope(models.TextChoices):
    ASSISTANCE = "assistance", _("Receive assistance")
    CONTACT = "contact", _("Be contacted about the case")
    SHARE_WITH_MEMBER_STATE = "share_identity_with_member_state", _("Share identity with the Member State")
    SHARE_WITH_UN_PARTNERS = "share_identity_with_un_partners", _("Share identity with UN partners")


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentGiver(models.TextChoices):
    VICTIM = "victim", _("The victim")
    GUARDIAN = "guardian", _("Parent or guardian")


class AssistanceCategory(models.TextChoices):
    SAFETY = "safety", _("Immediate safety and protection")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    EDUCATION = "education", _("Education")
    LIVELIHOOD = "livelihood", _("Livelihood support and basic material assistance")
    LEGAL = "legal", _("Legal assistance")
    CHILDREN_BORN = "children_born", _("Support for children born of SEA")


class AssistanceStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    REFERRED = "referred", _("Referred")
    IN_PROGRESS = "in_progress", _("In progress")
    PROVIDED = "provided", _("Provided")
    DECLINED = "declined", _("Declined by the victim")
    NOT_AVAILABLE = "not_available", _("Not available")


OPEN_ASSISTANCE = (AssistanceStatus.IDENTIFIED, AssistanceStatus.REFERRED, AssistanceStatus.IN_PROGRESS)


ASSISTANCE_TRANSITIONS: dict[str, frozenset[str]] = {
    AssistanceStatus.IDENTIFIED: frozenset(
        {AssistanceStatus.REFERRED, AssistanceStatus.DECLINED, AssistanceStatus.NOT_AVAILABLE}
    ),
    AssistanceStatus.REFERRED: frozenset(
        {AssistanceStatus.IN_PROGRESS, AssistanceStatus.PROVIDED, AssistanceStatus.DECLINED, AssistanceStatus.NOT_AVAILABLE}
    ),
    AssistanceStatus.IN_PROGRESS: frozenset(
        {AssistanceStatus.PROVIDED, AssistanceStatus.DECLINED, AssistanceStatus.NOT_AVAILABLE}
    ),
    AssistanceStatus.PROVIDED: frozenset(),
    AssistanceStatus.DECLINED: frozenset(),
    AssistanceStatus.NOT_AVAILABLE: frozenset(),
}


class AssistanceAction(NamedTuple):
    """How the need page offers a move to a status: the button's words, and whether it is the usual next step."""

    label: Promise
    primary: bool


# Every status a need can move to (all but IDENTIFIED); referring and providing are the usual steps.
ASSISTANCE_ACTIONS: dict[str, AssistanceAction] = {
    AssistanceStatus.REFERRED: AssistanceAction(_("Refer to provider"), primary=True),
    AssistanceStatus.IN_PROGRESS: AssistanceAction(_("Mark in progress"), primary=False),
    AssistanceStatus.PROVIDED: AssistanceAction(_("Mark provided"), primary=True),
    AssistanceStatus.DECLINED: AssistanceAction(_("Declined by the victim"), primary=False),
    AssistanceStatus.NOT_AVAILABLE: AssistanceAction(_("Not available"), primary=False),
}


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    PARTNER = "partner", _("Through a partner organisation")
    OTHER = "other", _("Other")


class DisclosureKind(models.TextChoices):
    REFERRAL_NOTICE = "referral_notice", _("Named in a referral notice to the responsible authority")
    UN_PARTNER_SHARE = "un_partner_share", _("Identity shared with a UN partner")
    SERVICE_PROVIDER_REFERRAL = "service_provider_referral", _("Contact details given to a service provider")
    IDENTITY_EXPORT = "identity_export", _("Identity exported for the victim or their representative")


# The consent each kind of disclosure relies on (the latest decision of that scope, given): none for an
# export the victim asked for themselves (their right to know what the office holds). Handing contact
# details to a provider relies on the consent to assistance: the victim agreed to be referred for help,
# which is what the provider contacts them for (the consent to contact is the office's own contact about
# the case).
DISCLOSURE_CONSENT: dict[str, str | None] = {
    DisclosureKind.REFERRAL_NOTICE: ConsentScope.SHARE_WITH_MEMBER_STATE,
    DisclosureKind.UN_PARTNER_SHARE: ConsentScope.SHARE_WITH_UN_PARTNERS,
    DisclosureKind.SERVICE_PROVIDER_REFERRAL: ConsentScope.ASSISTANCE,
    DisclosureKind.IDENTITY_EXPORT: None,
}
# Disclosures one person decides alone are refused for these kinds: a second person approves.
TWO_PERSON_DISCLOSURES = frozenset({DisclosureKind.REFERRAL_NOTICE, DisclosureKind.UN_PARTNER_SHARE,
                                    DisclosureKind.IDENTITY_EXPORT})
# What a provider referral with contact details hands over.
PROVIDER_REFERRAL_FIELDS = (IdentityField.FULL_NAME, IdentityField.CONTACT_DETAILS)


class DisclosureRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second person's approval")
    REFUSED = "refused", _("Refused")
    APPROVED = "approved", _("Approved: the file can be downloaded once")
    DISCLOSED = "disclosed", _("Disclosed")


class ExportFor(models.TextChoices):
    VICTIM = "victim", _("The victim")
    REPRESENTATIVE = "representative", _("The victim's representative")


# Every next step with a victim asks one of these first (a call asks for contact, a referral to a
# provider for assistance): a victim with no decision on either is on the field officer's queue.
NEXT_STEP_SCOPES = (ConsentScope.CONTACT, ConsentScope.ASSISTANCE)

# The actions this app writes to the audit trail, in words (registered with core.audit_actions at start-up).
AUDIT_ACTIONS = {
    "victim_create": _("Victim recorded"),
    "victim_update": _("Victim edited"),
    "victim_link": _("Victim linked to another allegation"),
    "identity_reveal": _("Identity viewed"),
    "duplicate_check": _("Possible duplicates shown (names matched)"),
    "consent_record": _("Consent decision recorded"),
    "assistance_need_create": _("Assistance need recorded"),
    "assistance_need_update": _("Assistance need edited"),
    "assistance_need_transition": _("Assistance need status changed"),
    "victim_assign_advocate": _("Advocate assigned"),
    "child_safeguarding_update": _("Child safeguarding updated"),
    "paternity_claim_create": _("Paternity claim recorded"),
    "paternity_claim_update": _("Paternity claim updated"),
    "victim_contact_record": _("Contact with the victim recorded"),
    "retention_erase_identity": _("Identity erased (retention period over)"),
    "retention_erase_run": _("Retention erasure run"),
    "identity_disclosed": _("Identity disclosed outside the office (register of disclosures)"),
    "disclosure_request": _("Disclosure of identity requested"),
    "disclosure_request_refuse": _("Disclosure of identity refused"),
    "disclosure_request_approve": _("Disclosure of identity approved"),
    "disclosure_register_export": _("Register of disclosures exported"),
}
# Reads and disclosures of a victim's identity, as the victim page's "who saw or shared this identity"
# lists them: reveals (the page, the edit form, a notice's preview), failed reads, a duplicate warning
# naming them, a notice quoting them sent to an authority.
IDENTITY_REVEAL_ACTION = "identity_reveal"
IDENTITY_UNREADABLE_ACTION = "decryption_failed"
IDENTITY_READ_ACTIONS = (IDENTITY_REVEAL_ACTION, IDENTITY_UNREADABLE_ACTION)
IDENTITY_MATCH_ACTION = "duplicate_check"
IDENTITY_SENT_ACTION = "referral_sent"
# Every disclosure's own event (beside its register entry); a notice's is already told by "referral_sent".
IDENTITY_DISCLOSED_ACTION = "identity_disclosed"
# What referrals write in those events' detail: a reveal made by previewing a notice (`"via"`), and the
# victims (ids) whose identity a sent notice quoted.
VIA_REFERRAL_NOTICE = "referral_notice"
NAMED_VICTIMS_DETAIL = "victims_named"
