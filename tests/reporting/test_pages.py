import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from core.models import AuditEvent
from reporting.models import ExportJob
from tests.factories import make_user
from tests.reporting.annex_fixture import CANARY, build_annex_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture_data(db):
    return build_annex_fixture()


def test_field_officers_cannot_reach_the_reports(client, officer):
    client.force_login(officer)
    for url in ["/reports/", "/reports/annex/?year=2016", "/reports/annex/download/?year=2016&format=xlsx"]:
        assert client.get(url).status_code == 404, url


def test_the_dashboard_shows_the_year_with_its_numbers(client, analyst, fixture_data):
    client.force_login(analyst)
    response = client.get("/reports/", {"year": 2016})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["data"].annex.summary[-1][2] == 28
    assert "Allegations received in 2016, by type" in page and "The numbers as a table" in page
    assert CANARY not in page


def test_filters_narrow_the_dashboard_and_the_export(client, analyst, fixture_data):
    client.force_login(analyst)
    response = client.get("/reports/annex/", {"year": 2016, "force": fixture_data["amisom"].pk})
    assert [r[0][:3] for r in response.context["annex"].allegations] == ["SOM"] * 8
    response = client.get("/reports/annex/download/", {"year": 2016, "format": "json",
                                                       "nationality": fixture_data["fra"].pk})
    assert response.json()["summary"][-1]["Allegations"] == 14


def test_a_download_is_an_attachment_and_audited(client, analyst, fixture_data):
    client.force_login(analyst)
    response = client.get("/reports/annex/download/", {"year": 2016, "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="annex-2016.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(response.content))["Summary"]["C5"].value == 28
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.detail["format"], event.detail["rows"]) == (analyst, "xlsx", 28)


def test_a_large_export_runs_in_the_background_for_its_requester_only(client, analyst, fixture_data, settings, tmp_path,
                                                                      django_capture_on_commit_callbacks):
    settings.SEA_EXPORT_BACKGROUND_ROWS = 10
    settings.SEA_EXPORT_DIR = tmp_path
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):  # published once the job's row is committed
        response = client.get("/reports/annex/download/", {"year": 2016, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response["Location"] == f"/reports/exports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Download annex-2016.xlsx" in page and 'value="100"' in page
    file = client.get(f"/reports/exports/{job.pk}/file/")
    assert openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content)))["Summary"]["C5"].value == 28

    other = make_user("analyst2", "hq_analyst", global_view=True)
    client.force_login(other)
    assert client.get(f"/reports/exports/{job.pk}/").status_code == 404
    assert client.get(f"/reports/exports/{job.pk}/file/").status_code == 404

    client.force_login(analyst)
    ExportJob.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(f"/reports/exports/{job.pk}/file/").status_code == 404
    from reporting.services import delete_expired_exports

    assert delete_expired_exports() == 1 and not list(tmp_path.iterdir())


def test_the_api_exports_with_the_same_rules(client, analyst, officer, fixture_data):
    client.force_login(analyst)
    response = client.get("/api/v1/reports/annex/", {"year": 2016, "format": "json"})
    assert response.status_code == 200 and response.json()["summary"][-1]["Allegations"] == 28
    bad = client.get("/api/v1/reports/annex/", {"year": "twenty", "format": "pdf"})
    assert bad.status_code == 400 and set(bad.json()) == {"year", "format"}
    csv_response = client.get("/api/v1/reports/annex/", {"year": 2016, "format": "csv", "table": "summary"})
    assert csv_response["Content-Type"].startswith("text/csv")
    client.force_login(officer)  # the role has no reports permission: refused before anything is read
    assert client.get("/api/v1/reports/annex/", {"year": 2016, "format": "json"}).status_code == 403
    client.logout()
    assert client.get("/api/v1/reports/annex/", {"year": 2016, "format": "json"}).status_code == 401
