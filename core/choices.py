"""Core's vocabulary: the kinds of focal point, audit outcomes, e-mail states and access requests.
Below the models (which name these as `FocalPoint.Role`, `AuditEvent.Outcome`, ...); imports nothing
of the project. Role names are in `core.roles`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FocalPointRole(models.TextChoices):
    GENERAL = "general", _("General focal point for SEA")
    INVESTIGATION = "investigation", _("National investigation focal point")
    PERMANENT_MISSION = "permanent_mission", _("Permanent Mission to the UN")
    PATERNITY = "paternity", _("Paternity and child-support focal point")


# Kept for their own errands (paternity claims, escalations), never sent a referral's notice.
NOT_NOTIFIED_ROLES = frozenset({FocalPointRole.PATERNITY, FocalPointRole.PERMANENT_MISSION})


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("success")
    DENIED = "denied", _("denied")
    FAILURE = "failure", _("failure")


class OutboundEmailStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class AccessKind(models.TextChoices):
    ROLE = "role", _("role")
    SCOPE = "scope", _("operation scope")
    PERMISSION = "permission", _("personal permission")
    EMAIL = "email", _("e-mail address (where password-reset links go)")


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a second administrator")
    APPROVED = "approved", _("approved and applied")
    REJECTED = "rejected", _("rejected")
