"""HQ staff who work in French get the annex in French; programs reading JSON keep English keys."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command

from allegations.models import Status
from accounts.models import UserPreference
from reporting.models import ExportJob
from tests.reporting.annex_fixture import build_annex_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_analyst(analyst, client):
    UserPreference.objects.create(user=analyst, language="fr")
    client.post("/accounts/login/", {"username": analyst.username, "password": "correct horse battery"})
    return analyst


@pytest.fixture
def fixture_data(db):
    return build_annex_fixture()


def test_it_writes_the_spreadsheet_in_the_readers_language(client, french_analyst, fixture_data):
    response = client.get("/reports/annex/download/", {"year": 2016, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Allégations", "Récapitulatif"]
    headings = [cell.value for cell in book["Allégations"][1]]
    assert headings[:4] == ["Référence", "Pays", "Force", "Nationalité des auteurs présumés"]
    summary = book["Récapitulatif"]
    assert summary["A5"].value == "Total" and summary["C5"].value == 28  # numbers stay numbers
    assert summary["F1"].value == "Femmes"


def test_the_csv_and_the_page_are_french_too_and_json_stays_english(client, french_analyst, fixture_data):
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/annex/download/",
                                                    {"year": 2016, "format": "csv"}).content))
    summary_csv = archive.read("annex-2016-summary.csv").decode("utf-8-sig")
    assert summary_csv.startswith("Pays,Force,Allégations,Auteurs présumés,Victimes")
    page = client.get("/reports/annex/", {"year": 2016}).content.decode()
    assert "Récapitulatif (2016)" in page and "Nationalité des auteurs présumés" in page
    data = client.get("/reports/annex/download/", {"year": 2016, "format": "json"}).json()
    assert data["summary"][-1]["Allegations"] == 28
    assert data["summary"][-1]["Country"] == "Total"  # values in English too: programs match on them
    assert {row["Status"] for row in data["allegations"]} <= set(Status.values)  # codes, as DESIGN.md says


def test_a_background_export_keeps_the_language_of_the_page_that_asked(client, french_analyst, fixture_data,
                                                                       settings, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    settings.SEA_EXPORT_BACKGROUND_ROWS, settings.SEA_EXPORT_DIR = 10, tmp_path
    with django_capture_on_commit_callbacks(execute=True):  # published once the job's row is committed
        client.get("/reports/annex/download/", {"year": 2016, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert job.params["language"] == "fr"
    file = client.get(f"/reports/exports/{job.pk}/file/")
    assert openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content))).sheetnames[1] == "Récapitulatif"


def test_the_command_writes_french_when_asked_and_english_by_default(fixture_data, tmp_path):
    call_command("export_annex", year=2016, format="xlsx", out=str(tmp_path / "fr.xlsx"), language="fr")
    call_command("export_annex", year=2016, format="xlsx", out=str(tmp_path / "en.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "fr.xlsx").sheetnames == ["Allégations", "Récapitulatif"]
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames == ["Allegations", "Summary"]
