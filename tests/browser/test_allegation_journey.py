"""A field officer records an allegation with two perpetrators, finds it, and moves it on."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from allegations.models import Allegation
from tests.browser.intake import fill_intake, fill_perpetrator
from tests.factories import MemberStateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_it_records_finds_and_moves_an_allegation(login, live_server, officer, car, sangaris):
    MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    MemberStateFactory(iso3="TCD", iso2="TD", name="Chad")
    page = login(officer)
    page.get_by_role("link", name="Record an allegation").first.click()

    fill_intake(page)
    # The form opens with one row; the second comes from the server, typed values kept.
    page.get_by_role("button", name="Add another person").click()
    fill_perpetrator(page, 1, nationality="Chad")
    shot(page, "field-officer-intake")
    page.get_by_role("button", name="Record allegation").click()

    expect(page.get_by_text("Allegation CAF-2016-0001 recorded.")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(2)

    page.get_by_role("link", name="Allegations", exact=True).click()
    page.get_by_label("Search reference or location").fill("Dekoa")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="CAF-2016-0001").click()

    page.get_by_role("button", name="Under investigation").click()
    expect(page.get_by_text("Status is now “Under investigation”.")).to_be_visible()
    expect(page.locator(".lead .status")).to_have_text("Under investigation")
    shot(page, "field-officer-detail")
    assert re.search(r"/allegations/[0-9a-f-]{36}/$", page.url)
    allegation = Allegation.objects.get()
    assert allegation.status == "under_investigation"
    assert allegation.perpetrators.count() == 2
