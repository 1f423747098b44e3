"""What referrals ask of whom on the home page (see core/work.py): a constant number of queries."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.roles import at_headquarters
from core.time import per_local_date
from core.work import ENTRIES_SHOWN, WorkEntry, WorkItem
from core.working_days import SOON_WORKING_DAYS, add_working_days
from referrals.choices import AuthorityResponse
from referrals.models import Referral
from referrals.querysets import overdue_condition


def _entries(referrals) -> tuple[WorkEntry, ...]:
    return tuple(
        WorkEntry(text=f"{r.allegation.reference} → {r.recipient}", url=reverse("referrals:detail", args=[r.pk]),
                  due=r.response_due, today=r.allegation.mission.today(), child=r.allegation.children_involved)
        for r in referrals[:ENTRIES_SHOWN])


def _item(key: str, label: str, referrals, url: str, *, urgent: bool = False) -> WorkItem | None:
    rows = list(referrals.select_related("allegation__mission", "member_state", "regional_organisation")
                [:ENTRIES_SHOWN])
    count = len(rows) if len(rows) < ENTRIES_SHOWN else referrals.count()
    if not count:
        return None
    return WorkItem(key=key, label=label, count=count, url=url, urgent=urgent, entries=_entries(rows))


def _answer_soon(today) -> Q:
    # Unanswered and due within SOON_WORKING_DAYS working days, or already past due.
    return Q(response=AuthorityResponse.NONE_YET, response_due__lte=add_working_days(today, SOON_WORKING_DAYS))


def work_items(user) -> list[WorkItem]:
    if not (user.is_authenticated and user.has_perm("referrals.view_referral")):
        return []
    pending = reverse("referrals:pending")
    items: list[WorkItem | None] = []
    editable = Referral.objects.editable_by(user)
    if user.has_perm("referrals.approve_referral"):
        items.append(_item("referrals_awaiting_approval", _("Referrals awaiting your approval"),
                           editable.awaiting_approval().exclude(drafted_by=user).order_by("drafted_at", "pk"),
                           pending + "#h-drafts"))
    items.append(_item("referrals_returned", _("Referral drafts returned to you"),
                       editable.returned().filter(drafted_by=user).order_by("returned_at", "pk"),
                       pending + "#h-drafts", urgent=True))
    if user.has_perm("referrals.change_referral"):
        due = editable.open().filter(per_local_date(_answer_soon, zone_field="allegation__mission__time_zone"))
        items.append(_item("referral_answers_due", _("Referral answers due within 3 working days or overdue"),
                           due.order_by("response_due", "pk"), pending, urgent=True))
    elif at_headquarters(user):
        # Headquarters: overdue referrals per Member State, one aggregate query.
        overdue = (Referral.objects.visible_to(user).open().filter(overdue_condition(), member_state__isnull=False)
                   .values("member_state__name").annotate(n=Count("pk")).order_by("-n", "member_state__name"))
        rows = list(overdue)
        if rows:
            items.append(WorkItem(
                key="referrals_overdue_by_state", label=_("Overdue referrals by Member State"),
                count=sum(r["n"] for r in rows), groups=len(rows), url=pending + "?overdue=on", urgent=True,
                entries=tuple(WorkEntry(text=f"{r['member_state__name']}: {r['n']}",
                                        url=pending + "?" + urlencode({"overdue": "on", "authority": r["member_state__name"]}))
                              for r in rows[:ENTRIES_SHOWN])))
    return [item for item in items if item is not None]
