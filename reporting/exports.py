"""Writing an annex as CSV, XLSX, JSON or a zip of CSVs. Never any identity: the annex has none."""

from __future__ import annotations

import io
import json
import zipfile

import xlsxwriter

from core.spreadsheets import safe_cell, to_csv
from django.utils.translation import gettext

from reporting.annex import INTERNAL_NOTE, TABLE_NOTES, Annex
from reporting.choices import CONTENT_TYPES, ZIP, AnnexTable, ExportFormat


def to_zip(annex: Annex) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in annex.sheets():
            archive.writestr(f"annex-{annex.year}-{sheet.name.lower()}.csv",
                             to_csv(sheet.headings, sheet.rows, sheet.notes))
    return out.getvalue()


def to_xlsx(annex: Annex) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#0B4F7C", "font_color": "#FFFFFF", "text_wrap": True,
                              "valign": "top", "border": 1})
    total = book.add_format({"bold": True, "top": 2})
    note = book.add_format({"italic": True})
    for table in annex.sheets():
        sheet = book.add_worksheet(table.title)
        sheet.set_header("&C" + gettext(INTERNAL_NOTE).replace("&", "&&"))  # on every printed page
        sheet.write_row(0, 0, table.headings, header)
        sheet.freeze_panes(1, 0)
        widths = [len(c) for c in table.headings]
        for r, row in enumerate(table.rows, start=1):
            style = total if table.is_summary and r == len(table.rows) else None
            for c, value in enumerate(row):
                if isinstance(value, (int, float)):
                    sheet.write_number(r, c, value, style)
                else:
                    sheet.write_string(r, c, str(safe_cell(value)), style)
                widths[c] = max(widths[c], len(str(value)))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, min(max(width + 2, 8), 60))
        sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.headings) - 1)
        # Below the table, after a blank row, so the filter and the columns' sums leave them out.
        for n, text in enumerate(table.notes, start=len(table.rows) + 2):
            sheet.write_string(n, 0, str(safe_cell(text)), note)
    book.close()
    return out.getvalue()


def to_json(annex: Annex) -> bytes:
    """English keys and codes (type, subtype, status) whatever the language: programs read these."""
    data: dict = {"year": annex.year, "classification": INTERNAL_NOTE}
    for name, (columns, rows) in annex.tables().items():
        data[name.lower()] = [dict(zip(columns, row, strict=True)) for row in rows]
    data["notes"] = {name.lower(): notes for name, notes in TABLE_NOTES.items()}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def render(annex: Annex, fmt: str, table: str = "") -> tuple[bytes, str, str]:
    """(content, content type, file name) for one export."""
    if fmt == ExportFormat.XLSX:
        return to_xlsx(annex), CONTENT_TYPES[fmt], f"annex-{annex.year}.xlsx"
    if fmt == ExportFormat.JSON:
        return to_json(annex), CONTENT_TYPES[fmt], f"annex-{annex.year}.json"
    if fmt == ExportFormat.CSV and table in AnnexTable.values:
        sheet = next(s for s in annex.sheets() if s.name == table.capitalize())
        return to_csv(sheet.headings, sheet.rows, sheet.notes), CONTENT_TYPES[fmt], f"annex-{annex.year}-{table}.csv"
    if fmt in (ExportFormat.CSV, ZIP):
        return to_zip(annex), CONTENT_TYPES[ZIP], f"annex-{annex.year}-csv.zip"
    raise ValueError(f"unknown format {fmt!r}")
