"""Files people open in a spreadsheet: text a spreadsheet could run as a formula is made inert, and CSV
is written the way Excel reads accented names. Shared by every export (the annex, the scorecard)."""

from __future__ import annotations

import csv
import io

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet could run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def to_csv(columns: list[str], rows: list[list], notes: list[str] = ()) -> bytes:
    """The table, then a blank line and its notes (how it counts), one to a line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    if notes:
        writer.writerow([])
        writer.writerows([safe_cell(note)] for note in notes)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens accented names correctly
