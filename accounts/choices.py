"""The accounts' vocabulary: how the roles are named on the pages, and the levels of operation scope."""

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
