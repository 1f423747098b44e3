"""The annex tables, checked cell by cell in every format against tables written out here."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import call_command

from core.models import AuditEvent
from allegations.models import AllegationType, Status, Subtype
from reporting.annex import (
    ALLEGATION_COLUMNS,
    SUMMARY_COLUMNS,
    TABLE_NOTES,
    all_allegations,
    build_annex,
)
from reporting.exports import to_csv, to_json, to_xlsx, to_zip
from tests.reporting.annex_fixture import CANARY, build_annex_fixture

pytestmark = pytest.mark.django_db

ALLEGATIONS = [
    ['CAF-2016-0001', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2015-12-01', '2016-01-03', 'SE', 'Transactional sex', 1, 1, 1, '', '', 'Preliminary assessment', 'Disciplinary or administrative measures'],
    ['CAF-2016-0002', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2016-02', '2016-02-03', 'SA', 'Rape', 1, 1, 0, 'France', '2016-02-20', 'Under review (limited information)', 'Pending'],
    ['CAF-2016-0013', 'Central African Republic', 'EUFOR RCA', 'France; Georgia', 'Individual police; Military contingent', 'Unknown', '2016-02-15', 'SE', 'Exploitative relationship', 2, 1, 0, '', '', 'Preliminary assessment', 'Pending'],
    ['CAF-2016-0003', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', 'Unknown', '2016-03-03', 'SE', 'Transactional sex', 1, 1, 0, '', '', 'Under investigation', 'Pending'],
    ['CAF-2016-0014', 'Central African Republic', 'EUFOR RCA', 'Georgia', 'Military contingent', 'Unknown', '2016-03-15', 'SE', 'Exploitative relationship', 1, 1, 0, '', '', 'Under investigation', 'Repatriated'],
    ['CAF-2016-0004', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2015-12-04', '2016-04-03', 'SA', 'Rape', 1, 1, 1, 'France', '2016-04-20', 'Substantiated', 'Pending'],
    ['CAF-2016-0015', 'Central African Republic', 'EUFOR RCA', 'Georgia', 'Military contingent', 'Unknown', '2016-04-15', 'SE', 'Exploitative relationship', 1, 1, 0, '', '', 'Preliminary assessment', 'Pending'],
    ['CAF-2016-0005', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2016-05', '2016-05-03', 'SE', 'Transactional sex', 1, 1, 0, '', '', 'Not substantiated', 'Disciplinary or administrative measures'],
    ['CAF-2016-0016', 'Central African Republic', 'EUFOR RCA', 'Georgia', 'Military contingent', 'Unknown', '2016-05-15', 'SE', 'Exploitative relationship', 1, 2, 1, '', '', 'Under investigation', 'Repatriated'],
    ['CAF-2016-0006', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', 'Unknown', '2016-06-03', 'SA', 'Rape', 1, 1, 0, 'France', '2016-06-20', 'Closed (other)', 'Pending'],
    ['CAF-2016-0017', 'Central African Republic', 'EUFOR RCA', 'France; Georgia', 'Individual police; Military contingent', 'Unknown', '2016-06-15', 'SE', 'Exploitative relationship', 2, 1, 0, '', '', 'Preliminary assessment', 'Pending'],
    ['CAF-2016-0007', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2015-12-07', '2016-07-03', 'SE', 'Transactional sex', 1, 1, 1, '', '', 'Preliminary assessment', 'Pending'],
    ['CAF-2016-0018', 'Central African Republic', 'EUFOR RCA', 'Georgia', 'Military contingent', 'Unknown', '2016-07-15', 'SE', 'Exploitative relationship', 1, 1, 0, '', '', 'Under investigation', 'Repatriated'],
    ['CAF-2016-0008', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2016-08', '2016-08-03', 'SA', 'Rape', 1, 1, 0, 'France', '2016-08-20', 'Under review (limited information)', 'Pending'],
    ['CAF-2016-0019', 'Central African Republic', 'EUFOR RCA', 'Georgia', 'Military contingent', 'Unknown', '2016-08-15', 'SE', 'Exploitative relationship', 1, 1, 0, '', '', 'Preliminary assessment', 'Pending'],
    ['CAF-2016-0009', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', 'Unknown', '2016-09-03', 'SE', 'Transactional sex', 1, 1, 0, '', '', 'Under investigation', 'Disciplinary or administrative measures'],
    ['CAF-2016-0020', 'Central African Republic', 'EUFOR RCA', 'Georgia', 'Military contingent', 'Unknown', '2016-09-15', 'SE', 'Exploitative relationship', 1, 1, 0, '', '', 'Under investigation', 'Repatriated'],
    ['CAF-2016-0010', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2015-12-10', '2016-10-03', 'SA', 'Rape', 1, 1, 1, 'France', '2016-10-20', 'Substantiated', 'Pending'],
    ['CAF-2016-0011', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', '2016-11', '2016-11-03', 'SE', 'Transactional sex', 1, 1, 0, '', '', 'Not substantiated', 'Pending'],
    ['CAF-2016-0012', 'Central African Republic', 'Sangaris', 'France', 'Military contingent', 'Unknown', '2016-12-03', 'SA', 'Rape', 1, 1, 0, 'France', '2016-12-20', 'Closed (other)', 'Pending'],
    ['SOM-2016-0001', 'Somalia', 'AMISOM', 'Uganda', 'Military contingent', '2016-02-28', '2016-03-10', 'SA', 'Sexual assault', 1, 0, 0, '', '', 'Under investigation', 'Pending'],
    ['SOM-2016-0002', 'Somalia', 'AMISOM', 'Burundi', 'Formed police unit', '2016-03-28', '2016-04-10', 'OTHER', 'Other', 1, 0, 0, '', '', 'Not substantiated', 'Pending'],
    ['SOM-2016-0003', 'Somalia', 'AMISOM', 'Unknown', 'Military contingent', '2016-04-28', '2016-05-10', 'UNKNOWN', 'Other', 1, 1, 0, '', '', 'Under investigation', 'Pending'],
    ['SOM-2016-0004', 'Somalia', 'AMISOM', 'Uganda', 'Formed police unit', '2016-05-28', '2016-06-10', 'SE', 'Solicitation of transactional sex', 1, 0, 0, '', '', 'Not substantiated', 'Pending'],
    ['SOM-2016-0005', 'Somalia', 'AMISOM', 'Burundi', 'Military contingent', '2016-06-28', '2016-07-10', 'SA', 'Sexual assault', 1, 1, 1, '', '', 'Under investigation', 'Pending'],
    ['SOM-2016-0006', 'Somalia', 'AMISOM', 'Unknown', 'Formed police unit', '2016-07-28', '2016-08-10', 'OTHER', 'Other', 1, 0, 0, '', '', 'Not substantiated', 'Pending'],
    ['SOM-2016-0007', 'Somalia', 'AMISOM', 'Uganda', 'Military contingent', '2016-08-28', '2016-09-10', 'UNKNOWN', 'Other', 1, 0, 0, '', '', 'Under investigation', 'Pending'],
    ['SOM-2016-0008', 'Somalia', 'AMISOM', 'Burundi', 'Formed police unit', '2016-09-28', '2016-10-10', 'SE', 'Solicitation of transactional sex', 1, 0, 0, '', '', 'Not substantiated', 'Pending'],
]
SUMMARY = [
    ['Central African Republic', 'EUFOR RCA', 8, 10, 9, 1, 0, 0, 1, 7, 8, 0, 0, 0, 0, 0, 4, 4, 0],
    ['Central African Republic', 'Sangaris', 12, 12, 12, 8, 4, 0, 0, 0, 6, 6, 0, 6, 2, 2, 2, 4, 2],
    ['Somalia', 'AMISOM', 8, 8, 2, 0, 1, 1, 0, 0, 2, 2, 4, 0, 0, 4, 4, 0, 0],
    ['Total', '', 28, 30, 23, 9, 5, 1, 1, 7, 16, 8, 4, 6, 2, 6, 10, 8, 2],
]


TYPE, SUBTYPE, STATUS = (ALLEGATION_COLUMNS.index(c) for c in ("Type", "Subtype", "Status"))
TYPE_WORDS = {"SE": "Sexual exploitation", "SA": "Sexual abuse", "OTHER": "Other", "UNKNOWN": "Unknown"}
for _row in ALLEGATIONS:  # the expected rows above are written with the type's code, as JSON keeps it
    _row[TYPE] = TYPE_WORDS[_row[TYPE]]


def coded(row: list) -> list:
    """A reader's row as JSON holds it: type, subtype and status as codes."""
    codes = [{str(label): value for value, label in choices.choices} for choices in (AllegationType, Subtype, Status)]
    out = list(row)
    for index, mapping in zip((TYPE, SUBTYPE, STATUS), codes, strict=True):
        out[index] = mapping[row[index]]
    return out


