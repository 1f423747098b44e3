"""The advocate's caseload: counts and worklists, in a fixed number of queries whatever its size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.sorting import Sort
from victims.querysets import NEED_SORTS, NOT_REFERRED, follow_up_this_week_condition, overdue_follow_up_condition
from victims.models import (
    BEST_INTERESTS_DEADLINE_DAYS,
    OPEN_ASSISTANCE,
    AgeGroup,
    AssistanceNeed,
    AssistanceStatus,
    Victim,
)

WORKLIST_LIMIT = 50


@dataclass(frozen=True)
class CaseloadFilters:
    mine_only: bool = False
    mission_id: int | None = None
    category: str = ""


@dataclass
class Caseload:
    counts: dict[str, int]
    not_referred: list[AssistanceNeed]
    due_this_week: list[AssistanceNeed]
    overdue: list[AssistanceNeed]
    children_flagged: list[Victim]
    today: datetime.date
    # The order of each worklist (its own default, or the one asked for, the same for all three).
    sorts: dict[str, Sort] = field(default_factory=dict)


def children_needing_assessment(victims: QuerySet, *, now: datetime.datetime) -> QuerySet:
    """Child victims registered more than 14 days ago with no best-interests assessment."""
    return victims.children_without_assessment().filter(
        created_at__lte=now - datetime.timedelta(days=BEST_INTERESTS_DEADLINE_DAYS))


def caseload_for(*, user, filters: CaseloadFilters, sort: Sort | None = None) -> Caseload:
    now = timezone.now()
    today = timezone.localdate()

    victims = Victim.objects.visible_to(user)
    needs = AssistanceNeed.objects.visible_to(user)
    if filters.mission_id:
        victims = victims.filter(links__allegation__mission_id=filters.mission_id).distinct()
        needs = needs.filter(victim__links__allegation__mission_id=filters.mission_id).distinct()
    if filters.mine_only:
        victims = victims.filter(Q(advocate=user) | Q(needs__assigned_advocate=user)).distinct()
        needs = needs.filter(assigned_advocate=user)
    if filters.category:
        needs = needs.filter(category=filters.category)

    open_needs = Q(status__in=OPEN_ASSISTANCE)
    not_referred = NOT_REFERRED
    due = follow_up_this_week_condition()
    overdue = overdue_follow_up_condition()
    flagged = children_needing_assessment(victims, now=now)

    # Aggregates over a subquery of ids, so the DISTINCT of the filters never inflates a count.
    need_counts = AssistanceNeed.objects.with_local_zone().filter(pk__in=needs.values("pk")).aggregate(
        open=Count("pk", filter=open_needs),
        not_referred=Count("pk", filter=not_referred),
        due_this_week=Count("pk", filter=due),
        overdue=Count("pk", filter=overdue),
        provided=Count("pk", filter=Q(status=AssistanceStatus.PROVIDED)),
    )
    victim_counts = Victim.objects.filter(pk__in=victims.values("pk")).aggregate(
        victims=Count("pk"), children=Count("pk", filter=Q(age_group=AgeGroup.CHILD)),
    )
    victim_counts["children_flagged"] = flagged.count()

    # Not referred: oldest first; follow-ups: soonest first; unless the page asks for another order.
    asked = sort if sort is not None and sort.asked else None
    sorts = {name: asked or NEED_SORTS.parse(default) for name, default in
             (("not_referred", "identified"), ("due_this_week", "follow_up"), ("overdue", "follow_up"))}

    def worklist(condition: Q, name: str) -> list[AssistanceNeed]:
        """The rows, with the operation's time zone (`need.local_today`, what the deadline words count from)."""
        rows = AssistanceNeed.objects.with_local_zone().filter(pk__in=needs.with_local_zone().filter(condition).values("pk"))
        rows = sorts[name].apply(rows.select_related("victim", "provider", "assigned_advocate"))
        return list(rows[:WORKLIST_LIMIT])

    return Caseload(
        counts=need_counts | victim_counts,
        not_referred=worklist(not_referred, "not_referred"),
        due_this_week=worklist(due, "due_this_week"),
        overdue=worklist(overdue, "overdue"),
        children_flagged=list(Victim.objects.filter(pk__in=flagged.values("pk")).order_by("created_at")[:WORKLIST_LIMIT]),
        today=today,
        sorts=sorts,
    )
