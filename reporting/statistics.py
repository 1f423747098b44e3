"""The published statistics of a year: the tables, counted from the allegations the office received in
that year, and passed through the disclosure gate as one release.

Every count is at most per quarter and per country (the gate's grain); no reference, code, place below
the country or free text is read. The tables share their totals on purpose (the grand total, the
totals per force and per status): the gate sees them as one count and protects them together.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from allegations.choices import AllegationType, PersonnelCategory, Status
from allegations.models import Allegation, AllegedPerpetrator
from core.disclosure import COMPLEMENT, SMALL, CellKey, GatedRelease, Relation, Table, gate, table
from core.names import state_name
from referrals.choices import AuthorityResponse, InvestigationOutcome
from referrals.models import Referral
from reporting.annex import CHILDREN_NOTE, TOTAL_NOTE, VICTIMS_NOTE
from reporting.choices import StatusGroup, TypeGroup, VictimGroup
from victims.choices import AgeGroup, VictimSex as Sex
from victims.models import VictimAllegation

UNKNOWN = "unknown"
TOTAL = "total"
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
SEXES = [Sex.FEMALE.value, Sex.MALE.value, Sex.UNKNOWN.value]
AGE_GROUPS = [AgeGroup.ADULT.value, AgeGroup.CHILD.value, AgeGroup.UNKNOWN.value]
# How the annex Summary groups types, statuses and victims (its columns).
# (Keys are plain strings, as the database gives them: an enum member does not hash as its value.)
ALLEGATION_TYPE_GROUPS = {AllegationType.SE.value: TypeGroup.SE, AllegationType.SA.value: TypeGroup.SA,
                          AllegationType.OTHER.value: TypeGroup.OTHER, AllegationType.UNKNOWN.value: TypeGroup.OTHER}
STATUS_GROUPS = {Status.SUBSTANTIATED.value: StatusGroup.SUBSTANTIATED,
                 Status.NOT_SUBSTANTIATED.value: StatusGroup.NOT_SUBSTANTIATED,
                 Status.UNDER_INVESTIGATION.value: StatusGroup.UNDER_INVESTIGATION,
                 Status.PRELIMINARY_ASSESSMENT.value: StatusGroup.PRELIMINARY,
                 Status.UNDER_REVIEW.value: StatusGroup.PRELIMINARY, Status.CLOSED_OTHER.value: StatusGroup.CLOSED_OTHER}
VICTIM_GROUPS = {(Sex.FEMALE.value, AgeGroup.ADULT.value): VictimGroup.WOMEN,
                 (Sex.FEMALE.value, AgeGroup.CHILD.value): VictimGroup.GIRLS,
                 (Sex.MALE.value, AgeGroup.ADULT.value): VictimGroup.MEN,
                 (Sex.MALE.value, AgeGroup.CHILD.value): VictimGroup.BOYS}
ANSWERS = [a.value for a in (AuthorityResponse.WILL_INVESTIGATE, AuthorityResponse.DECLINES,
                              AuthorityResponse.NO_RESPONSE, AuthorityResponse.NONE_YET)]
OUTCOMES = [o.value for o in (InvestigationOutcome.SUBSTANTIATED, InvestigationOutcome.NOT_SUBSTANTIATED,
                              InvestigationOutcome.PENDING)]


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: object  # lazy text
    row_dimension: str
    column_dimension: str = ""  # none: one column of counts


# The public tables, in the order of the page.
TABLE_SPECS = [
    TableSpec("allegations_by_quarter_and_type", _("Allegations received, by quarter and type"), "quarter",
              "allegation_type"),
    TableSpec("allegations_by_force_and_status", _("Allegations by force and status"), "force", "status"),
    TableSpec("allegations_by_nationality", _("Allegations by nationality of the alleged perpetrators"), "nationality"),
    TableSpec("allegations_by_personnel_category", _("Allegations by category of personnel"), "personnel_category"),
    TableSpec("victims_by_sex_and_age", _("Victims by sex and age group"), "sex", "age_group"),
    TableSpec("referrals_by_answer", _("Referrals to the responsible authorities, by answer"), "answer"),
    TableSpec("referrals_by_outcome", _("Referrals, by outcome of the national investigation"), "outcome"),
    TableSpec("summary_for_publication", _("Summary by country and force (annex, for publication)"), "country_force",
              "column"),
]
SPECS = {spec.name: spec for spec in TABLE_SPECS}
# What each table's single column counts.
MEASURE_LABELS = {"allegations": _("Allegations"), "victims": _("Victims"), "referrals": _("Referrals")}

# The annex Summary's columns (DESIGN.md), as (code, what the cell counts) for the published version.
SUMMARY_COLUMNS = [
    ("allegations", "allegations", {}), ("perpetrators", "perpetrators", {}), ("victims", "victims", {}),
    *((g.value, "victims", {"victim_group": g.value}) for g in VictimGroup),
    *((t.value, "allegations", {"allegation_type": t.value}) for t in TypeGroup),
    ("referred", "allegations", {"referred": "yes"}),
    *((s.value, "allegations", {"status": s.value}) for s in StatusGroup),
]
SUMMARY_COLUMN_LABELS = {
    "allegations": _("Allegations"), "perpetrators": _("Alleged perpetrators"), "victims": _("Victims"),
    **{g.value: g.label for g in VictimGroup}, **{t.value: t.label for t in TypeGroup},
    "referred": _("Referred"), **{s.value: s.label for s in StatusGroup},
}
QUARTER_LABEL = pgettext_lazy("quarter of a year", "Q%(number)s")


@dataclass
class Counts:
    """Everything the tables count, with the names of the forces and states they mention."""

    cells: Counter
    forces: dict[str, str]  # force id → name
    states: dict[str, str]  # ISO alpha-3 → English name (countries and nationalities)

    def values_of(self, dimension: str) -> list[str]:
        return sorted({v for key in self.cells for d, v in key.coordinates if d == dimension})


def _quarter(day: datetime.date) -> str:
    return QUARTERS[(day.month - 1) // 3]


def count_year(year: int) -> Counts:
    """Four queries, whatever the number of allegations: the allegations, their perpetrators, their
    victims and their referrals, as plain tuples, counted here."""
    received = Allegation.objects.filter(date_received__gte=datetime.date(year, 1, 1),
                                         date_received__lt=datetime.date(year + 1, 1, 1))
    ids = received.values("pk")
    states: dict[str, str] = {}
    forces: dict[str, str] = {}
    people: dict[int, list[tuple]] = {}
    for allegation_id, force_id, force, iso3, nationality, category in AllegedPerpetrator.objects.filter(
            allegation_id__in=ids).values_list("allegation_id", "force_id", "force__name", "nationality__iso3",
                                               "nationality__name", "personnel_category"):
        people.setdefault(allegation_id, []).append((str(force_id) if force_id else UNKNOWN, iso3 or UNKNOWN,
                                                     category or UNKNOWN))
        if force_id:
            forces[str(force_id)] = force
        if iso3:
            states[iso3] = nationality
    victims: dict[int, list[tuple[str, str]]] = {}
    for allegation_id, sex, age_group in VictimAllegation.objects.filter(allegation_id__in=ids).values_list(
            "allegation_id", "victim__sex", "age_group"):
        victims.setdefault(allegation_id, []).append((sex, age_group))
    referred: set[int] = set()
    cells: Counter = Counter()
    for allegation_id, answer, outcome in Referral.objects.filter(
            allegation_id__in=ids, sent_on__isnull=False).values_list("allegation_id", "response", "outcome"):
        referred.add(allegation_id)
        for where in ({}, {"answer": answer}, {"outcome": outcome}):
            cells[CellKey.of("referrals", **where)] += 1
    for pk, day, kind, status, iso3, country in received.values_list(
            "pk", "date_received", "allegation_type", "status", "country__iso3", "country__name"):
        states[iso3] = country
        _count_allegation(cells, quarter=_quarter(day), kind=ALLEGATION_TYPE_GROUPS[kind].value,
                          status=STATUS_GROUPS[status].value, country=iso3, people=people.get(pk, []),
                          victims=victims.get(pk, []), referred=pk in referred)
    return Counts(cells=cells, forces=forces, states=states)


def _count_allegation(cells: Counter, *, quarter: str, kind: str, status: str, country: str, people: list[tuple],
                      victims: list[tuple[str, str]], referred: bool) -> None:
    forces = sorted({p[0] for p in people}) or [UNKNOWN]
    keys = {CellKey.of("allegations", quarter=q, allegation_type=t) for q in (quarter, None) for t in (kind, None)}
    keys |= {CellKey.of("allegations", force=f, status=s) for f in (*forces, None) for s in (status, None)}
    keys |= {CellKey.of("allegations", nationality=n) for n in {p[1] for p in people} or {UNKNOWN}}
    keys |= {CellKey.of("allegations", personnel_category=c) for c in {p[2] for p in people} or {UNKNOWN}}
    # The annex Summary: one row per country and force, and its total row counting the allegation once.
    summary = {"allegation_type": kind, "status": status, "referred": "yes" if referred else None}
    for row in [{"country": country, "force": f} for f in forces] + [{}]:
        keys.add(CellKey.of("allegations", **row))
        keys |= {CellKey.of("allegations", **row, **{d: v}) for d, v in summary.items() if v}
    cells.update(keys)
    for force in forces:
        cells[CellKey.of("perpetrators", country=country, force=force)] += sum(p[0] == force for p in people)
    cells[CellKey.of("perpetrators")] += len(people)
    for sex, age_group in victims:
        group = VICTIM_GROUPS.get((sex, age_group), VictimGroup.UNKNOWN).value
        cells.update(CellKey.of("victims", sex=s, age_group=a) for s in (sex, None) for a in (age_group, None))
        for row in [{"country": country, "force": f} for f in forces] + [{}]:
            if row:
                cells[CellKey.of("victims", **row)] += 1
            cells[CellKey.of("victims", **row, victim_group=group)] += 1


def _summary_table(counts: Counts) -> Table:
    rows = sorted({(dict(k.coordinates)["country"], dict(k.coordinates)["force"]) for k in counts.cells
                   if k.measure == "allegations" and k.dimensions == {"country", "force"}},
                  key=lambda r: (counts.states.get(r[0], r[0]), counts.forces.get(r[1], "~")))
    cells = [[CellKey.of(measure, **row, **where) for _code, measure, where in SUMMARY_COLUMNS]
             for row in [{"country": c, "force": f} for c, f in rows] + [{}]]
    return Table(name="summary_for_publication", row_codes=[f"{c}|{f}" for c, f in rows] + [TOTAL],
                 column_codes=[code for code, _m, _w in SUMMARY_COLUMNS], cells=cells)


def _ordered_forces(counts: Counts) -> list[str]:
    known = sorted((f for f in counts.values_of("force") if f != UNKNOWN), key=lambda f: counts.forces[f])
    return known + ([UNKNOWN] if UNKNOWN in counts.values_of("force") else [])


def _ordered_states(counts: Counts, dimension: str) -> list[str]:
    values = counts.values_of(dimension)
    return sorted((v for v in values if v != UNKNOWN), key=lambda v: counts.states[v]) + \
        ([UNKNOWN] if UNKNOWN in values else [])


def statistics_tables(counts: Counts) -> list[Table]:
    categories = [*PersonnelCategory.values, UNKNOWN]
    return [
        table("allegations_by_quarter_and_type", "allegations", rows=("quarter", QUARTERS),
              columns=("allegation_type", TypeGroup.values), total=TOTAL),
        table("allegations_by_force_and_status", "allegations", rows=("force", _ordered_forces(counts)),
              columns=("status", StatusGroup.values), total=TOTAL),
        table("allegations_by_nationality", "allegations", rows=("nationality", _ordered_states(counts, "nationality")),
              total=TOTAL),
        table("allegations_by_personnel_category", "allegations", rows=("personnel_category", categories),
              total=TOTAL),
        table("victims_by_sex_and_age", "victims", rows=("sex", SEXES), columns=("age_group", AGE_GROUPS), total=TOTAL),
        table("referrals_by_answer", "referrals", rows=("answer", ANSWERS), total=TOTAL),
        table("referrals_by_outcome", "referrals", rows=("outcome", OUTCOMES), total=TOTAL),
        _summary_table(counts),
    ]


def _same_counts() -> list[Relation]:
    """The Summary's victim groups are the sex-and-age table's cells under other names."""
    relations = []
    for group in VictimGroup:
        parts = tuple(CellKey.of("victims", sex=s, age_group=a) for s in SEXES for a in AGE_GROUPS
                      if VICTIM_GROUPS.get((s, a), VictimGroup.UNKNOWN) == group)
        relations.append(Relation(CellKey.of("victims", victim_group=group.value), parts))
    return relations


def gated_statistics(year: int) -> tuple[GatedRelease, Counts]:
    counts = count_year(year)
    tables = statistics_tables(counts)
    cells = Counter({k: counts.cells.get(k, 0) for t in tables for k in t.keys()})
    return gate(tables, cells, relations=_same_counts()), counts


def release_data(release: GatedRelease, counts: Counts) -> dict:
    """What a release keeps, as it was published: codes and shown values (the words are the reader's
    language, at read time), the names of the forces and states it mentions, and the disclosure report."""
    mentioned_forces = {f for t in release.tables for r in t.row_codes for f in [r.split("|")[-1]] if f in counts.forces}
    mentioned_states = {s for t in release.tables for r in t.row_codes for s in [r.split("|")[0]] if s in counts.states}
    return {
        "rules": release.rules.as_dict(),
        "tables": [{"name": t.name, "rows": t.row_codes, "columns": t.column_codes, "cells": release.published(t)}
                   for t in release.tables],
        "forces": {f: counts.forces[f] for f in sorted(mentioned_forces)},
        "states": {s: counts.states[s] for s in sorted(mentioned_states)},
        "withheld": [t.name for t in release.withheld],
        "suppressions": [
            {"reason": s.reason, "places": [list(p) for p in release.where(s.key)],
             "protects": [list(p) for p in release.where(s.protects)][:1] if s.protects else []}
            for s in release.suppressions
        ],
    }


def row_label(data: dict, dimension: str, code: str) -> str:
    """A row's or column's words in the active language."""
    if code == TOTAL:
        return str(_("Total"))
    if code == UNKNOWN:
        return str(_("Unknown"))
    if dimension == "country_force":
        country, force = code.split("|")
        return f"{state_name(country, data['states'].get(country, country))} · " + (
            data["forces"].get(force) or str(_("Unknown")))
    if dimension == "force":
        return data["forces"].get(code, code)
    if dimension in ("nationality", "country"):
        return state_name(code, data["states"].get(code, code))
    if dimension == "quarter":
        return str(QUARTER_LABEL % {"number": code[1:]})
    if dimension == "column":
        return str(SUMMARY_COLUMN_LABELS[code])
    labels = {"allegation_type": TypeGroup, "status": StatusGroup, "personnel_category": PersonnelCategory,
              "answer": AuthorityResponse, "outcome": InvestigationOutcome, "sex": Sex,
              "age_group": AgeGroup}[dimension]
    return str(labels(code).label)


# --- reading a release (the page, CSV and JSON), in the reader's language ---

REASONS = {
    SMALL: _("fewer than %(threshold)s"),
    COMPLEMENT: _("hidden so that a count below %(threshold)s cannot be worked out from the totals"),
}
# The Summary's notes, as the internal annex says them (reporting.annex).
NOTES = [VICTIMS_NOTE, CHILDREN_NOTE, TOTAL_NOTE]


@dataclass(frozen=True)
class ShownTable:
    name: str
    title: str
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list]]  # (row label, shown values); the last row is the total
    withheld: bool = False


def _column_label(spec: TableSpec, code: str) -> str:
    if not spec.column_dimension:
        return str(MEASURE_LABELS[code])
    return row_label({}, spec.column_dimension, code)


ROW_HEADINGS = {
    "quarter": _("Quarter received"), "force": _("Force"), "nationality": _("Nationality"),
    "personnel_category": _("Category of personnel"), "sex": _("Sex"), "answer": _("Answer"),
    "outcome": _("Outcome"), "country_force": _("Country · force"),
}


def shown_tables(data: dict) -> list[ShownTable]:
    """The release's tables in the order of the page, withheld ones included (as a note)."""
    by_name = {t["name"]: t for t in data["tables"]}
    shown = []
    for spec in TABLE_SPECS:
        heading = str(ROW_HEADINGS[spec.row_dimension])
        if spec.name in data["withheld"]:
            shown.append(ShownTable(spec.name, str(spec.title), heading, [], [], withheld=True))
        elif spec.name in by_name:
            t = by_name[spec.name]
            shown.append(ShownTable(
                spec.name, str(spec.title), heading, [_column_label(spec, c) for c in t["columns"]],
                [(row_label(data, spec.row_dimension, r), cells) for r, cells in zip(t["rows"], t["cells"])]))
    return shown


