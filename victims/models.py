import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from allegations.models import Allegation
from core.fields import EncryptedDateField, EncryptedTextField
from victims.querysets import ConsentQuerySet, VictimQuerySet

IDENTITY_FIELDS = ("full_name", "other_names", "date_of_birth", "contact_details", "current_location")


class VictimSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child (under 18 at the incident)")
    ADULT = "adult", _("Adult")
    UNKNOWN = "unknown", _("Age unknown")


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
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

