from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.two_factor import is_verified, two_factor_required
from core.roles import (
    ADMINISTRATOR,
    FIELD_OFFICER,
    HQ_ANALYST,
    VICTIMS_RIGHTS_ADVOCATE,
    user_roles,
)

ROLE_LABELS = {
    FIELD_OFFICER: _("Human rights officer"),
    VICTIMS_RIGHTS_ADVOCATE: _("Victims' rights advocate"),
    HQ_ANALYST: _("Headquarters analyst"),
    ADMINISTRATOR: _("Administrator"),
}


def navigation(request: HttpRequest) -> dict:
    """The menu a user's roles call for; pages still check access themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if two_factor_required() and not is_verified(user):
        return {"two_factor_pending": True}  # no menu of pages that would only send them back
    roles = user_roles(user)
    items = [("home", _("Home"))]
    if user.has_perm("allegations.view_allegation"):
        items.append(("allegations:list", _("Allegations")))
    if user.has_perm("allegations.add_allegation"):
        items.append(("allegations:reports", _("Incoming reports")))
    if user.has_perm("victims.view_victim"):
        items.append(("victims:list", _("Victims")))
    if user.has_perm("referrals.view_referral"):
        items.append(("referrals:pending", _("Referrals")))
    if user.has_perm("reporting.view_reports"):
        items.append(("reporting:dashboard", _("Reports")))
    if user.has_perm("victims.view_assistanceneed"):
        items.append(("victims:caseload", _("Caseload")))
    if user.has_perm("core.view_auditevent"):
        items.append(("audit:log", _("Audit log")))
    if ADMINISTRATOR in roles or user.is_superuser:
        items.append(("admin:index", _("Administration")))
    return {
        "nav_items": items,
        "role_labels": [ROLE_LABELS[r] for r in sorted(roles) if r in ROLE_LABELS],
    }
