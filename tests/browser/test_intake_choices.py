"""The intake offers only the subtypes of the chosen type and the forces of the chosen operation, with
JavaScript (filtered in the page) and without (a button brings the lists up to date); one submit shows every
error, summarised at the top with links that land on the fields."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from allegations.models import Allegation
from core.roles import FIELD_OFFICER
from tests.browser.intake import fill_intake
from tests.factories import MemberStateFactory, make_user

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_operations(car, somalia, sangaris, amisom):
    """An officer of the Central African Republic and of Somalia, each with its own force."""
    MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    return make_user("two.operations", FIELD_OFFICER, change=[car, somalia])


def expect_options(page, selector: str, labels: list[str]) -> None:
    """Retried until it holds: after a round trip the new page may still be loading."""
    expect(page.locator(f"{selector} option")).to_have_text(labels)


def test_it_filters_subtypes_by_type_and_forces_by_operation_in_the_page(login, live_server, two_operations):
    page = login(two_operations)
    page.goto(f"{live_server.url}/allegations/new/")
    expect(page.locator("[data-filter-update]")).to_have_count(0)  # the no-JavaScript buttons are not needed
    force, subtype = "#id_perpetrators-0-force", "#id_subtype"
    expect_options(page, force, ["---------", "Sangaris"])  # the operation shown selected

    page.get_by_role("combobox", name="Operation").select_option(label="Somalia")
    expect_options(page, force, ["---------", "AMISOM"])
    page.get_by_role("button", name="Add another person").click()  # a round trip keeps the operation's forces
    expect_options(page, "#id_perpetrators-1-force", ["---------", "AMISOM"])
    page.get_by_role("combobox", name="Operation").select_option(label="Central African Republic")
    for row in (force, "#id_perpetrators-1-force"):
        expect_options(page, row, ["---------", "Sangaris"])

    kind = page.get_by_role("combobox", name="Type", exact=True)
    expect(page.locator(f"{subtype} optgroup")).to_have_count(2)  # nothing chosen: every subtype, by type
    kind.select_option("SA")
    expect_options(page, subtype, ["---------", "Rape", "Sexual assault", "Other"])
    page.locator(subtype).select_option("rape")
    kind.select_option("SE")
    expect_options(page, subtype, ["---------", "Transactional sex", "Solicitation of transactional sex",
                                            "Exploitative relationship", "Other"])
    expect(page.locator(subtype)).to_have_value("")  # "Rape" is not a kind of exploitation: no longer picked
    page.locator(subtype).select_option("other")
    kind.select_option("SA")
    expect(page.locator(subtype)).to_have_value("other")  # still on offer: still picked


def test_it_summarises_every_error_and_its_links_move_focus_to_the_field(login, live_server, two_operations):
    page = login(two_operations)
    page.goto(f"{live_server.url}/allegations/new/")
    fill_intake(page)
    page.get_by_role("textbox", name="Date received", exact=True).fill("")
    page.get_by_role("combobox", name="Source", exact=True).select_option("")
    page.locator("#id_perpetrators-0-force").select_option("")  # a person without a force
    page.get_by_role("button", name="Add another person").click()
    page.locator("#id_perpetrators-1-unit").fill("Battalion 7")  # and another
    page.get_by_role("button", name="Record allegation").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text([
        "Date received: This field is required.",
        "Source: This field is required.",
        "Person 1 · Force: Choose the force this person belongs to.",
        "Person 2 · Force: Choose the force this person belongs to.",
        "Person 2 · Category of personnel: This field is required.",
    ])
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, name in [(360, "intake-errors-360.png"), (1280, "intake-errors-desktop.png")]:
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / name), full_page=True)

    page.set_viewport_size({"width": 360, "height": 640})
    for text, target, label in [("Person 2 · Force", "id_perpetrators-1-force", "label[for='id_perpetrators-1-force']"),
                                ("Date received", "id_date_received", "label[for='id_date_received']")]:
        page.evaluate("() => window.scrollTo(0, 0)")
        summary.get_by_role("link", name=text).click()
        expect(page.locator(f"#{target}")).to_be_focused()
        expect(page.locator(label)).to_be_in_viewport()  # the officer sees which field it is
    assert not Allegation.objects.exists()


def test_it_updates_the_lists_and_summary_links_reach_the_fields_without_javascript(
        browser, live_server, chromium_available, two_operations):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", two_operations.username)
        page.fill("#id_password", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/allegations/new/")
        expect(page.locator("#id_subtype optgroup")).to_have_count(2)  # readable before a type is chosen
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "intake-no-javascript-360.png"), full_page=True)
        page.get_by_role("combobox", name="Operation").select_option(label="Somalia")
        page.get_by_role("button", name="Show the forces of this operation").click()
        expect(page.locator("[data-error-summary]")).to_have_count(0)  # nothing typed yet is flagged
        expect_options(page, "#id_perpetrators-0-force", ["---------", "AMISOM"])
        page.get_by_role("combobox", name="Type", exact=True).select_option("SA")
        page.get_by_role("button", name="Show the subtypes of this type").click()
        expect_options(page, "#id_subtype", ["---------", "Rape", "Sexual assault", "Other"])

        page.get_by_role("combobox", name="Subtype", exact=True).select_option("sexual_assault")
        page.locator("#id_perpetrators-0-force").select_option(label="AMISOM")
        page.locator("#id_perpetrators-0-personnel_category").select_option("military_contingent")
        page.get_by_role("button", name="Record allegation").click()  # no date received, no source
        summary = page.locator("[data-error-summary]")
        expect(summary.get_by_role("link")).to_have_text(["Date received: This field is required.",
                                                          "Source: This field is required."])
        summary.get_by_role("link", name="Source").click()
        expect(page.get_by_role("combobox", name="Source", exact=True)).to_be_focused()

        fill_intake(page, location="Baidoa", force="AMISOM", nationality="France")
        page.get_by_role("button", name="Record allegation").click()
        expect(page.get_by_text("Allegation SOM-2016-0001 recorded.")).to_be_visible()
        assert Allegation.objects.get().perpetrators.get().force.name == "AMISOM"
    finally:
        context.close()
