"""Reference data, scope grants and the audit trail shared by every domain app."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.audit_actions import action_label
from core.choices import AccessKind, AccessRequestStatus, AuditOutcome, FocalPointRole, OutboundEmailStatus
from core.fields import EncryptedTextField
from core.names import french_or_english, state_name
from core.querysets import MissionQuerySet
from core.time import local_today, validate_time_zone


class MemberState(models.Model):
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Member State")
        verbose_name_plural = _("Member States")

    def __str__(self) -> str:
        return state_name(self.iso3, self.name)


class RegionalOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, unique=True)
    # No shared translation source for organisations: the reference record carries its French name.
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    acronym_fr = models.CharField(_("acronym in French"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("regional organisation")
        verbose_name_plural = _("regional organisations")

    def __str__(self) -> str:
        return f"{french_or_english(self.name, self.name_fr)} ({french_or_english(self.acronym, self.acronym_fr)})"


class FocalPoint(models.Model):
    """A person at a Member State or regional organisation whom referrals and reminders go to."""

    Role = FocalPointRole

    member_state = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.CASCADE, related_name="focal_points"
    )
    regional_organisation = models.ForeignKey(
        RegionalOrganisation, null=True, blank=True, on_delete=models.CASCADE, related_name="focal_points"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.GENERAL)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.CheckConstraint(
                name="focal_point_has_exactly_one_body",
                condition=(
                    models.Q(member_state__isnull=False, regional_organisation__isnull=True)
                    | models.Q(member_state__isnull=True, regional_organisation__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.member_state or self.regional_organisation})"


class Mission(models.Model):
    """An operation context (e.g. the Central African Republic): the unit of access scope."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    country = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="missions", verbose_name=_("country"))
    active = models.BooleanField(_("active"), default=True)
    # "Today" for validation, dates sent, deadlines and reminders is the operation's local date.
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC",
                                 validators=[validate_time_zone],
                                 help_text=_("For example Africa/Bangui or Africa/Mogadishu."))

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        # view_mission / change_mission are *scope* grants (guardian, per operation);
        # editing the reference record itself is a separate, administrator-only right.
        permissions = [("manage_mission", _("Can manage operation reference data"))]

    def __str__(self) -> str:
        return french_or_english(self.name, self.name_fr)

    def today(self) -> datetime.date:
        return local_today(self.time_zone)


class Force(models.Model):
    """A non-UN international security force operating under a Security Council mandate."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    mandate_resolution = models.CharField(_("mandating Security Council resolution"), max_length=120)
    lead_member_state = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.PROTECT, related_name="led_forces",
        verbose_name=_("lead Member State"),
    )
    lead_regional_organisation = models.ForeignKey(
        RegionalOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="led_forces",
        verbose_name=_("lead regional organisation"),
    )
    missions = models.ManyToManyField(Mission, related_name="forces", verbose_name=_("operates in"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("force")
        verbose_name_plural = _("forces")
        constraints = [
            models.CheckConstraint(
                name="force_has_exactly_one_lead_body",
                condition=(
                    models.Q(lead_member_state__isnull=False, lead_regional_organisation__isnull=True)
                    | models.Q(lead_member_state__isnull=True, lead_regional_organisation__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lead_body(self) -> MemberState | RegionalOrganisation:
        return self.lead_member_state or self.lead_regional_organisation


# Direct foreign-key object permissions: typed joins instead of guardian's generic
# varchar object_pk, so scope subqueries stay index-friendly.
class MissionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Mission, on_delete=models.CASCADE)


class MissionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Mission, on_delete=models.CASCADE)


class AuditEvent(models.Model):
    """Append-only, hash-chained record of sensitive actions. Survives user deletion."""

    Outcome = AuditOutcome

    created_at = models.DateTimeField(_("time"), db_index=True)
    # No constraint and no cascade: deleting a user must neither fail nor rewrite history.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The audit key the hash is an HMAC under; blank for events from before the chain was keyed.
    key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"

    @property
    def action_label(self) -> str:
        """The action in words, in the active language (the code stays in `action`, for experts)."""
        return action_label(self.action)


class OutboundEmail(models.Model):
    """Every e-mail the application sends, as sent. The body may quote a referral notification
    (which can carry identity when consent allows), so it is stored encrypted."""

    Status = OutboundEmailStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = EncryptedTextField(_("body"), blank=True, default="")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.SENT)
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    related_type = models.CharField(max_length=64, blank=True)
    related_id = models.CharField(max_length=64, blank=True, db_index=True)
    related_label = models.CharField(_("about"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return self.subject


class AccessRequest(models.Model):
    """A grant that would let someone reach victims' identity, waiting for a second administrator.

    One administrator asks, another (neither the asker nor the person concerned) approves; only then
    is the role, operation scope or personal permission applied. See `core.access`."""

    Kind = AccessKind

    Status = AccessRequestStatus

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests",
                             verbose_name=_("for user"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    group = models.ForeignKey("auth.Group", null=True, blank=True, on_delete=models.CASCADE,
                              verbose_name=_("role"))
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.CASCADE,
                                verbose_name=_("operation"))
    # "core.view_mission" / "core.change_mission" for a scope, a personal permission (core.roles) otherwise
    permission = models.CharField(_("permission"), max_length=100, blank=True)
    email = models.EmailField(_("new e-mail address"), blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")

    def __str__(self) -> str:
        return f"{self.user}: {self.describe()}"

    def describe(self) -> str:
        if self.kind == self.Kind.ROLE:
            return _("role %(role)s") % {"role": self.group}
        if self.kind == self.Kind.SCOPE:
            return _("%(perm)s on %(mission)s") % {"perm": self.permission, "mission": self.mission or _("every operation")}
        if self.kind == self.Kind.EMAIL:
            return _("new e-mail address")
        return self.permission


class IdentityPart(models.Model):
    """One person's identity as a stored text quoted it (a sent notice, its e-mail), sealed on its
    own and referenced from the text by a placeholder. Erasing the person deletes their parts, so
    their identity leaves every stored text at once, with no search through text. See
    `core.identity_parts`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    text = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="identity_part_subject")]
