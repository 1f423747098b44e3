"""An advocate records a medical need, refers it, marks it provided, and sees the caseload change."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_allegation_journey import shot
from tests.factories import AllegationFactory, make_provider, make_victim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_medical_need_from_identified_to_provided(login, live_server, officer, advocate, car):
    make_provider(car, "Community hospital", ["medical"])
    victim = make_victim(officer, AllegationFactory(mission=car), age_at_incident=24)
    page = login(advocate)

    page.get_by_role("link", name="Caseload").click()
    expect(page.locator('[data-count="not_referred"]')).to_have_text("0")
    expect(page.locator('[data-count="provided"]')).to_have_text("0")

    page.goto(f"{live_server.url}/victims/{victim.pk}/")
    page.get_by_text("Record an assistance need").click()
    page.get_by_role("combobox", name="Assistance needed").select_option("medical")
    page.get_by_role("button", name="Record need").click()
    expect(page.get_by_text(f"Assistance need recorded for {victim.code}.")).to_be_visible()

    page.get_by_role("link", name="Caseload").click()
    expect(page.locator('[data-count="not_referred"]')).to_have_text("1")

    page.get_by_role("link", name="Medical care").first.click()
    page.get_by_role("combobox", name="Refer to").select_option(label="Community hospital")
    page.get_by_role("button", name="Refer to provider").click()
    expect(page.get_by_text("Assistance is now “Referred”.")).to_be_visible()
    page.get_by_role("button", name="Mark provided").click()
    expect(page.get_by_text("Assistance is now “Provided”.")).to_be_visible()
    shot(page, "advocate-need-provided")

    page.get_by_role("link", name="Caseload").click()
    expect(page.locator('[data-count="not_referred"]')).to_have_text("0")
    expect(page.locator('[data-count="provided"]')).to_have_text("1")
    shot(page, "advocate-caseload")
