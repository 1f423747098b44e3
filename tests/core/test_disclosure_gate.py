"""The disclosure gate, checked the way an attacker would read a release: from the published tables
alone, by solving their sums (exactly, and with what the marks say about the hidden counts)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from core.disclosure import (
    COMPLEMENT,
    HIDDEN_MARK,
    SMALL,
    CellKey,
    DisclosureError,
    Relation,
    Rules,
    gate,
    table,
)

RULES = Rules(threshold=5)
FORCES = [f"force-{i}" for i in range(7)]
STATUSES = ["substantiated", "not_substantiated", "under_investigation", "preliminary", "closed_other"]
TYPES = ["SE", "SA", "OTHER"]
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]


def random_release(seed: int):
    """Allegations drawn at random, most cells small; three tables that share their totals (the force
    totals of two of them, the grand total of all three)."""
    rng = random.Random(seed)
    allegations = [(rng.choice(FORCES[: rng.randint(3, 7)]), rng.choice(STATUSES), rng.choice(TYPES),
                    rng.choice(QUARTERS)) for _ in range(rng.randint(30, 120))]
    counts: dict[CellKey, int] = {}

    def count(**where) -> None:
        key = CellKey.of("allegations", **where)
        counts[key] = sum(all(dict(force=a[0], status=a[1], allegation_type=a[2], quarter=a[3])[d] == v
                              for d, v in where.items()) for a in allegations)

    tables = [
        table("by_force_and_status", "allegations", rows=("force", FORCES), columns=("status", STATUSES)),
        table("by_force_and_type", "allegations", rows=("force", FORCES), columns=("allegation_type", TYPES)),
        table("by_quarter", "allegations", rows=("quarter", QUARTERS)),
    ]
    for t in tables:
        for key in t.keys():
            count(**dict(key.coordinates))
    return tables, counts


def published_system(release):
    """What a reader has: each table's rows and columns add up to their totals; a count named the same
    in two tables is one unknown. Returns the unknowns, their marks, and the equations A x = b."""
    unknowns: dict[CellKey, str] = {}
    equations: list[tuple[dict[CellKey, int], int]] = []
    for t in release.tables:
        grid = release.published(t)
        lines = [list(zip(t.cells[r], grid[r])) for r in range(len(grid))]
        if len(t.column_codes) > 1:
            lines += [[(t.cells[r][c], grid[r][c]) for r in range(len(grid))] for c in range(len(t.column_codes))]
        else:
            lines = [[(t.cells[r][0], grid[r][0]) for r in range(len(grid))]]
        for line in lines:
            *parts, (total_key, total_shown) = line
            coefficients: dict[CellKey, int] = {}
            constant = 0
            for key, shown, sign in [*((k, s, 1) for k, s in parts), (total_key, total_shown, -1)]:
                if isinstance(shown, int):
                    constant -= sign * shown
                else:
                    unknowns[key] = shown
                    coefficients[key] = coefficients.get(key, 0) + sign
            if coefficients:
                equations.append((coefficients, constant))
    order = sorted(unknowns)
    matrix = np.array([[c.get(k, 0) for k in order] for c, _b in equations] or np.zeros((0, len(order))))
    return order, unknowns, matrix, np.array([b for _c, b in equations], dtype=float)


def integer_range(i: int, order, marks, matrix, rhs) -> tuple[int, int]:
    """The least and the most unknown i can be, in whole numbers, given the sums and the marks."""
    lower = [1 if marks[k] == RULES.small_mark else RULES.threshold for k in order]
    upper = [RULES.threshold - 1 if marks[k] == RULES.small_mark else np.inf for k in order]
    ends = []
    for sign in (1, -1):
        objective = np.zeros(len(order))
        objective[i] = sign
        found = milp(objective, constraints=LinearConstraint(matrix, rhs, rhs), bounds=Bounds(lower, upper),
                     integrality=np.ones(len(order)))
        assert found.success, found.message  # the true counts are a solution
        ends.append(round(sign * found.fun))
    return ends[0], ends[1]


@pytest.mark.parametrize("seed", range(8))
def test_it_leaves_no_small_count_that_the_sums_can_recover(seed):
    tables, counts = random_release(seed)
    release = gate(tables, counts, rules=RULES)
    published = [v for t in tables for row in release.published(t) for v in row]
    assert not [v for v in published if isinstance(v, int) and 0 < v < RULES.threshold]
    assert release.shown[CellKey.of("allegations", force=FORCES[-1], status="closed_other")] is not None
    small = [k for k, v in counts.items() if 0 < v < RULES.threshold]
    assert small, "the dataset must have small cells to protect"

    order, marks, matrix, rhs = published_system(release)
    rank = np.linalg.matrix_rank(matrix) if len(matrix) else 0
    for i, key in enumerate(order):
        # Determined by the sums alone when its unit vector lies in the equations' row space.
        unit = np.zeros((1, len(order)))
        unit[0, i] = 1
        assert np.linalg.matrix_rank(np.vstack([matrix, unit])) > rank, f"{key} follows from the totals"
        if marks[key] == RULES.small_mark:
            least, most = integer_range(i, order, marks, matrix, rhs)
            assert least < most, f"{key} can only be {least}"


@pytest.mark.parametrize("seed", range(3))
def test_it_reports_every_cell_it_hid_and_why(seed):
    tables, counts = random_release(seed)
    release = gate(tables, counts, rules=RULES)
    marked = {k for k, v in release.shown.items() if not isinstance(v, int)}
    reported = {s.key: s for s in release.suppressions}
    assert marked == set(reported)
    for key, suppression in reported.items():
        if suppression.reason == SMALL:
            assert 0 < counts[key] < RULES.threshold and release.shown[key] == "<5"
        else:
            assert suppression.reason == COMPLEMENT and release.shown[key] == HIDDEN_MARK
            assert counts[key] >= RULES.threshold and suppression.protects in reported
        assert release.where(key)


def test_it_shows_zero_as_zero_and_counts_from_the_threshold_as_they_are():
    t = table("t", "allegations", rows=("force", ["a", "b", "c"]))
    counts = {CellKey.of("allegations", force="a"): 0, CellKey.of("allegations", force="b"): 5,
              CellKey.of("allegations", force="c"): 7, CellKey.of("allegations"): 12}
    assert gate([t], counts, rules=RULES).published(t) == [[0], [5], [7], [12]]


def test_it_protects_a_small_count_through_a_total_published_in_another_table():
    """Hidden in one table, worked out from another: A's Q1 is 3 and its total 9 appears in both tables."""
    by_quarter = table("q", "allegations", rows=("quarter", ["Q1", "Q2"]), columns=("force", ["A", "B"]))
    by_force = table("f", "allegations", rows=("force", ["A", "B"]))
    values = {("Q1", "A"): 3, ("Q1", "B"): 20, ("Q2", "A"): 6, ("Q2", "B"): 30}
    counts = {CellKey.of("allegations", quarter=q, force=f): n for (q, f), n in values.items()}
    for f in "AB":
        counts[CellKey.of("allegations", force=f)] = sum(n for (_q, g), n in values.items() if g == f)
    for q in ("Q1", "Q2"):
        counts[CellKey.of("allegations", quarter=q)] = sum(n for (r, _f), n in values.items() if r == q)
    counts[CellKey.of("allegations")] = sum(values.values())
    release = gate([by_quarter, by_force], counts, rules=RULES)
    shown_total_a = release.shown[CellKey.of("allegations", force="A")]
    shown_q2_a = release.shown[CellKey.of("allegations", quarter="Q2", force="A")]
    # Someone must stand between 3 and the arithmetic: A's other quarter or A's total, in both tables alike.
    assert HIDDEN_MARK in (shown_total_a, shown_q2_a)
    assert release.published(by_force)[0] == [shown_total_a]


