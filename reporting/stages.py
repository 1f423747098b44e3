"""Where cases stall: median days at each stage of a referral's life, overall, by force and by Member State.

The three stages, from the dates the office records:
  1. receipt → referral: `Allegation.date_received` → `Referral.sent_on`;
  2. referral → answer: `Referral.sent_on` → `Referral.response_on` (the authority's response);
  3. answer → outcome: `Referral.response_on` → `Referral.outcome_on` (the investigation's outcome).

A case here is a referral sent: an allegation referred to two authorities counts once for each, since
each authority answers for itself. A stage counts only the cases that reached its end (an unanswered
referral is in no median of stages 2 and 3). One SQL statement per table: PostgreSQL computes the
medians itself (`percentile_cont`); SQLite, which lacks it (the laptop case), returns the day counts
of the same single statement and Python takes the medians.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import Force, MemberState
from core.names import state_name

STAGES = (
    _("From receipt to referral"),
    _("From referral to the authority's answer"),
    _("From the answer to the outcome"),
)

# What a dashboard tile says under each stage's median.
STAGE_MEDIAN_LABELS = (
    _("median days from receipt to referral"),
    _("median days from referral to the authority's answer"),
    _("median days from the answer to the outcome"),
)


@dataclass(frozen=True)
class StageMedian:
    days: float | None  # None: no case reached the end of this stage
    n: int  # how many cases the median is taken over


@dataclass(frozen=True)
class StallRow:
    label: str
    stages: list[StageMedian]


NO_CASE = [StageMedian(None, 0)] * len(STAGES)

# Which column groups the cases, and what the FROM clause must join for it. The force join takes each
# (allegation, force) once, however many perpetrators of that force the allegation names.
_GROUPS = {
    "all": ("NULL", "", ""),
    "force": ("p.force_id", "JOIN (SELECT DISTINCT allegation_id, force_id FROM allegations_allegedperpetrator) p "
                            "ON p.allegation_id = r.allegation_id", ""),
    "member_state": ("r.member_state_id", "", "AND r.member_state_id IS NOT NULL"),
}


def _cases_sql(allegation_ids_sql: str, group: str, *, as_days: bool) -> str:
    """The referrals sent for these allegations, one row per case and group: the group and either the
    day counts of each stage (PostgreSQL: date - date is a number of days) or the four dates."""
    key, join, where = _GROUPS[group]
    values = ("r.sent_on - al.date_received AS d1, r.response_on - r.sent_on AS d2, r.outcome_on - r.response_on AS d3"
              if as_days else "al.date_received, r.sent_on, r.response_on, r.outcome_on")
    # bandit B608 is a false positive: only the fixed fragments above are interpolated, and
    # allegation_ids_sql is Django's compiled queryset SQL whose values stay bound parameters.
    return f"""
SELECT {key} AS grp, {values}
FROM referrals_referral r JOIN allegations_allegation al ON al.id = r.allegation_id {join}
WHERE r.sent_on IS NOT NULL {where} AND r.allegation_id IN ({allegation_ids_sql})
"""  # nosec B608


def _medians_sql(allegation_ids_sql: str, group: str) -> str:
    median = "percentile_cont(0.5) WITHIN GROUP (ORDER BY {d}), COUNT({d})"
    stages = ", ".join(median.format(d=f"c.d{i}") for i in range(1, len(STAGES) + 1))
    return f"SELECT c.grp, {stages} FROM ({_cases_sql(allegation_ids_sql, group, as_days=True)}) c GROUP BY c.grp"  # nosec B608


def _median(values: list[int]) -> StageMedian:
    return StageMedian(float(statistics.median(values)) if values else None, len(values))


def _stage_medians(allegations: QuerySet, group: str) -> dict:
    """Group key → the medians of the three stages, in one query."""
    ids_sql, params = allegations.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_medians_sql(ids_sql, group), params)
            return {row[0]: [StageMedian(None if row[i] is None else float(row[i]), int(row[i + 1]))
                             for i in range(1, 2 * len(STAGES), 2)] for row in cursor.fetchall()}
        cursor.execute(_cases_sql(ids_sql, group, as_days=False), params)
        days: dict = defaultdict(lambda: [[] for _ in STAGES])
        for key, *dates in cursor.fetchall():
            dates = [_as_date(d) for d in dates]
            for i, (start, end) in enumerate(zip(dates, dates[1:], strict=False)):
                if start is not None and end is not None:
                    days[key][i].append((end - start).days)
        return {key: [_median(values) for values in stages] for key, stages in days.items()}


def _as_date(value):
    """SQLite returns dates read through a raw cursor as text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def stage_medians(allegations: QuerySet) -> list[StageMedian]:
    """The three medians over every case of these allegations."""
    return _stage_medians(allegations, "all").get(None, NO_CASE)


def stage_medians_by_force(allegations: QuerySet) -> list[StallRow]:
    """One row per force named among the alleged perpetrators, by name."""
    medians = _stage_medians(allegations, "force")
    names = dict(Force.objects.filter(pk__in=list(medians)).values_list("pk", "name"))
    return sorted((StallRow(names[pk], stages) for pk, stages in medians.items()), key=lambda row: row.label)


def stage_medians_by_member_state(allegations: QuerySet) -> list[StallRow]:
    """One row per Member State referred to (referrals to a regional organisation are in no row), by name
    as the reader names it."""
    medians = _stage_medians(allegations, "member_state")
    names = {pk: state_name(iso3, name) for pk, iso3, name in
             MemberState.objects.filter(pk__in=list(medians)).values_list("pk", "iso3", "name")}
    return sorted((StallRow(names[pk], stages) for pk, stages in medians.items()), key=lambda row: row.label)
