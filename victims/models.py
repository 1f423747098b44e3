import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegations.models import Allegation
from core.fields import EncryptedDateField, EncryptedTextField
from core.time import local_today
from victims.choices import (  # noqa: F401 (re-exported: the app's vocabulary, imported from here too)
    ALL_IDENTITY_FIELDS,
    IDENTITY_FIELDS,
    BEST_INTERESTS_DEADLINE_DAYS,
    VictimSex,
    AgeGroup,
    ConsentScope,
    ConsentDecision,
    ConsentGiver,
    AssistanceCategory,
    AssistanceStatus,
    OPEN_ASSISTANCE,
    ASSISTANCE_TRANSITIONS,
    ASSISTANCE_ACTIONS,
    AssistanceAction,
    ContactChannel,
    DisclosureKind,
    DisclosureRequestStatus,
    ExportFor,
    IdentityField,
)
from victims.querysets import (
    AssistanceNeedQuerySet,
    ConsentQuerySet,
    DisclosureQuerySet,
    DisclosureRequestQuerySet,
    PaternityClaimQuerySet,
    ServiceProviderQuerySet,
    VictimQuerySet,
)


class Victim(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    # Identity: encrypted, shown only on an audited reveal.
    full_name = EncryptedTextField(_("full name"), blank=True, default="")
    other_names = EncryptedTextField(_("other names or aliases"), blank=True, default="")
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    contact_details = EncryptedTextField(_("contact details"), blank=True, default="")
    current_location = EncryptedTextField(_("current location"), blank=True, default="")
    # Blind indexes (HMAC) for duplicate warnings without decrypting anything.
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    name_dob_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    sex = models.CharField(_("sex"), max_length=8, choices=VictimSex.choices, default=VictimSex.UNKNOWN)
    age_at_incident = models.PositiveSmallIntegerField(
        _("age at the incident (years)"), null=True, blank=True,
        help_text=_("As reported, when the date of birth is not known."),
    )
    age_group = models.CharField(
        _("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN, editable=False
    )
    allegations = models.ManyToManyField(Allegation, through="VictimAllegation", related_name="victims")
    advocate = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="advocated_victims", verbose_name=_("victims' rights advocate"))
    # Children: who decides for the child, the best-interests assessment, the child-protection referral.
    guardian_name = EncryptedTextField(_("guardian's name"), blank=True, default="")
    guardian_relationship = models.CharField(_("guardian's relationship to the child"), max_length=60, blank=True)
    best_interests_assessed_on = models.DateField(_("best-interests assessment on"), null=True, blank=True)
    child_protection_referred_on = models.DateField(_("referred to child protection on"), null=True, blank=True)
    child_protection_agency = models.CharField(_("child-protection agency"), max_length=160, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the retention policy (victims/retention.py) when the identity fields were erased.
    identity_erased_at = models.DateTimeField(_("identity erased at"), null=True, blank=True, editable=False)

    objects = VictimQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("victim")
        verbose_name_plural = _("victims")
        permissions = [("view_identity", _("Can reveal victim identity (each reveal is audited)"))]

    def __str__(self) -> str:
        return self.code

    @property
    def is_child(self) -> bool:
        return self.age_group == AgeGroup.CHILD


class VictimAllegation(models.Model):
    """A victim in one allegation, with the age group at *that* incident."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="links")
    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="victim_links")
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN, editable=False)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["victim", "allegation"], name="victim_once_per_allegation")]

    @property
    def is_child(self) -> bool:
        """A child at this incident (the victim's age group may differ at another)."""
        return self.age_group == AgeGroup.CHILD


class Consent(models.Model):
    """One decision; history is kept and the latest per scope applies."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("scope"), max_length=40, choices=ConsentScope.choices)
    decision = models.CharField(_("decision"), max_length=12, choices=ConsentDecision.choices)
    given_by = models.CharField(_("decided by"), max_length=12, choices=ConsentGiver.choices)
    guardian_relationship = models.CharField(
        _("guardian's relationship to the child"), max_length=60, blank=True,
        help_text=_("For example “mother” or “legal guardian”. No names."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")


# --- assistance (UN Protocol on the Provision of Assistance to Victims, 2019) -----------------


class ServiceProvider(models.Model):
    """An organisation assistance is referred to, in one operation."""

    class Kind(models.TextChoices):
        UN = "un", _("UN entity")
        NGO = "ngo", _("Non-governmental organisation")
        GOVERNMENT = "government", _("Government service")
        HEALTH = "health", _("Health facility")
        OTHER = "other", _("Other")

    mission = models.ForeignKey("core.Mission", on_delete=models.PROTECT, related_name="service_providers",
                                verbose_name=_("operation"))
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.NGO)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    categories = models.JSONField(_("categories offered"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ServiceProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        constraints = [models.UniqueConstraint(fields=["mission", "name"], name="provider_name_per_mission")]

    def __str__(self) -> str:
        return self.name

    def get_categories_display(self) -> str:
        labels = dict(AssistanceCategory.choices)
        return ", ".join(str(labels.get(c, c)) for c in self.categories)


class AssistanceNeed(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="needs")
    category = models.CharField(_("category"), max_length=20, choices=AssistanceCategory.choices)
    status = models.CharField(_("status"), max_length=16, choices=AssistanceStatus.choices,
                              default=AssistanceStatus.IDENTIFIED, editable=False)
    provider = models.ForeignKey(ServiceProvider, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="needs", verbose_name=_("service provider"))
    assigned_advocate = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="assistance_needs", verbose_name=_("assigned advocate"))
    identified_on = models.DateField(_("identified on"))
    referred_on = models.DateField(_("referred on"), null=True, blank=True, editable=False)
    started_on = models.DateField(_("started on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssistanceNeedQuerySet.as_manager()

    class Meta:
        ordering = ["identified_on", "created_at"]
        verbose_name = _("assistance need")
        verbose_name_plural = _("assistance needs")

    def __str__(self) -> str:
        return f"{self.victim.code}: {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ASSISTANCE

    @property
    def local_today(self) -> datetime.date:
        """Today in the victim's operation, what a follow-up date falls due on: from `local_zone`
        (lists annotate it, see `with_local_zone`), else looked up."""
        zone = getattr(self, "local_zone", None)
        if zone is None:
            zone = AssistanceNeed.objects.with_local_zone().values_list("local_zone", flat=True).get(pk=self.pk)
        return local_today(zone)

    @property
    def allowed_transitions(self) -> list[AssistanceStatus]:
        return [AssistanceStatus(s) for s in AssistanceStatus.values if s in ASSISTANCE_TRANSITIONS[self.status]]

    @property
    def is_identified(self) -> bool:
        """Not yet referred: the next step chooses the provider."""
        return self.status == AssistanceStatus.IDENTIFIED

    @property
    def transition_actions(self) -> list[tuple[AssistanceStatus, AssistanceAction]]:
        """The next-step buttons, in the order of `allowed_transitions`."""
        return [(status, ASSISTANCE_ACTIONS[status]) for status in self.allowed_transitions]


class AssistanceStep(models.Model):
    """History of an assistance need: every status change, by whom and when."""

    need = models.ForeignKey(AssistanceNeed, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=16, choices=AssistanceStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=AssistanceStatus.choices)
    on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class PaternityClaim(models.Model):
    class DnaStatus(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("Not requested")
        REQUESTED = "requested", _("Requested")
        SAMPLE_TAKEN = "sample_taken", _("Sample taken")
        RESULT_RECEIVED = "result_received", _("Result received")
        REFUSED = "refused", _("Refused")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ESTABLISHED = "established", _("Paternity established")
        NOT_ESTABLISHED = "not_established", _("Paternity not established")
        WITHDRAWN = "withdrawn", _("Claim withdrawn")

    class Support(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", _("Not applicable yet")
        REQUESTED = "requested", _("Support requested")
        PAYING = "paying", _("Payments being made")
        STOPPED = "stopped", _("Payments stopped")
        REFUSED = "refused", _("Support refused")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="paternity_claims")
    child_code = models.CharField(_("child's code"), max_length=20, unique=True, editable=False)
    claim_date = models.DateField(_("claim date"))
    focal_point = models.ForeignKey("core.FocalPoint", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("Member State paternity focal point"))
    focal_point_notified_on = models.DateField(_("focal point notified on"), null=True, blank=True)
    dna_status = models.CharField(_("DNA sample"), max_length=20, choices=DnaStatus.choices, default=DnaStatus.NOT_REQUESTED)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    support_status = models.CharField(_("child support"), max_length=20, choices=Support.choices,
                                      default=Support.NOT_APPLICABLE)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaternityClaimQuerySet.as_manager()

    class Meta:
        ordering = ["claim_date", "id"]
        verbose_name = _("paternity or child-support claim")
        verbose_name_plural = _("paternity and child-support claims")

    def __str__(self) -> str:
        return self.child_code


class VictimContact(models.Model):
    """Keeping the victim informed about their case: what was said, when, how, by whom."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=12, choices=ContactChannel.choices)
    content = EncryptedTextField(_("what was discussed"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-created_at"]
        verbose_name = _("contact with the victim")
        verbose_name_plural = _("contacts with the victim")


class AdvocateDigest(models.Model):
    """One weekly follow-up e-mail per advocate and week; the row is committed before the e-mail goes."""

    advocate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # the Monday of the week
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["advocate", "week"], name="one_digest_per_advocate_week")]


# --- register of disclosures ----------------------------------------------------------------


class Disclosure(models.Model):
    """One entry in a victim's register of disclosures: the victim's identity left the office. Written by
    the disclosing service in its own transaction (`victims.disclosures.disclosure_record`), never changed
    or removed. It names the fields handed over, never their values."""

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField(_("kind"), max_length=32, choices=DisclosureKind.choices)
    recipient = models.CharField(_("recipient"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    fields = models.JSONField(_("fields disclosed"), default=list)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures",
                                verbose_name=_("consent relied on"))
    consent_scope = models.CharField(_("consent scope"), max_length=40, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    disclosed_at = models.DateTimeField(_("disclosed at"), default=timezone.now, db_index=True)
    # Where it came from, without an import of the app that disclosed (a referral, a need, a request).
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    source_label = models.CharField(max_length=160, blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        verbose_name = _("disclosure of identity")
        verbose_name_plural = _("register of disclosures")

    @property
    def fields_in_words(self) -> list[str]:
        labels = dict(IdentityField.choices)
        return [str(labels.get(name, name)) for name in self.fields]


class DisclosureRequest(models.Model):
    """A share with a UN partner, or an export of the identity for the victim, asked by one person and
    decided by another (who may see identity). Approval writes the register entry (a share), or lets the
    requester download the file once (an export: the entry is written at the download)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="disclosure_requests")
    kind = models.CharField(_("kind"), max_length=32, choices=DisclosureKind.choices)
    recipient = models.CharField(_("recipient"), max_length=300)
    export_for = models.CharField(_("for"), max_length=16, choices=ExportFor.choices, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    fields = models.JSONField(_("fields"), default=list)
    status = models.CharField(_("status"), max_length=12, choices=DisclosureRequestStatus.choices,
                              default=DisclosureRequestStatus.PENDING, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    disclosure = models.OneToOneField(Disclosure, null=True, blank=True, on_delete=models.PROTECT, related_name="request")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DisclosureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("request to disclose identity")
        verbose_name_plural = _("requests to disclose identity")

    @property
    def is_pending(self) -> bool:
        """Waiting for the second person's decision."""
        return self.status == DisclosureRequestStatus.PENDING

    @property
    def awaits_download(self) -> bool:
        """An approved export whose file has not been downloaded yet."""
        return self.status == DisclosureRequestStatus.APPROVED

    @property
    def fields_in_words(self) -> list[str]:
        labels = dict(IdentityField.choices)
        return [str(labels.get(name, name)) for name in self.fields]
