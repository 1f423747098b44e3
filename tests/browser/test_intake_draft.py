"""The intake form keeps a local draft when the connection drops, and never keeps anything it must not."""

import json

import pytest
from django.db.models import F
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from allegations.models import Allegation
from tests.browser.intake import fill_intake, fill_perpetrator
from tests.factories import AllegationFactory, MemberStateFactory, PerpetratorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NARRATIVE = "Account given to the team at the site, in the presence of the interpreter."
SAFE_FIELDS = {  # the controls the server marks data-draft (plain); the narrative is only ever sealed
    "mission", "country", "location", "date_received", "incident_date", "source", "allegation_type", "subtype",
    "credibility", "paternity_claim", "narrative_confidential",
}
ROW_FIELDS = {"force", "unit", "nationality", "personnel_category", "sex", "identified", "interim_actions",
              "final_action_category", "final_action"}


def local_storage(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.entries(window.localStorage))")


def drafts(page) -> dict:
    return {k: json.loads(v) for k, v in local_storage(page).items() if k.startswith("sea-draft:")}


def wait_for_draft(page, text: str) -> None:
    """The script saves shortly after typing stops."""
    page.wait_for_function("t => Object.keys(localStorage).some(k => k.startsWith('sea-draft:') "
                           "&& localStorage.getItem(k).includes(t))", arg=text)


def fill_draft_intake(page, *, narrative=NARRATIVE):
    fill_intake(page, narrative=narrative, nationality=None)


def assert_only_safe_fields(page, csrf: str) -> None:
    stored = json.dumps(local_storage(page))
    assert NARRATIVE not in stored and "interpreter" not in stored
    assert csrf not in stored
    for draft in drafts(page).values():
        for name in draft["fields"]:
            assert name in SAFE_FIELDS or (name.startswith("perpetrators-") and name.split("-", 2)[2] in ROW_FIELDS), name


def test_it_offers_the_draft_back_after_a_dropped_connection_and_forgets_it_once_saved(
        login, live_server, officer, car, sangaris):
    MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    MemberStateFactory(iso3="TCD", iso2="TD", name="Chad")
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/new/")
    expect(page.locator("[data-draft-banner]")).to_be_hidden()
    fill_draft_intake(page)
    # A second person: the no-JavaScript button (a round trip while still online).
    page.get_by_role("button", name="Add another person").click()
    fill_perpetrator(page, 1, nationality="Chad")
    page.locator("#id_perpetrators-1-unit").fill("Battalion 7")
    wait_for_draft(page, "Battalion 7")
    csrf = page.locator("form.intake input[name=csrfmiddlewaretoken]").input_value()
    assert_only_safe_fields(page, csrf)
    (draft,) = drafts(page).values()
    assert draft["sealed"]["data"] and draft["rows"] == 2 and not draft["unsealed"]

    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="Record allegation").click()
        page.wait_for_url("chrome-error://**", timeout=5000)
    except PlaywrightError:
        pass  # the browser shows its own "no connection" page either way
    page.context.set_offline(False)
    assert not Allegation.objects.exists()

    page.goto(f"{live_server.url}/allegations/new/")
    banner = page.locator("[data-draft-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("A draft from")
    expect(banner).to_contain_text("was kept on this device")
    expect(page.locator("#id_perpetrators-1-force")).to_have_count(0)  # a fresh form has one row
    banner.get_by_role("button", name="Restore").click()
    expect(banner).to_be_hidden()
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("Dekoa, Kemo")
    expect(page.get_by_label("Narrative", exact=True)).to_have_value(NARRATIVE)
    expect(page.get_by_role("combobox", name="Subtype", exact=True)).to_have_value("sexual_assault")
    expect(page.locator("#id_perpetrators-1-unit")).to_have_value("Battalion 7")
    expect(page.locator("#id_perpetrators-1-nationality option:checked")).to_have_text("Chad")
    assert_only_safe_fields(page, csrf)

    page.get_by_role("button", name="Record allegation").click()
    expect(page.get_by_text("Allegation CAF-2016-0001 recorded.")).to_be_visible()
    allegation = Allegation.objects.get()
    assert allegation.narrative == NARRATIVE
    assert sorted(p.unit for p in allegation.perpetrators.all()) == ["", "Battalion 7"]
    assert drafts(page) == {}
    page.goto(f"{live_server.url}/allegations/new/")
    expect(page.locator("[data-draft-banner]")).to_be_hidden()


def test_it_discards_a_draft_on_request_and_on_sign_out(login, live_server, officer, car, sangaris):
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_label("Location (region / prefecture)").fill("Bossangoa")
    wait_for_draft(page, "Bossangoa")
    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("[data-draft-banner]")).to_be_hidden()
    assert drafts(page) == {}

    page.get_by_label("Location (region / prefecture)").fill("Bambari")
    wait_for_draft(page, "Bambari")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    assert drafts(page) == {}


def test_it_keeps_no_narrative_where_web_crypto_is_unavailable(login, live_server, officer, car, sangaris):
    page = login(officer)
    # As on a plain-http address: no secure context, so no Web Crypto.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false});")
    page.goto(f"{live_server.url}/allegations/new/")
    fill_draft_intake(page)
    page.get_by_label("Location (region / prefecture)").fill("Kaga-Bandoro")
    wait_for_draft(page, "Kaga-Bandoro")
    (draft,) = drafts(page).values()
    assert draft["sealed"] is None and draft["unsealed"] is True
    assert NARRATIVE not in json.dumps(local_storage(page))

    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("Kaga-Bandoro")
    expect(page.get_by_label("Narrative", exact=True)).to_have_value("")
    expect(page.get_by_text("The narrative was not kept on this device")).to_be_visible()


def test_it_cannot_open_another_users_sealed_narrative(login, live_server, officer, teammate, car, sangaris):
    """A draft copied under another user's storage name does not decrypt: the key is per user."""
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/new/")
    fill_draft_intake(page)
    wait_for_draft(page, "Dekoa")
    (stolen,) = drafts(page).values()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    login(teammate)
    page.goto(f"{live_server.url}/allegations/new/")
    storage_name = "sea-draft:" + page.locator("form.intake").get_attribute("data-draft-id")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [storage_name, json.dumps(stolen)])
    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("Dekoa, Kemo")  # plain fields
    expect(page.get_by_label("Narrative", exact=True)).to_have_value("")
    expect(page.get_by_text("The narrative was not kept on this device")).to_be_visible()


def test_it_restores_an_edit_draft_against_the_version_it_was_typed_on(login, live_server, officer, car, sangaris):
    allegation = AllegationFactory(mission=car, location="Bria")
    PerpetratorFactory(allegation=allegation, force=sangaris)
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/{allegation.pk}/edit/")
    page.get_by_label("Location (region / prefecture)").fill("Bria, Haute-Kotto")
    wait_for_draft(page, "Haute-Kotto")
    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_url("chrome-error://**", timeout=5000)
    except PlaywrightError:
        pass
    page.context.set_offline(False)
    Allegation.objects.filter(pk=allegation.pk).update(version=F("version") + 1)  # a colleague saved meanwhile

    page.goto(f"{live_server.url}/allegations/new/")
    expect(page.locator("[data-draft-banner]")).to_be_hidden()  # another form, another draft
    page.goto(f"{live_server.url}/allegations/{allegation.pk}/edit/")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("Bria, Haute-Kotto")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes were NOT saved")).to_be_visible()  # 409, nothing overwritten
    allegation.refresh_from_db()
    assert allegation.location == "Bria"
