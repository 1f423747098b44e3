"""The accounts' vocabulary: how the roles are named on the pages, the levels of operation scope, and
the actions it writes to the audit trail in words (registered with core.audit_actions at start-up)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import ADMINISTRATOR, FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE

ROLE_LABELS = {
    FIELD_OFFICER: _("Field officer"),
    VICTIMS_RIGHTS_ADVOCATE: _("Victims' rights advocate"),
    HQ_ANALYST: _("Headquarters analyst"),
    ADMINISTRATOR: _("Administrator"),
}
# Roles that work on cases: an administrator never gives one to themself (nor operations), so no
# single person can reach victims' identity alone.
CASE_ROLES = frozenset({FIELD_OFFICER, VICTIMS_RIGHTS_ADVOCATE, HQ_ANALYST})


class ScopeLevel(models.TextChoices):
    """What a person may do in one operation (or in every operation): guardian's view/change grants."""

    NONE = "none", _("No access")
    VIEW = "view", _("See")
    CHANGE = "change", _("See and work on")


class ActiveFilter(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISABLED = "disabled", _("Disabled")

AUDIT_ACTIONS = {
    "login": _("Signed in"),
    "logout": _("Signed out"),
    "login_failed": _("Sign-in failed"),
    "lockout_reset": _("Sign-in lockout lifted"),
    "password_change": _("Password changed"),
    "password_reset_done": _("Password reset"),
    "user_create": _("User account created"),
    "user_change": _("User account changed"),
    "user_access_change": _("Roles and operations changed"),
    "user_disable": _("User account disabled"),
    "user_enable": _("User account enabled"),
    "language_change": _("Language changed"),
    "2fa_enrol": _("Two-factor authentication set up"),
    "2fa_verify": _("Two-factor code checked"),
    "2fa_backup_codes": _("Backup codes generated"),
    "2fa_reset": _("Two-factor authentication reset"),
    "api_token_create": _("API token created"),
    "api_token_revoke": _("API token revoked"),
    "api_tokens_revoke_all": _("All API tokens revoked"),
    "api_token_refused": _("API token refused"),
}
