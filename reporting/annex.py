"""The annual annex tables (DESIGN.md "Annex tables"), computed in a fixed number of queries.

"Allegations": one row per allegation received in the year, ordered by country then date received.
"Summary": one row per country and force, then a total row; the heavy counting is one SQL
statement (its text is also what the benchmark runs in psql).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet

from allegations.models import (
    Allegation,
    AllegedPerpetrator,
    FinalAction,
    InterimAction,
    PersonnelCategory,
    Status,
    Subtype,
    format_incident_date,
)
from core.models import Force, MemberState
from referrals.models import Referral

ALLEGATION_COLUMNS = [
    "Reference", "Country", "Force", "Nationality of alleged perpetrators", "Category of personnel",
    "Date of incident", "Date received", "Type", "Subtype", "Alleged perpetrators", "Victims", "of whom children",
    "Referred to (Member State / regional organisation)", "Date referred", "Status", "Action taken",
]
SUMMARY_COLUMNS = [
    "Country", "Force", "Allegations", "Alleged perpetrators", "Victims", "Women", "Girls", "Men", "Boys",
    "Victims of unknown sex or age", "SE", "SA", "Other/unknown type", "Referred", "Substantiated",
    "Not substantiated", "Under investigation", "Preliminary assessment/under review", "Closed other",
]
UNKNOWN = "Unknown"
JOIN = "; "


@dataclass(frozen=True)
class AnnexFilters:
    country_id: int | None = None
    force_id: int | None = None
    nationality_id: int | None = None
    status: str = ""
    allegation_type: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class Annex:
    year: int
    allegations: list[list] = field(default_factory=list)
    summary: list[list] = field(default_factory=list)

    def tables(self) -> dict[str, tuple[list[str], list[list]]]:
        return {"Allegations": (ALLEGATION_COLUMNS, self.allegations), "Summary": (SUMMARY_COLUMNS, self.summary)}


def annex_allegations(base: QuerySet, *, year: int, filters: AnnexFilters = AnnexFilters()) -> QuerySet:
    """The allegations an annex counts: received in `year` (not incident year), narrowed by the filters."""
    allegations = base.filter(date_received__gte=datetime.date(year, 1, 1), date_received__lt=datetime.date(year + 1, 1, 1))
    if filters.country_id:
        allegations = allegations.filter(country_id=filters.country_id)
    if filters.force_id:
        allegations = allegations.filter(pk__in=base.filter(perpetrators__force_id=filters.force_id).values("pk"))
    if filters.nationality_id:
        allegations = allegations.filter(
            pk__in=base.filter(perpetrators__nationality_id=filters.nationality_id).values("pk"))
    if filters.status:
        allegations = allegations.filter(status=filters.status)
    if filters.allegation_type:
        allegations = allegations.filter(allegation_type=filters.allegation_type)
    return allegations


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _joined(values) -> str:
    distinct = sorted({v for v in values if v})
    return JOIN.join(distinct)


def allegation_rows(allegations: QuerySet) -> list[list]:
    """Three queries whatever the number of allegations (rows with their counts, then perpetrators
    and referrals in bulk), read as plain tuples: no model objects for a 100,000-row export."""
    rows = list(
        allegations.annotate(
            victim_count=Count("victim_links", distinct=True),
            child_count=Count("victim_links", filter=Q(victim_links__age_group="child"), distinct=True),
            first_referred=Min("referrals__sent_on"),
        )
        .order_by("country__name", "date_received", "reference")
        .values_list("pk", "reference", "country__name", "incident_date", "incident_date_precision", "date_received",
                     "allegation_type", "subtype", "status", "victim_count", "child_count", "first_referred")
    )
    ids = [row[0] for row in rows]
    perpetrators: dict = {pk: [] for pk in ids}
    # Subqueries rather than lists of 100,000 ids as parameters.
    ids_subquery = allegations.values("pk")
    for person in AllegedPerpetrator.objects.filter(allegation_id__in=ids_subquery).values_list(
        "allegation_id", "force__name", "nationality__name", "personnel_category", "final_action_category",
        "final_action", "interim_actions",
    ):
        perpetrators[person[0]].append(person)
    recipients: dict = {pk: [] for pk in ids}
    for allegation_id, state, organisation in Referral.objects.filter(
        allegation_id__in=ids_subquery, sent_on__isnull=False
    ).values_list("allegation_id", "member_state__name", "regional_organisation__name"):
        recipients[allegation_id].append(state or organisation)

    # Labels resolved once per export: a lazy translation per cell costs more than the queries.
    categories, finals, interims, subtypes, statuses = (
        _labels(c) for c in (PersonnelCategory, FinalAction, InterimAction, Subtype, Status))
    out = []
    for (pk, reference, country, incident, precision, received, kind, subtype, status, victims, children,
         referred) in rows:
        people = perpetrators[pk]
        actions = [finals[final] + (f": {text}" if text else "")
                   for *_, final, text, _interim in people if final != FinalAction.PENDING]
        actions += [interims.get(i, i) for *_, interim in people for i in interim]
        out.append([
            reference,
            country,
            _joined(p[1] for p in people) or UNKNOWN,
            _joined(p[2] or UNKNOWN for p in people) or UNKNOWN,
            _joined(categories[p[3]] for p in people) or UNKNOWN,
            format_incident_date(incident, precision),
            received.isoformat(),
            kind,
            subtypes[subtype],
            len(people),
            victims,
            children,
            _joined(recipients[pk]),
            referred.isoformat() if referred else "",
            statuses[status],
            _joined(actions) or "Pending",
        ])
    return out


def summary_sql(allegation_ids_sql: str, *, by_force: bool) -> str:
    """One statement counting everything per (country, force), or in total. Portable SQL."""
    force_select = "af.force_id" if by_force else "NULL"
    force_join = (
        "JOIN (SELECT DISTINCT a2.id AS allegation_id, p.force_id FROM a a2 "
        "LEFT JOIN allegations_allegedperpetrator p ON p.allegation_id = a2.id) af ON af.allegation_id = a.id"
        if by_force else ""
    )
    perpetrator_filter = "AND p.force_id = af.force_id" if by_force else ""
    group = "a.country_id, af.force_id" if by_force else "a.country_id"
    # bandit B608 is a false positive: only the fixed fragments above are interpolated, and
    # allegation_ids_sql is Django's compiled queryset SQL whose values stay bound parameters.
    return f"""