def test_it_uses_a_declared_relation_between_two_names_for_one_count():
    """"Other victims" in one table are the children of another: published there, they give away the
    women hidden here, unless the gate knows the two are one count."""
    by_group = table("groups", "victims", rows=("victim_group", ["women", "other"]))
    by_age = table("ages", "victims", rows=("age_group", ["child"]))
    counts = {CellKey.of("victims", victim_group="women"): 2, CellKey.of("victims", victim_group="other"): 7,
              CellKey.of("victims", age_group="child"): 7, CellKey.of("victims"): 9}
    same = [Relation(CellKey.of("victims", victim_group="other"), (CellKey.of("victims", age_group="child"),))]
    assert gate([by_group, by_age], counts, rules=RULES).published(by_group) == [["<5"], [HIDDEN_MARK], [9]]
    protected = gate([by_group, by_age], counts, relations=same, rules=RULES)
    assert protected.published(by_group)[2] == [HIDDEN_MARK] == protected.published(by_age)[1]


def test_it_refuses_a_table_finer_than_the_published_grain():
    finer = table("t", "allegations", rows=("location", ["Bambari"]))
    with pytest.raises(DisclosureError, match="location"):
        gate([finer], {CellKey.of("allegations", location="Bambari"): 9, CellKey.of("allegations"): 9},
             rules=RULES)


def test_it_takes_its_threshold_from_the_settings(settings):
    settings.SEA_DISCLOSURE_THRESHOLD = 10
    t = table("t", "allegations", rows=("force", ["a", "b"]))
    counts = {CellKey.of("allegations", force="a"): 7, CellKey.of("allegations", force="b"): 30,
              CellKey.of("allegations"): 37}
    # 7 is small under 10; 30 is hidden with it, or the total would give it away.
    assert gate([t], counts).published(t) == [["<10"], [HIDDEN_MARK], [37]]


