"""With JavaScript switched off, a field officer records an allegation end to end and uses the main pages."""

import pytest
from playwright.sync_api import expect

from allegations.models import Allegation
from tests.browser.intake import fill_intake
from tests.factories import MemberStateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser, live_server, chromium_available):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_it_records_an_allegation_and_uses_the_main_pages_without_javascript(
        no_js_page, live_server, officer, car, sangaris):
    page = no_js_page
    MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    MemberStateFactory(iso3="TCD", iso2="TD", name="Chad")
    sign_in(page, live_server, officer)
    assert page.evaluate("() => document.querySelector('script[src*=intake-draft]') !== null")  # loaded, not run
    page.get_by_role("link", name="Record an allegation").first.click()

    expect(page.locator("fieldset.perpetrator")).to_have_count(1)
    expect(page.locator("[data-draft-banner]")).to_be_hidden()
    fill_intake(page, location="Sibut, Kemo", incident="2016-03-14", source="witness", kind="SE",
                subtype="transactional_sex", narrative="Reported by a witness at the market.")
    page.wait_for_timeout(800)  # the draft script would have saved by now, were it running
    assert page.evaluate("() => window.localStorage.length") == 0
    page.get_by_role("button", name="Add another person").click()  # a plain submit: the server adds the row

    expect(page.locator("fieldset.perpetrator")).to_have_count(2)
    expect(page.get_by_label("Narrative", exact=True)).to_have_value("Reported by a witness at the market.")
    expect(page.locator("#id_perpetrators-0-nationality option:checked")).to_have_text("France")
    page.locator("#id_perpetrators-1-force").select_option(label="Sangaris")
    page.locator("#id_perpetrators-1-nationality").select_option(label="Chad")
    page.locator("#id_perpetrators-1-personnel_category").select_option("police")
    page.get_by_role("button", name="Record allegation").click()

    expect(page.get_by_text("Allegation CAF-2016-0001 recorded.")).to_be_visible()
    allegation = Allegation.objects.get()
    assert allegation.narrative == "Reported by a witness at the market."
    assert sorted(p.nationality.name for p in allegation.perpetrators.all()) == ["Chad", "France"]

    # Status change: a form button.
    page.get_by_role("button", name="Under investigation").click()
    expect(page.get_by_text("Status is now “Under investigation”.")).to_be_visible()

    # List with a filter (GET form) and back to the record.
    page.get_by_role("link", name="Allegations", exact=True).click()
    page.get_by_label("Search reference or location").fill("Sibut")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="CAF-2016-0001").click()
    expect(page.locator("h1")).to_contain_text("CAF-2016-0001")

    # Every page of the menu renders with a heading.
    for name in ["Home", "Victims", "Referrals", "Caseload"]:
        link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)
        link.click()
        expect(page.locator("h1")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_it_records_an_allegation_with_a_child_victim_in_four_page_loads(no_js_page, live_server, officer, car,
                                                                          sangaris):
    from victims.models import Victim

    page = no_js_page
    MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    sign_in(page, live_server, officer)
    loads = [page.url]  # the home page is the first
    page.on("load", lambda: loads.append(page.url))
    page.get_by_role("link", name="Record an allegation").first.click()
    fill_intake(page, location="Sibut, Kemo", incident="2016-03-14", source="victim", kind="SA",
                subtype="sexual_assault", narrative="Account given at the site.")
    page.get_by_role("button", name="Record and add a victim").click()
    page.get_by_role("textbox", name="Full name").fill("Browser Canary")
    page.get_by_role("combobox", name="Sex").select_option("female")
    page.get_by_role("spinbutton", name="Age at the incident (years)").fill("15")
    page.get_by_role("button", name="Add victim").click()
    page.wait_for_load_state()

    allegation = Allegation.objects.get()
    victim = Victim.objects.get()
    assert allegation.perpetrators.count() == 1 and allegation.children_involved
    assert victim.is_child and page.url.endswith(f"/allegations/{allegation.pk}/")
    expect(page.get_by_role("link", name=victim.code)).to_be_visible()
    assert len(loads) <= 4, loads