WITH a AS (
    SELECT al.id, al.country_id, al.allegation_type, al.status,
           CASE WHEN EXISTS (SELECT 1 FROM referrals_referral r
                             WHERE r.allegation_id = al.id AND r.sent_on IS NOT NULL) THEN 1 ELSE 0 END AS referred
    FROM allegations_allegation al WHERE al.id IN ({allegation_ids_sql})
),
v AS (
    SELECT l.allegation_id,
           COUNT(*) AS victims,
           SUM(CASE WHEN vi.sex = 'female' AND l.age_group = 'adult' THEN 1 ELSE 0 END) AS women,
           SUM(CASE WHEN vi.sex = 'female' AND l.age_group = 'child' THEN 1 ELSE 0 END) AS girls,
           SUM(CASE WHEN vi.sex = 'male' AND l.age_group = 'adult' THEN 1 ELSE 0 END) AS men,
           SUM(CASE WHEN vi.sex = 'male' AND l.age_group = 'child' THEN 1 ELSE 0 END) AS boys,
           SUM(CASE WHEN vi.sex = 'unknown' OR l.age_group = 'unknown' THEN 1 ELSE 0 END) AS unknown
    FROM victims_victimallegation l JOIN victims_victim vi ON vi.id = l.victim_id
    WHERE l.allegation_id IN (SELECT id FROM a)
    GROUP BY l.allegation_id
)
SELECT a.country_id, {force_select} AS force_id,
       COUNT(*) AS allegations,
       SUM((SELECT COUNT(*) FROM allegations_allegedperpetrator p WHERE p.allegation_id = a.id {perpetrator_filter})),
       SUM(COALESCE(v.victims, 0)), SUM(COALESCE(v.women, 0)), SUM(COALESCE(v.girls, 0)),
       SUM(COALESCE(v.men, 0)), SUM(COALESCE(v.boys, 0)), SUM(COALESCE(v.unknown, 0)),
       SUM(CASE WHEN a.allegation_type = 'SE' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.allegation_type = 'SA' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.allegation_type IN ('OTHER', 'UNKNOWN') THEN 1 ELSE 0 END),
       SUM(a.referred),
       SUM(CASE WHEN a.status = 'substantiated' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.status = 'not_substantiated' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.status = 'under_investigation' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.status IN ('preliminary_assessment', 'under_review') THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.status = 'closed_other' THEN 1 ELSE 0 END)
FROM a {force_join} LEFT JOIN v ON v.allegation_id = a.id
GROUP BY {group}
"""  # nosec B608


def summary_rows(allegations: QuerySet) -> list[list]:
    ids_sql, params = allegations.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(summary_sql(ids_sql, by_force=True), params)
        by_force = cursor.fetchall()
        cursor.execute(summary_sql(ids_sql, by_force=False), params)
        by_country = cursor.fetchall()
    countries = dict(MemberState.objects.filter(pk__in={r[0] for r in by_force}).values_list("pk", "name"))
    forces = dict(Force.objects.filter(pk__in={r[1] for r in by_force if r[1]}).values_list("pk", "name"))
    rows = sorted(
        ([countries[r[0]], forces.get(r[1], UNKNOWN), *[int(x or 0) for x in r[2:]]] for r in by_force),
        key=lambda row: (row[0], row[1]),
    )
    total = [sum(int(r[i] or 0) for r in by_country) for i in range(2, len(SUMMARY_COLUMNS))]
    return rows + [["Total", "", *total]]


def build_annex(base: QuerySet, *, year: int, filters: AnnexFilters = AnnexFilters()) -> Annex:
    allegations = annex_allegations(base, year=year, filters=filters)
    return Annex(year=year, allegations=allegation_rows(allegations), summary=summary_rows(allegations))


def all_allegations() -> QuerySet:
    """For operators at the command line: every allegation (the browser and API pass a user's scope)."""
    return Allegation.objects.all()