def multi_force_release(seed: int):
    """Allegations of one or two forces each: the force rows add up to more than the totals."""
    rng = random.Random(seed)
    forces = FORCES[:3]
    allegations = [({rng.choice(forces)} | ({rng.choice(forces)} if rng.random() < 0.15 else set()),
                    rng.choice(STATUSES[:3])) for _ in range(rng.randint(6, 25))]
    present = [f for f in forces if any(f in f_set for f_set, _s in allegations)]
    t = table("by_force_and_status", "allegations", rows=("force", present), columns=("status", STATUSES[:3]))
    counts = {}
    for key in t.keys():
        where = dict(key.coordinates)
        counts[key] = sum(("force" not in where or where["force"] in f) and ("status" not in where or where["status"] == s)
                          for f, s in allegations)
    return t, counts


def test_it_protects_a_force_whose_row_the_overlapping_totals_pin():
    """Found by a review: 10 allegations, some of two forces. With equalities alone the gate published
    G as [0, <5, 0 | <5] and the status totals as [<5, <5, 6 | 10]; a reader who knows that a total is
    at most the sum of its parts and at least each one works out G's count in B: 1."""
    t = table("by_force_and_status", "allegations", rows=("force", ["F", "G", "H"]),
              columns=("status", ["A", "B", "C"]))
    grid = {"F": [2, 0, 4], "G": [0, 1, 0], "H": [3, 0, 4]}
    counts = {CellKey.of("allegations", force=f, status=s): n for f, row in grid.items()
              for s, n in zip("ABC", row)}
    counts |= {CellKey.of("allegations", force=f): sum(row) for f, row in grid.items()}
    counts |= {CellKey.of("allegations", status="A"): 3, CellKey.of("allegations", status="B"): 1,
               CellKey.of("allegations", status="C"): 6, CellKey.of("allegations"): 10}
    _check_overlapping_rows(t, counts, "review")


@pytest.mark.parametrize("seeds", [range(0, 150), range(150, 300)])
def test_it_leaves_no_small_count_that_the_parts_and_totals_pin_when_rows_overlap(seeds):
    for seed in seeds:
        _check_overlapping_rows(*multi_force_release(seed), f"seed {seed}")


def _check_overlapping_rows(t, counts, label: str) -> None:
    # A reader knows that a force's row adds up exactly (one status per allegation), that a status's
    # total is at most the sum of the forces' rows and at least each of them, and so for the grand
    # total and the forces' totals: from those and the marks, no `<5` may have only one value.
    release = gate([t], counts, rules=RULES)
    if release.withheld:
        return
    grid = release.published(t)
    order = sorted({k for row, shown in zip(t.cells, grid) for k, v in zip(row, shown) if not isinstance(v, int)})
    if not order:
        return
    index = {k: i for i, k in enumerate(order)}
    shown = {k: v for row, vals in zip(t.cells, grid) for k, v in zip(row, vals)}

    def row_of(terms):
        row, constant = np.zeros(len(order)), 0
        for key, sign in terms:
            if key in index:
                row[index[key]] += sign
            else:
                constant -= sign * shown[key]
        return row, constant

    equal, below = [], []
    for cells in t.cells:  # each row: the statuses add up to the row's total
        equal.append(row_of([*((k, 1) for k in cells[:-1]), (cells[-1], -1)]))
    for c in range(len(t.column_codes)):  # each column: its total is at most the sum, at least each part
        column = [t.cells[r][c] for r in range(len(t.cells))]
        below.append(row_of([(column[-1], 1), *((k, -1) for k in column[:-1])]))
        below += [row_of([(k, 1), (column[-1], -1)]) for k in column[:-1]]
    lower = [1 if shown[k] == RULES.small_mark else RULES.threshold for k in order]
    upper = [RULES.threshold - 1 if shown[k] == RULES.small_mark else np.inf for k in order]
    constraints = [LinearConstraint(np.array([r for r, _ in equal]), [b for _, b in equal], [b for _, b in equal]),
                   LinearConstraint(np.array([r for r, _ in below]), -np.inf, [b for _, b in below])]
    for i, key in enumerate(order):
        if shown[key] != RULES.small_mark:
            continue
        ends = []
        for sign in (1, -1):
            objective = np.zeros(len(order))
            objective[i] = sign
            found = milp(objective, constraints=constraints, bounds=Bounds(lower, upper),
                         integrality=np.ones(len(order)))
            assert found.success, found.message
            ends.append(round(sign * found.fun))
        assert ends[0] < ends[1], f"{label}: {key} can only be {ends[0]}"
