"""What victims ask of whom on the home page (see core/work.py): the advocate's caseload first, the
field officer's missing consent decisions; a constant number of queries whatever the caseload."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import FIELD_OFFICER, VICTIMS_RIGHTS_ADVOCATE, user_roles
from core.time import local_today
from core.work import ENTRIES_SHOWN, WorkEntry, WorkItem
from victims.choices import BEST_INTERESTS_DEADLINE_DAYS, NEXT_STEP_SCOPES, ConsentScope
from victims.models import AssistanceNeed, Victim


def _counted(queryset) -> tuple[list, int]:
    rows = list(queryset[:ENTRIES_SHOWN])
    return rows, len(rows) if len(rows) < ENTRIES_SHOWN else queryset.count()


def _victim_url(victim: Victim, anchor: str) -> str:
    return reverse("victims:detail", args=[victim.pk]) + anchor


def _follow_ups(user) -> WorkItem | None:
    needs = (AssistanceNeed.objects.visible_to(user).follow_up_due_soon_or_overdue()
             .select_related("victim").order_by("follow_up_on", "pk"))
    rows, count = _counted(needs)
    if not count:
        return None
    return WorkItem(
        key="follow_ups_due", label=_("Assistance follow-ups due within 3 working days or overdue"), count=count,
        url=reverse("victims:caseload") + "#overdue", urgent=True,
        entries=tuple(WorkEntry(text=f"{n.victim.code} · {n.get_category_display()}",
                                url=reverse("victims:need", args=[n.pk]), due=n.follow_up_on,
                                today=local_today(n.local_zone), child=n.victim.is_child)
                      for n in rows))


def _children_without_assessment(user) -> WorkItem | None:
    children = Victim.objects.visible_to(user).children_without_assessment().order_by("created_at", "code")
    rows, count = _counted(children)
    if not count:
        return None
    deadline = datetime.timedelta(days=BEST_INTERESTS_DEADLINE_DAYS)
    return WorkItem(
        key="children_without_assessment", label=_("Child victims without a best-interests assessment"),
        count=count, url=reverse("victims:caseload") + "#children", urgent=True,
        entries=tuple(WorkEntry(text=v.code, url=_victim_url(v, "#h-child"),
                                due=timezone.localdate(v.created_at) + deadline, today=timezone.localdate(), child=True)
                      for v in rows))


def _without_advocate(user) -> WorkItem | None:
    victims = Victim.objects.visible_to(user).without_advocate().order_by("created_at", "code")
    rows, count = _counted(victims)
    if not count:
        return None
    return WorkItem(
        key="victims_without_advocate", label=_("Victims with no advocate"), count=count,
        url=reverse("victims:list") + "?" + urlencode({"no_advocate": "on"}),
        entries=tuple(WorkEntry(text=v.code, url=_victim_url(v, "#h-advocate"), child=v.is_child) for v in rows))


def _not_referred(user) -> WorkItem | None:
    needs = AssistanceNeed.objects.visible_to(user).not_referred().select_related("victim").order_by("identified_on", "pk")
    rows, count = _counted(needs)
    if not count:
        return None
    return WorkItem(
        key="needs_not_referred", label=_("Assistance needs not yet referred to a provider"), count=count,
        url=reverse("victims:caseload") + "#not-referred",
        entries=tuple(WorkEntry(text=f"{n.victim.code} · {n.get_category_display()}",
                                url=reverse("victims:need", args=[n.pk]), child=n.victim.is_child) for n in rows))


def _consent_missing(user) -> WorkItem | None:
    victims = Victim.objects.editable_by(user).without_decision_on(NEXT_STEP_SCOPES).order_by("created_at", "code")
    rows, count = _counted(victims)
    if not count:
        return None
    labels = dict(ConsentScope.choices)

    def missing(victim: Victim) -> str:
        return ", ".join(str(labels[s]) for s in NEXT_STEP_SCOPES if not getattr(victim, f"decided_{s}"))

    return WorkItem(
        key="victims_consent_missing", label=_("Victims with no consent decision on contact or assistance"),
        count=count, url=reverse("victims:list"),
        entries=tuple(WorkEntry(text=f"{v.code}: {missing(v)}", url=_victim_url(v, "#consent"), child=v.is_child)
                      for v in rows))


def work_items(user) -> list[WorkItem]:
    if not (user.is_authenticated and user.has_perm("victims.view_victim")):
        return []
    roles = user_roles(user)
    items: list[WorkItem | None] = []
    if VICTIMS_RIGHTS_ADVOCATE in roles:
        items += [_follow_ups(user), _children_without_assessment(user), _without_advocate(user), _not_referred(user)]
    if FIELD_OFFICER in roles:
        items.append(_consent_missing(user))
    return [item for item in items if item is not None]
