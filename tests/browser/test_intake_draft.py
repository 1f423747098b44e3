"""The intake form keeps a local draft when the connection drops, and never keeps anything it must not."""

import base64
import json
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db.models import F
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from allegations.models import Allegation
from accounts.drafts import draft_key
from tests.browser.intake import fill_intake, fill_perpetrator
from tests.factories import AllegationFactory, MemberStateFactory, PerpetratorFactory

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NARRATIVE = "Account given to the team at the site, in the presence of the interpreter."
CLEAR = {"v", "savedAt", "rows", "box"}  # all a kept draft shows without the user's key
SAFE_FIELDS = {  # the controls the server marks data-draft: all of them are kept sealed, none in clear
    "mission", "country", "location", "date_received", "incident_date", "source", "allegation_type", "subtype",
    "credibility", "paternity_claim", "narrative", "narrative_confidential",
}
ROW_FIELDS = {"force", "unit", "nationality", "personnel_category", "sex", "identified", "interim_actions",
              "final_action_category", "final_action"}


def local_storage(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.entries(window.localStorage))")


def drafts(page) -> dict:
    return {k: json.loads(v) for k, v in local_storage(page).items() if k.startswith("sea-draft:")}


def opened(page, user) -> dict:
    """The kept drafts this user's key opens (as the script does, with the storage name as associated data)."""
    key = AESGCM(base64.b64decode(draft_key(user)))
    result = {}
    for name, draft in drafts(page).items():
        box = draft["box"]
        plain = key.decrypt(base64.b64decode(box["iv"]), base64.b64decode(box["data"]), name.encode())
        result[name] = json.loads(plain)
    return result


def wait_for_draft(page, user, text: str) -> None:
    """The script seals and saves shortly after typing stops."""
    deadline = time.monotonic() + 10
    while text not in json.dumps(opened(page, user), ensure_ascii=False):
        assert time.monotonic() < deadline, f"no kept draft with {text!r}"
        page.wait_for_timeout(100)


def fill_draft_intake(page, *, narrative=NARRATIVE):
    fill_intake(page, narrative=narrative, nationality=None)


def assert_nothing_in_clear(page, user, csrf: str, typed=("Dekoa, Kemo", "Dekoa", "Battalion 7")) -> None:
    stored = json.dumps(local_storage(page), ensure_ascii=False)
    for value in (NARRATIVE, "interpreter", csrf, "sexual_assault", *typed):
        assert value not in stored, value
    for draft in drafts(page).values():
        assert set(draft) == CLEAR, set(draft)
    for draft in opened(page, user).values():
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
    wait_for_draft(page, officer, "Battalion 7")
    csrf = page.locator("form.intake input[name=csrfmiddlewaretoken]").input_value()
    assert_nothing_in_clear(page, officer, csrf)
    (draft,) = drafts(page).values()
    assert draft["box"]["data"] and draft["rows"] == 2
    (values,) = opened(page, officer).values()
    assert values["fields"]["narrative"] == NARRATIVE and values["fields"]["location"] == "Dekoa, Kemo"

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
    expect(page.locator("[data-draft-status]")).to_contain_text("was kept on this device")  # the live region
    expect(page.locator("#id_perpetrators-1-force")).to_have_count(0)  # a fresh form has one row
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "field-officer-draft-offered.png"))
    banner.get_by_role("button", name="Restore").click()
    expect(banner).to_be_hidden()
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("Dekoa, Kemo")
    expect(page.get_by_label("Narrative", exact=True)).to_have_value(NARRATIVE)
    expect(page.get_by_role("combobox", name="Subtype", exact=True)).to_have_value("sexual_assault")
    expect(page.locator("#id_perpetrators-1-unit")).to_have_value("Battalion 7")
    expect(page.locator("#id_perpetrators-1-nationality option:checked")).to_have_text("Chad")
    assert_nothing_in_clear(page, officer, csrf)

    page.get_by_role("button", name="Record allegation").click()
    expect(page.get_by_text("Allegation CAF-2016-0001 recorded.")).to_be_visible()
    allegation = Allegation.objects.get()
    assert allegation.narrative == NARRATIVE
    assert sorted(p.unit for p in allegation.perpetrators.all()) == ["", "Battalion 7"]
    assert drafts(page) == {}
    page.goto(f"{live_server.url}/allegations/new/")
    expect(page.locator("[data-draft-banner]")).to_be_hidden()