def words(annex, name: str) -> list[list]:
    return next(s for s in annex.sheets() if s.name == name).rows


@pytest.fixture
def annex():
    build_annex_fixture()
    return build_annex(all_allegations(), year=2016)


def test_the_tables_match_the_expected_ones_cell_by_cell(annex):
    assert words(annex, "Allegations") == ALLEGATIONS
    assert annex.allegations == [coded(row) for row in ALLEGATIONS]
    assert annex.summary == SUMMARY


def test_it_shows_type_subtype_and_status_as_words_and_keeps_codes_in_json(annex):
    row = next(r for r in words(annex, "Allegations") if r[0] == "SOM-2016-0003")
    assert (row[TYPE], row[SUBTYPE], row[STATUS]) == ("Unknown", "Other", "Under investigation")
    data = json.loads(to_json(annex))
    coded_row = next(r for r in data["allegations"] if r["Reference"] == "SOM-2016-0003")
    assert (coded_row["Type"], coded_row["Subtype"], coded_row["Status"]) == ("UNKNOWN", "other", "under_investigation")


def test_it_says_how_every_table_counts_in_the_page_csv_and_xlsx(annex, client, analyst):
    for sheet in annex.sheets():
        assert any("victim–allegation links" in note for note in sheet.notes)
    summary_notes = next(s for s in annex.sheets() if s.is_summary).notes
    assert any("the total row counts each allegation once" in note for note in summary_notes)
    archive = zipfile.ZipFile(io.BytesIO(to_zip(annex)))
    for name in archive.namelist():
        assert "victim–allegation links" in archive.read(name).decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(annex)))
    for sheet in book:
        text = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
        assert any("victim–allegation links" in t for t in text)
    assert book["Summary"].auto_filter.ref == "A1:S5"  # the filter stops at the total row, notes left out
    client.force_login(analyst)
    page = client.get("/reports/annex/", {"year": 2016}).content.decode()
    assert page.count("victim–allegation links") == 2 and "counts each allegation once" in page
    assert "Sexual exploitation" in page


