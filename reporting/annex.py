"""The annual annex tables (DESIGN.md "Annex tables"), computed in a fixed number of queries.

"Allegations": one row per allegation received in the year, ordered by country then date received;
type, subtype and status are kept as codes (JSON's form) and put in words for readers by `Annex.sheets`.
"Summary": one row per country and force, then a total row; the heavy counting is one SQL
statement (its text is also what the benchmark runs in psql).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext, gettext_noop

from allegations.models import (
    Allegation,
    AllegationType,
    AllegedPerpetrator,
    DatePrecision,
    FinalAction,
    InterimAction,
    PersonnelCategory,
    Status,
    Subtype,
    format_incident_date,
)
from core.models import Force, MemberState
from core.names import french_or_english, state_name
from referrals.models import Referral
from victims.choices import AgeGroup

# The headings DESIGN.md fixes, in English: the JSON keys. CSV, XLSX and the pages show them in the
# reader's language (`Annex.sheets`); gettext_noop only marks them for translation.
ALLEGATION_COLUMNS = [
    gettext_noop("Reference"), gettext_noop("Country"), gettext_noop("Force"),
    gettext_noop("Nationality of alleged perpetrators"), gettext_noop("Category of personnel"),
    gettext_noop("Date of incident"), gettext_noop("Date received"), gettext_noop("Type"), gettext_noop("Subtype"),
    gettext_noop("Alleged perpetrators"), gettext_noop("Victims"), gettext_noop("of whom children"),
    gettext_noop("Referred to (Member State / regional organisation)"), gettext_noop("Date referred"),
    gettext_noop("Status"), gettext_noop("Action taken"),
]
SUMMARY_COLUMNS = [
    gettext_noop("Country"), gettext_noop("Force"), gettext_noop("Allegations"),
    gettext_noop("Alleged perpetrators"), gettext_noop("Victims"), gettext_noop("Women"), gettext_noop("Girls"),
    gettext_noop("Men"), gettext_noop("Boys"), gettext_noop("Victims of unknown sex or age"), gettext_noop("SE"),
    gettext_noop("SA"), gettext_noop("Other/unknown type"), gettext_noop("Referred"), gettext_noop("Substantiated"),
    gettext_noop("Not substantiated"), gettext_noop("Under investigation"),
    gettext_noop("Preliminary assessment/under review"), gettext_noop("Closed other"),
]
TABLE_TITLES = {"Allegations": gettext_noop("Allegations"), "Summary": gettext_noop("Summary")}
# How the tables count (DESIGN.md): every table carries these notes, in the page, the CSV and the XLSX.
VICTIMS_NOTE = gettext_noop(
    "Victims counts victim–allegation links, as the UN tables do: a person who is a victim in two allegations "
    "counts in each.")
CHILDREN_NOTE = gettext_noop(
    "Girls, boys and children are victims under 18 at the incident; when the incident date is unknown, a victim "
    "under 18 on the date received counts as a child. Otherwise an unknown age counts as unknown.")
TOTAL_NOTE = gettext_noop(
    "An allegation whose alleged perpetrators belong to several forces counts in the row of each force; the total "
    "row counts each allegation once, so the rows can add up to more than the total.")
# The annex is exact: small numbers and all. It says so on every table, page, sheet and file; what the
# office publishes is the gated release (reporting.statistics, /statistics/).
INTERNAL_NOTE = gettext_noop("Internal, not for publication: exact counts, small numbers included. Publish only "
                             "the statistics release, which hides them.")
TABLE_NOTES = {"Allegations": [INTERNAL_NOTE, VICTIMS_NOTE, CHILDREN_NOTE],
               "Summary": [INTERNAL_NOTE, VICTIMS_NOTE, CHILDREN_NOTE, TOTAL_NOTE]}
# Columns the rows hold as codes (what JSON keeps); a reader sees the words (`Annex.sheets`).
CODED_COLUMNS = {"Type": AllegationType, "Subtype": Subtype, "Status": Status}
UNKNOWN = gettext_noop("Unknown")
PENDING = gettext_noop("Pending")
TOTAL = gettext_noop("Total")
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
        """Table name → (English headings, rows): the stable form, for JSON."""
        return {"Allegations": (ALLEGATION_COLUMNS, self.allegations), "Summary": (SUMMARY_COLUMNS, self.summary)}

    def sheets(self) -> list[Sheet]:
        """The tables as a reader sees them: titles, headings, coded values and notes in the active language."""
        return [Sheet(name=name, title=gettext(TABLE_TITLES[name]), headings=[gettext(c) for c in columns],
                      rows=_in_words(columns, rows), notes=[gettext(n) for n in TABLE_NOTES[name]])
                for name, (columns, rows) in self.tables().items()]


def _in_words(columns: list[str], rows: list[list]) -> list[list]:
    # Labels resolved once per sheet: a lazy translation per cell costs more than the queries.
    coded = {columns.index(name): _labels(choices) for name, choices in CODED_COLUMNS.items() if name in columns}
    if not coded:
        return rows
    return [[coded[i].get(v, v) if i in coded else v for i, v in enumerate(row)] for row in rows]


@dataclass(frozen=True)
class Sheet:
    name: str  # "Allegations" or "Summary", whatever the language
    title: str
    headings: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)

    @property
    def is_summary(self) -> bool:
        return self.name == "Summary"


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
            child_count=Count("victim_links", filter=Q(victim_links__age_group=AgeGroup.CHILD), distinct=True),
            first_referred=Min("referrals__sent_on"),
        )
        .order_by("country__name", "date_received", "reference")
        .values_list("pk", "reference", "country__iso3", "country__name", "incident_date", "incident_date_precision", "date_received",
                     "allegation_type", "subtype", "status", "victim_count", "child_count", "first_referred")
    )
    ids = [row[0] for row in rows]
    perpetrators: dict = {pk: [] for pk in ids}
    # Subqueries rather than lists of 100,000 ids as parameters.
    ids_subquery = allegations.values("pk")
    for person in AllegedPerpetrator.objects.filter(allegation_id__in=ids_subquery).values_list(
        "allegation_id", "force__name", "nationality__iso3", "nationality__name", "personnel_category",
        "final_action_category", "final_action", "interim_actions",
    ):
        perpetrators[person[0]].append(person)
    recipients: dict = {pk: [] for pk in ids}
    for allegation_id, iso3, state, organisation, organisation_fr in Referral.objects.filter(
        allegation_id__in=ids_subquery, sent_on__isnull=False
    ).values_list("allegation_id", "member_state__iso3", "member_state__name", "regional_organisation__name",
                  "regional_organisation__name_fr"):
        recipients[allegation_id].append(state_name(iso3, state) if state else french_or_english(organisation,
                                                                                                  organisation_fr))

    # Labels resolved once per export: a lazy translation per cell costs more than the queries.
    categories, finals, interims = (_labels(c) for c in (PersonnelCategory, FinalAction, InterimAction))
    unknown, pending = gettext(UNKNOWN), gettext(PENDING)
    out = []
    for (pk, reference, country_iso3, country, incident, precision, received, kind, subtype, status, victims, children,
         referred) in rows:
        people = perpetrators[pk]
        actions = [finals[final] + (f": {text}" if text else "")
                   for *_, final, text, _interim in people if final != FinalAction.PENDING]
        actions += [interims.get(i, i) for *_, interim in people for i in interim]
        out.append([
            reference,
            state_name(country_iso3, country),
            _joined(p[1] for p in people) or unknown,
            _joined(state_name(p[2], p[3]) if p[3] else unknown for p in people) or unknown,
            _joined(categories[p[4]] for p in people) or unknown,
            format_incident_date(incident, precision) if incident and precision != DatePrecision.UNKNOWN else unknown,
            received.isoformat(),
            kind,
            subtype,
            len(people),
            victims,
            children,
            _joined(recipients[pk]),
            referred.isoformat() if referred else "",
            status,
            _joined(actions) or pending,
        ])
    # Ordered by country as the reader names it (the query sorted by the English name; a stable sort keeps dates).
    return sorted(out, key=lambda row: row[1])


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
    countries = {pk: state_name(iso3, name) for pk, iso3, name in
                 MemberState.objects.filter(pk__in={r[0] for r in by_force}).values_list("pk", "iso3", "name")}
    forces = dict(Force.objects.filter(pk__in={r[1] for r in by_force if r[1]}).values_list("pk", "name"))
    rows = sorted(
        ([countries[r[0]], forces.get(r[1]) or gettext(UNKNOWN), *[int(x or 0) for x in r[2:]]] for r in by_force),
        key=lambda row: (row[0], row[1]),
    )
    total = [sum(int(r[i] or 0) for r in by_country) for i in range(2, len(SUMMARY_COLUMNS))]
    return rows + [[gettext(TOTAL), "", *total]]


def build_annex(base: QuerySet, *, year: int, filters: AnnexFilters = AnnexFilters()) -> Annex:
    allegations = annex_allegations(base, year=year, filters=filters)
    return Annex(year=year, allegations=allegation_rows(allegations), summary=summary_rows(allegations))


def all_allegations() -> QuerySet:
    """For operators at the command line: every allegation (the browser and API pass a user's scope)."""
    return Allegation.objects.all()

