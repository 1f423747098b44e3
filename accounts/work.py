"""The administrator's home items (see core/work.py): accounts locked out of sign-in, active
accounts without a second factor, and when the audit chain was last verified. A constant number
of queries whatever the number of accounts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.querysets import active_users_without_two_factor, can_manage_users, locked_users
from core.audit import CHAIN_VERIFIED, last_chain_verification
from core.models import AuditEvent
from core.work import ENTRIES_SHOWN, WorkEntry, WorkItem

# Operators schedule verify_audit (README); a week without a run means the schedule stopped or was never set.
VERIFICATION_MAX_AGE_DAYS = 7


def _users_item(key: str, label: str, users, url: str, *, urgent: bool = False) -> WorkItem | None:
    rows = list(users.order_by("username").only("pk", "username", "first_name", "last_name")[:ENTRIES_SHOWN])
    count = len(rows) if len(rows) < ENTRIES_SHOWN else users.count()
    if not count:
        return None
    entries = tuple(WorkEntry(text=f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username,
                              url=reverse("user_detail", args=[u.pk])) for u in rows)
    return WorkItem(key=key, label=label, count=count, url=url, urgent=urgent, entries=entries)


def _chain_item() -> WorkItem:
    """Always there for an administrator: when the chain was last checked and how that went."""
    last = last_chain_verification()
    url = reverse("audit:log") + "?" + urlencode({"action": CHAIN_VERIFIED})
    if last is None:
        return WorkItem(key="audit_chain", label=_("Audit chain never verified (run manage.py verify_audit)"),
                        count=1, url=url, urgent=True)
    days = (timezone.now() - last.created_at).days
    failed = last.outcome != AuditEvent.Outcome.SUCCESS
    if failed:
        label = (_("Audit chain verification failed today") if days == 0 else
                 ngettext("Audit chain verification failed %(days)d day ago",
                          "Audit chain verification failed %(days)d days ago", days) % {"days": days})
    else:
        label = (_("Audit chain verified today") if days == 0 else
                 ngettext("Audit chain verified %(days)d day ago", "Audit chain verified %(days)d days ago",
                          days) % {"days": days})
    attention = failed or days > VERIFICATION_MAX_AGE_DAYS
    return WorkItem(key="audit_chain", label=label, count=1 if attention else 0, url=url, urgent=attention)


def work_items(user) -> list[WorkItem]:
    if not can_manage_users(user):
        return []
    users_url = reverse("users")
    items = [
        _users_item("accounts_locked", _("Accounts locked out of sign-in"), locked_users(),
                    users_url + "?locked=on"),
        _users_item("accounts_without_two_factor", _("Active accounts without two-factor authentication"),
                    active_users_without_two_factor(), users_url + "?without_two_factor=on"),
        _chain_item(),
    ]
    return [item for item in items if item is not None]