def test_the_total_row_counts_an_allegation_of_two_forces_once(annex):
    from allegations.models import Allegation
    from core.models import Force
    from tests.factories import PerpetratorFactory

    two_forces = Allegation.objects.get(reference="SOM-2016-0001")
    PerpetratorFactory(allegation=two_forces, force=Force.objects.get(name="Sangaris"))
    summary = build_annex(all_allegations(), year=2016).summary
    somalia = [row for row in summary if row[0] == "Somalia"]
    assert sorted(row[1] for row in somalia) == ["AMISOM", "Sangaris"]
    assert sum(row[2] for row in somalia) == 9  # in the row of each force...
    assert summary[-1][2] == 28  # ...and once in the total
    assert summary[-1][3] == 31  # every alleged perpetrator once


def test_two_nationalities_are_joined_and_other_years_are_left_out(annex):
    row = next(r for r in annex.allegations if r[0] == "CAF-2016-0013")
    assert row[3] == "France; Georgia"
    references = {r[0] for r in annex.allegations}
    assert "CAF-2017-0001" not in references and "SOM-2015-0001" not in references


def test_csv_reads_back_as_the_expected_tables(annex):
    for columns, sheet, expected in [(ALLEGATION_COLUMNS, annex.sheets()[0], ALLEGATIONS),
                                     (SUMMARY_COLUMNS, annex.sheets()[1], SUMMARY)]:
        lines = list(csv.reader(io.StringIO(to_csv(columns, sheet.rows, sheet.notes).decode("utf-8-sig"))))
        assert lines[0] == columns
        assert lines[1:len(expected) + 1] == [[str(v) for v in row] for row in expected]
        assert lines[len(expected) + 1:] == [[], *[[note] for note in sheet.notes]]


