"""Headquarters opens the dashboard, picks 2016 and downloads the annex; a field officer cannot get there."""

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.test_allegation_journey import SHOTS, shot
from tests.reporting.annex_fixture import build_annex_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hq_downloads_the_2016_annex_and_a_field_officer_cannot_reach_it(login, live_server, browser, analyst, officer):
    build_annex_fixture()
    page = login(analyst)
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("spinbutton", name="Year received").fill("2016")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("28 allegations received in 2016")).to_be_visible()
    shot(page, "hq-dashboard-2016")
    page.get_by_role("link", name="Annex tables and exports").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    saved = SHOTS.parent / "annex-2016.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "annex-2016.xlsx"
    assert openpyxl.load_workbook(saved)["Summary"]["C5"].value == 28

    other = browser.new_context().new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.fill("#id_username", officer.username)
    other.fill("#id_password", "correct horse battery")
    other.click("button[type=submit]")
    expect(other.get_by_role("link", name="Reports", exact=True)).to_have_count(0)
    response = other.goto(f"{live_server.url}/reports/?year=2016")
    assert response.status == 404
