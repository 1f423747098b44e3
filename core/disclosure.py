"""The disclosure gate (DESIGN.md "Security rules"): every aggregate that leaves the office passes here.

Victims are few and places are small: "1 girl, Bambari, March 2016" names a child. A release is a set
of tables whose cells are counts named by a `CellKey` (what is counted, and for which values of which
dimensions). The same key in two tables is the same number, so a total published in one table can
expose a cell hidden in another; the gate therefore works on the whole release at once:

- a count from 1 to `threshold - 1` is shown as "<threshold" (0 stays 0): primary suppression;
- cells are hidden ("x") until no hidden count can be worked out from what is published: for each
  hidden cell, the smallest and largest values it can take given the published cells, the sums that
  hold between the release's counts (totals, subtotals, the same count in another table) and what the
  marks say (a "<5" is 1 to 4, an "x" is 5 or more) must differ (secondary suppression);
- a table finer than the published grain (a quarter of a year, a country) is refused;
- a table whose small counts cannot be protected at all (a year with a handful of allegations, where
  nothing of 5 or more is left to hide) is withheld whole;
- the release carries a report of every cell hidden, every table withheld, and why.

What a reader knows is found, not declared: a count equal to the sum of the published counts that
refine it along some dimensions is a sum a reader can use; when those counts add up to more (an
allegation of two forces counts in both forces' rows), the total is at most their sum; and a count
is never more than a count it refines. The gate uses all three (and sums declared between two names
for one count).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain

from django.conf import settings

# The reasons a published cell is not its count.
SMALL = "small"  # a count from 1 to threshold - 1
COMPLEMENT = "complement"  # hidden so that a small count cannot be worked out from the others
HIDDEN_MARK = "x"

# The finest grain anything published may have: the dimensions a published table may use. A date is
# at most a quarter and a place at most a country (allegations record their place below the country
# as free text, so there is no first administrative level to publish yet); never a reference, a
# code, a unit or a narrative.
PUBLISHABLE_DIMENSIONS = frozenset({
    "year", "quarter", "country", "force", "nationality", "personnel_category", "allegation_type", "status",
    "victim_group", "sex", "age_group", "referred", "recipient", "answer", "outcome",
})
PUBLISHED_TIME_GRAIN = "quarter"
PUBLISHED_PLACE_GRAIN = "country"


class DisclosureError(Exception):
    """A table the gate will not let out (too fine a grain, counts that contradict their sums)."""


class _Unprotectable(Exception):
    def __init__(self, key: CellKey):
        self.key = key


@dataclass(frozen=True)
class Rules:
    threshold: int  # the smallest count published as it is

    @property
    def small_mark(self) -> str:
        return f"<{self.threshold}"

    def as_dict(self) -> dict:
        return {"threshold": self.threshold, "largest_small": self.threshold - 1, "small_mark": self.small_mark,
                "hidden_mark": HIDDEN_MARK,
                "time_grain": PUBLISHED_TIME_GRAIN, "place_grain": PUBLISHED_PLACE_GRAIN}


def current_rules() -> Rules:
    return Rules(threshold=settings.SEA_DISCLOSURE_THRESHOLD)


@dataclass(frozen=True, order=True)
class CellKey:
    """What a cell counts: a measure ("allegations") for given values of some dimensions."""

    measure: str
    coordinates: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, measure: str, **coordinates: str | None) -> CellKey:
        return cls(measure, tuple(sorted((d, str(v)) for d, v in coordinates.items() if v is not None)))

    @property
    def dimensions(self) -> frozenset[str]:
        return frozenset(d for d, _v in self.coordinates)

    def refines(self, other: CellKey) -> bool:
        """This key counts a part of what `other` counts: same measure, and other's values and more."""
        return (self.measure == other.measure and len(self.coordinates) > len(other.coordinates)
                and set(other.coordinates) <= set(self.coordinates))


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), as it holds between the counts of a release."""

    total: CellKey
    parts: tuple[CellKey, ...]


@dataclass
class Table:
    """A grid of cells; the codes name its rows and columns for whoever renders it."""

    name: str
    row_codes: list[str]
    column_codes: list[str]
    cells: list[list[CellKey]]

    def keys(self) -> Iterable[CellKey]:
        return chain.from_iterable(self.cells)


@dataclass(frozen=True)
class Suppression:
    key: CellKey
    reason: str  # SMALL or COMPLEMENT
    protects: CellKey | None = None  # for a complement: the small count it keeps from being worked out


@dataclass
class GatedRelease:
    rules: Rules
    tables: list[Table]
    shown: dict[CellKey, int | str]  # the count, or the mark that stands for it
    suppressions: list[Suppression] = field(default_factory=list)
    withheld: list[Table] = field(default_factory=list)  # not published at all

    def published(self, table: Table) -> list[list[int | str]]:
        return [[self.shown[key] for key in row] for row in table.cells]

    def where(self, key: CellKey) -> list[tuple[str, str, str]]:
        """(table, row, column) of every place the key is published."""
        return [(t.name, t.row_codes[r], t.column_codes[c]) for t in self.tables
                for r, row in enumerate(t.cells) for c, k in enumerate(row) if k == key]


def table(name: str, measure: str, *, rows: tuple[str, list[str]], columns: tuple[str, list[str]] | None = None,
          total: str = "total") -> Table:
    """A count table with totals: rows (and columns) are the values of one dimension each, the last row
    (and column) their total."""
    row_dimension, row_values = rows
    column_dimension, column_values = columns or ("", [])

    def key(row: str | None, column: str | None) -> CellKey:
        coordinates = {row_dimension: row}
        if column_dimension:
            coordinates[column_dimension] = column
        return CellKey.of(measure, **coordinates)

    column_list: list[str | None] = [*column_values, None] if column_dimension else [None]
    grid = [[key(r, c) for c in column_list] for r in [*row_values, None]]
    column_codes = [*column_values, total] if column_dimension else [measure]
    return Table(name=name, row_codes=[*row_values, total], column_codes=column_codes, cells=grid)


def gate(tables: list[Table], counts: Mapping[CellKey, int], *, relations: Iterable[Relation] = (),
         rules: Rules | None = None) -> GatedRelease:
    """Apply the rules to a release. `relations` adds sums the keys cannot show (the same count named
    two ways); those found between the keys are added here. Each is used only where it holds."""
    rules = rules or current_rules()
    if rules.threshold < 3:
        raise DisclosureError("A threshold below 3 would publish every small count: “<2” can only be 1.")
    too_fine = {d for t in tables for k in t.keys() for d in k.dimensions} - PUBLISHABLE_DIMENSIONS
    if too_fine:
        raise DisclosureError(f"Finer than the published grain: {', '.join(sorted(too_fine))}.")
    relations = list(relations)
    withheld: list[Table] = []
    while True:
        try:
            shown, suppressions = _suppress(tables, counts, relations, rules.threshold)
        except _Unprotectable as failure:
            # Nothing of `threshold` or more is left to hide around it: none of the tables it is in goes out.
            withheld += [t for t in tables if failure.key in set(t.keys())]
            tables = [t for t in tables if failure.key not in set(t.keys())]
            continue
        shown = {k: (rules.small_mark if reason == SMALL else HIDDEN_MARK) if reason else counts[k]
                 for k, reason in shown.items()}
        return GatedRelease(rules=rules, tables=tables, shown=shown, suppressions=suppressions, withheld=withheld)


@dataclass(frozen=True)
class Knowledge:
    """What a reader knows of the counts beyond the published numbers: sums that hold exactly, sums
    that can only be larger than their total (an allegation of two forces counts in both forces'
    rows), and that a part never exceeds what it is a part of."""

    equal: list[Relation]
    at_least: list[Relation]  # total <= sum(parts)
    within: list[tuple[CellKey, CellKey]]  # (part, whole): part <= whole


def _knowledge(keys: list[CellKey], counts: Mapping[CellKey, int], declared: list[Relation]) -> Knowledge:
    published = set(keys)  # a sum through a count that is not published tells a reader nothing
    equal, at_least = [], []
    for relation in chain(declared, found_relations(keys, counts)):
        if relation.total not in published or not published.issuperset(relation.parts):
            continue
        parts = sum(counts[p] for p in relation.parts)
        if counts[relation.total] == parts:
            equal.append(relation)
        elif counts[relation.total] < parts:
            at_least.append(relation)
    within = [(part, whole) for whole in keys for part in keys if part.refines(whole)]
    return Knowledge(equal=equal, at_least=at_least, within=within)


def _suppress(tables: list[Table], counts: Mapping[CellKey, int], relations: list[Relation],
              threshold: int) -> tuple[dict[CellKey, str], list[Suppression]]:
    """Each key of the tables, with the reason it is hidden ("" when it is shown), and the report."""
    keys = sorted({k for t in tables for k in t.keys()})
    if any(k not in counts or counts[k] < 0 for k in keys):
        raise DisclosureError("Every published cell needs a count of zero or more.")
    knowledge = _knowledge(keys, counts, relations)
    hidden: dict[CellKey, str] = {k: SMALL for k in keys if 0 < counts[k] < threshold}
    suppressions = [Suppression(k, SMALL) for k in hidden]
    relations_of = _relations_by_key(knowledge.equal + knowledge.at_least)
    while exposed := exposed_cells(hidden, counts, knowledge, threshold):
        touched: set[Relation] = set()
        for small in exposed:
            if touched & set(relations_of[small]):
                continue  # a complement chosen this round may already protect it: look again first
            complement = _complement(small, hidden, counts, relations_of, threshold)
            if complement is None:
                raise _Unprotectable(small)
            hidden[complement] = COMPLEMENT
            suppressions.append(Suppression(complement, COMPLEMENT, protects=small))
            touched.update(relations_of[complement])
    return {k: hidden.get(k, "") for k in keys}, suppressions


def found_relations(keys: Iterable[CellKey], counts: Mapping[CellKey, int]) -> list[Relation]:
    """For each key, the published keys refining it along the same extra dimensions, as a sum: exact
    when each counted thing has one value of those dimensions, larger when some have several."""
    keys = list(keys)
    relations = []
    for total in keys:
        groups: dict[frozenset[str], list[CellKey]] = defaultdict(list)
        for part in keys:
            if part.refines(total):
                groups[part.dimensions - total.dimensions].append(part)
        relations += [Relation(total, tuple(sorted(parts))) for parts in groups.values()]
    return relations


def _relations_by_key(relations: list[Relation]) -> dict[CellKey, list[Relation]]:
    by_key: dict[CellKey, list[Relation]] = defaultdict(list)
    for relation in relations:
        for key in (relation.total, *relation.parts):
            by_key[key].append(relation)
    return by_key


def _rows(terms: Iterable[list[tuple[CellKey, int]]], index: Mapping[CellKey, int], counts: Mapping[CellKey, int]):
    """Each linear fact (sum of sign * count, compared with 0) over the unknowns: (row, constant moved right)."""
    import numpy as np

    for term in terms:
        if not any(key in index for key, _sign in term):
            continue  # all known: nothing to learn (most "part <= whole" pairs, skipped before any array)
        row, known = np.zeros(len(index)), 0
        for key, sign in term:
            if key in index:
                row[index[key]] += sign
            else:
                known -= sign * counts[key]
        if row.any():
            yield row, known


def exposed_cells(hidden: Mapping[CellKey, str], counts: Mapping[CellKey, int], knowledge: Knowledge,
                  threshold: int) -> list[CellKey]:
    """The hidden cells whose count only one whole number fits, given everything else a reader knows
    (a hidden count of 5 or more is no secret in itself, but one a reader can work out protects nothing).
    Solved as linear programmes (HiGHS, through SciPy): the least and the most each cell can be."""
    import numpy as np
    from scipy.optimize import linprog

    unknowns = sorted(hidden)
    index = {key: i for i, key in enumerate(unknowns)}

    def terms(relation: Relation) -> list[tuple[CellKey, int]]:
        return [(relation.total, 1), *((p, -1) for p in relation.parts)]

    equal = list(_rows((terms(r) for r in knowledge.equal), index, counts))
    below = list(_rows((terms(r) for r in knowledge.at_least), index, counts))  # total - parts <= 0
    below += _rows(([(part, 1), (whole, -1)] for part, whole in knowledge.within), index, counts)
    if not equal and not below:
        return []
    width = len(unknowns)
    a_eq = np.array([r for r, _k in equal]) if equal else None
    b_eq = np.array([k for _r, k in equal], dtype=float) if equal else None
    a_ub = np.array([r for r, _k in below]) if below else None
    b_ub = np.array([k for _r, k in below], dtype=float) if below else None
    bounds = [(1, threshold - 1) if hidden[k] == SMALL else (threshold, None) for k in unknowns]
    constrained = np.zeros(width, dtype=bool)
    for matrix in (a_eq, a_ub):
        if matrix is not None:
            constrained |= matrix.any(axis=0)
    exposed = []
    for key in unknowns:
        i = index[key]
        if not constrained[i]:
            continue
        objective = np.zeros(width)
        objective[i] = 1
        solve = functools.partial(linprog, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=bounds,
                                  method="highs")
        least, most = solve(objective), solve(-objective)
        if not least.success or most.status not in (0, 3):  # 3: no largest value, which is safe
            raise DisclosureError("The release's counts contradict what is known of them.")
        if most.status == 0 and math.floor(-most.fun + 1e-6) <= math.ceil(least.fun - 1e-6):
            exposed.append(key)
    return exposed


def _complement(small: CellKey, hidden: Mapping[CellKey, str], counts: Mapping[CellKey, int],
                relations_of: Mapping[CellKey, list[Relation]], threshold: int) -> CellKey | None:
    """The cell to hide next: the smallest count of at least `threshold` in a sum with the exposed cell,
    else in a sum with the hidden cells those sums reach (nearest first). Never a zero (a hidden zero
    next to a "<5" would be read as one) and never another small count (already hidden)."""
    seen, frontier = {small}, [small]
    while frontier:
        members = {k for key in frontier for r in relations_of.get(key, []) for k in (r.total, *r.parts)}
        candidates = [k for k in members if k not in hidden and counts[k] >= threshold]
        if candidates:
            return min(candidates, key=lambda k: (counts[k], k))
        frontier = [k for k in members if k in hidden and k not in seen]
        seen.update(frontier)
    return None
