"""The home page's queue: each app's `work_items(user)` (core/work.py), in the order the person's role
works in: the advocate's caseload first, the approver's drafts before the field officer's cases."""

from __future__ import annotations

from accounts import work as accounts_work
from allegations import work as allegations_work
from core.roles import VICTIMS_RIGHTS_ADVOCATE, user_roles
from core.work import WorkItem
from referrals import work as referrals_work
from victims import work as victims_work


def work_queue(user) -> list[WorkItem]:
    """What needs doing, in each app's own order (most pressing first)."""
    apps = [referrals_work, allegations_work, victims_work, accounts_work]
    if VICTIMS_RIGHTS_ADVOCATE in user_roles(user):
        apps = [victims_work, referrals_work, allegations_work, accounts_work]
    return [item for app in apps for item in app.work_items(user)]