def disclosure_report(data: dict) -> list[tuple[str, str, str]]:
    """(table, cell, why) for every hidden cell, where it is first published."""
    lines = []
    threshold = {"threshold": data["rules"]["threshold"]}
    for suppression in data["suppressions"]:
        name, row, column = suppression["places"][0]
        spec = SPECS[name]
        cell = row_label(data, spec.row_dimension, row)
        if spec.column_dimension:
            cell += f" × {_column_label(spec, column)}"
        lines.append((str(spec.title), cell, str(REASONS[suppression["reason"]] % threshold)))
    return lines


# The HXL hashtags of the CSV (https://hxlstandard.org): one line a cell.
CSV_COLUMNS = [
    (_("Year"), "#date+year"), (_("Release"), "#meta+release"), (_("Table"), "#meta+table+code"),
    (_("Table title"), "#meta+table+name"), (_("Row"), "#meta+row+code"), (_("Row label"), "#meta+row+name"),
    (_("Column"), "#meta+col+code"), (_("Column label"), "#meta+col+name"), (_("Value"), "#indicator+num"),
]


def release_csv_rows(year: int, number: int, data: dict) -> tuple[list[str], list[list]]:
    """The headings, then the HXL hashtag row and one row per published cell."""
    rows: list[list] = [[tag for _h, tag in CSV_COLUMNS]]
    by_name = {t["name"]: t for t in data["tables"]}
    for spec in TABLE_SPECS:
        t = by_name.get(spec.name)
        if t is None:
            continue
        for r, cells in zip(t["rows"], t["cells"]):
            for c, value in zip(t["columns"], cells):
                rows.append([year, number, spec.name, str(spec.title), r, row_label(data, spec.row_dimension, r), c,
                             _column_label(spec, c), value])
    return [str(h) for h, _tag in CSV_COLUMNS], rows