def test_the_csv_zip_holds_both_tables(annex):
    names = zipfile.ZipFile(io.BytesIO(to_zip(annex))).namelist()
    assert names == ["annex-2016-allegations.csv", "annex-2016-summary.csv"]


def test_xlsx_reads_back_with_numbers_as_numbers_and_a_frozen_styled_header(annex):
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(annex)))
    assert book.sheetnames == ["Allegations", "Summary"]
    for sheet, columns, expected in [(book["Allegations"], ALLEGATION_COLUMNS, ALLEGATIONS),
                                     (book["Summary"], SUMMARY_COLUMNS, SUMMARY)]:
        values = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert values[0] == columns
        assert values[1:len(expected) + 1] == expected
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
        assert sheet.column_dimensions["A"].width > 8
    assert isinstance(book["Summary"]["C2"].value, int)


def test_json_holds_the_expected_tables(annex):
    data = json.loads(to_json(annex))
    assert data["year"] == 2016
    assert [list(row.values()) for row in data["allegations"]] == [coded(row) for row in ALLEGATIONS]
    assert [list(row.values()) for row in data["summary"]] == SUMMARY
    assert list(data["summary"][0]) == SUMMARY_COLUMNS
    assert data["notes"] == {"allegations": TABLE_NOTES["Allegations"], "summary": TABLE_NOTES["Summary"]}


def test_no_export_ever_contains_a_victims_identity(annex):
    for content in (to_csv(ALLEGATION_COLUMNS, annex.allegations), to_zip(annex), to_json(annex)):
        assert CANARY.encode() not in content
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(annex)))
    text = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    assert CANARY not in text and "said so" not in text


def test_cells_that_could_run_as_formulas_are_escaped(annex):
    from core.models import Force

    Force.objects.filter(name="AMISOM").update(name='=HYPERLINK("http://evil.example")')
    tampered = build_annex(all_allegations(), year=2016)
    row = next(r for r in tampered.allegations if r[0] == "SOM-2016-0001")
    csv_text = to_csv(ALLEGATION_COLUMNS, tampered.allegations).decode("utf-8-sig")
    assert "'=HYPERLINK(\"\"http://evil.example\"\")" in csv_text
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(tampered)))
    cell = [c for c in book["Allegations"]["C"] if "HYPERLINK" in str(c.value)][0]
    assert cell.value.startswith("'=") and cell.data_type == "s"
    assert row[2].startswith("=")  # the table itself keeps the real name; only files escape it


def test_the_annex_takes_a_constant_number_of_queries(django_assert_num_queries):
    build_annex_fixture()
    with django_assert_num_queries(7):
        small = build_annex(all_allegations(), year=2016)
    from tests.factories import AllegationFactory, MissionFactory

    mission = MissionFactory(name="More")
    for n in range(40):
        AllegationFactory(mission=mission, reference=f"ZZZ-2016-{n:04d}")
    with django_assert_num_queries(7):
        large = build_annex(all_allegations(), year=2016)
    assert len(large.allegations) == len(small.allegations) + 40


def test_the_command_writes_the_file_and_audits_the_export(tmp_path):
    build_annex_fixture()
    out = tmp_path / "annex.xlsx"
    call_command("export_annex", year=2016, format="xlsx", out=str(out), stdout=io.StringIO())
    assert openpyxl.load_workbook(out)["Summary"]["C5"].value == 28
    event = AuditEvent.objects.get(action="export")
    assert event.detail == {"year": 2016, "format": "xlsx", "table": "", "via": "command line", "rows": 28,
                            "filters": {}}