def test_a_kept_draft_survives_recording_another_allegation_while_it_is_on_offer(
        login, live_server, officer, car, sangaris):
    """Only the tab that wrote or restored a draft drops it after a successful save."""
    MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_label("Location (region / prefecture)").fill("Bossangoa")
    wait_for_draft(page, officer, "Bossangoa")
    page.close()  # e.g. the browser was closed before the officer could send it

    page = page.context.new_page()
    page.goto(f"{live_server.url}/allegations/new/")
    banner = page.locator("[data-draft-banner]")
    expect(banner).to_be_visible()  # on offer; the officer ignores it and records another allegation
    fill_intake(page, location="Bambari")
    page.get_by_role("button", name="Record allegation").click()
    expect(page.get_by_text("Allegation CAF-2016-0001 recorded.")).to_be_visible()
    assert Allegation.objects.get().location == "Bambari"
    assert len(drafts(page)) == 1  # not deleted: nobody chose to

    page.goto(f"{live_server.url}/allegations/new/")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("Bossangoa")


def test_it_discards_a_draft_on_request_and_on_sign_out(login, live_server, officer, car, sangaris):
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_label("Location (region / prefecture)").fill("Bossangoa")
    wait_for_draft(page, officer, "Bossangoa")
    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("[data-draft-banner]")).to_be_hidden()
    assert drafts(page) == {}

    page.get_by_label("Location (region / prefecture)").fill("Bambari")
    wait_for_draft(page, officer, "Bambari")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    assert drafts(page) == {}


def test_it_purges_expired_and_old_format_drafts_on_any_page(login, live_server, officer, car, sangaris):
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/new/")
    page.get_by_label("Location (region / prefecture)").fill("Bossangoa")
    wait_for_draft(page, officer, "Bossangoa")
    (fresh,) = drafts(page)
    box = {"iv": "AAAAAAAAAAAAAAAA", "data": "AAAAAAAAAAAAAAAAAAAAAAAA"}
    page.evaluate("""box => {
        const day = 24 * 3600 * 1000;
        localStorage.setItem("sea-draft:expired", JSON.stringify(
            {v: 2, savedAt: new Date(Date.now() - 15 * day).toISOString(), rows: 1, box}));
        localStorage.setItem("sea-draft:recent", JSON.stringify(
            {v: 2, savedAt: new Date(Date.now() - 13 * day).toISOString(), rows: 1, box}));
        localStorage.setItem("sea-draft:old-format", JSON.stringify(
            {v: 1, savedAt: new Date().toISOString(), fields: {location: "in clear"}}));
        localStorage.setItem("sea-draft:garbage", "{");
    }""", box)
    page.goto(f"{live_server.url}/allegations/")  # not the form: another user's or form's drafts go too
    assert set(drafts(page)) == {fresh, "sea-draft:recent"}


def test_it_keeps_nothing_where_web_crypto_is_unavailable(login, live_server, officer, car, sangaris):
    page = login(officer)
    # As on a plain-http address: no secure context, so no Web Crypto.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false});")
    page.goto(f"{live_server.url}/allegations/new/")
    fill_draft_intake(page)
    page.get_by_label("Location (region / prefecture)").fill("Kaga-Bandoro")
    page.wait_for_timeout(1500)  # well past the script's save delay
    assert drafts(page) == {}
    stored = json.dumps(local_storage(page))
    assert "Kaga-Bandoro" not in stored and NARRATIVE not in stored

    page.goto(f"{live_server.url}/allegations/new/")
    expect(page.locator("[data-draft-banner]")).to_be_hidden()
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("")


def test_it_cannot_open_another_users_draft(login, live_server, officer, teammate, car, sangaris):
    """A draft copied under another user's storage name does not decrypt: the key is per user, and says so."""
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/new/")
    fill_draft_intake(page)
    wait_for_draft(page, officer, "Dekoa")
    (stolen,) = drafts(page).values()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    login(teammate)
    page.goto(f"{live_server.url}/allegations/new/")
    storage_name = "sea-draft:" + page.locator("form.intake").get_attribute("data-draft-id")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [storage_name, json.dumps(stolen)])
    page.goto(f"{live_server.url}/allegations/new/")
    banner = page.locator("[data-draft-banner]")
    expect(banner).to_contain_text("This draft can no longer be opened on this device")
    expect(banner).not_to_contain_text("was kept on this device")
    expect(banner.get_by_role("button", name="Restore")).to_be_hidden()
    expect(page.locator("[data-draft-status]")).to_contain_text("can no longer be opened")
    expect(page.get_by_label("Location (region / prefecture)")).to_have_value("")
    expect(page.get_by_label("Narrative", exact=True)).to_have_value("")
    banner.get_by_role("button", name="Discard").click()
    expect(banner).to_be_hidden()
    assert drafts(page) == {}


def test_it_restores_an_edit_draft_against_the_version_it_was_typed_on(login, live_server, officer, car, sangaris):
    allegation = AllegationFactory(mission=car, location="Bria")
    PerpetratorFactory(allegation=allegation, force=sangaris)
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/{allegation.pk}/edit/")
    page.get_by_label("Location (region / prefecture)").fill("Bria, Haute-Kotto")
    wait_for_draft(page, officer, "Haute-Kotto")
    assert "Haute-Kotto" not in json.dumps(local_storage(page))
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
