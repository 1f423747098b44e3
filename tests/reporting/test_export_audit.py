"""Every format of every export, on every way out, writes one export event (DESIGN.md, security rules)."""

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from tests.reporting.annex_fixture import build_annex_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture_data(db):
    return build_annex_fixture()


def exports() -> list[dict]:
    return [e.detail for e in AuditEvent.objects.filter(action="export").order_by("id")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_page_download_is_audited(client, analyst, fixture_data, fmt):
    client.force_login(analyst)
    assert client.get("/reports/annex/download/", {"year": 2016, "format": fmt}).status_code == 200
    assert [(e["format"], e["via"], e["year"]) for e in exports()] == [(fmt, "page", 2016)]


def test_the_printable_annex_page_is_an_audited_export(client, analyst, fixture_data):
    client.force_login(analyst)
    page = client.get("/reports/annex/", {"year": 2016, "print": 1})
    assert page.status_code == 200
    [event] = exports()
    assert (event["format"], event["via"], event["rows"]) == ("print", "page", len(page.context["annex"].allegations))
    assert AuditEvent.objects.get(action="export").actor == analyst


def test_the_annex_shown_on_screen_is_not_an_export(client, analyst, fixture_data):
    client.force_login(analyst)
    client.get("/reports/annex/", {"year": 2016})
    assert exports() == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_an_api_export_is_audited(client, analyst, fixture_data, fmt):
    client.force_login(analyst)
    assert client.get("/api/v1/reports/annex/", {"year": 2016, "format": fmt}).status_code == 200
    assert [(e["format"], e["via"]) for e in exports()] == [(fmt, "api")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_command_line_export_is_audited(fixture_data, fmt, tmp_path):
    call_command("export_annex", year=2016, format=fmt, out=str(tmp_path / f"annex.{fmt}"))
    assert [(e["format"], e["via"]) for e in exports()] == [(fmt, "command line")]


def test_a_background_export_is_audited_when_built(client, analyst, fixture_data, settings, tmp_path,
                                                   django_capture_on_commit_callbacks):
    settings.SEA_EXPORT_BACKGROUND_ROWS = 0
    settings.SEA_EXPORT_DIR = tmp_path
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):  # the job is published once its row is committed
        client.get("/reports/annex/download/", {"year": 2016, "format": "xlsx"})
    assert [(e["format"], e["via"]) for e in exports()] == [("xlsx", "background")]
