"""Draft, preview, approval by a colleague, the pending page, and the authority's answer."""

import pytest
from playwright.sync_api import expect

from referrals.models import Referral
from tests.browser.site_pages import axe_violations
from tests.browser.test_allegation_journey import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_refers_an_allegation_with_two_person_approval(login, live_server, browser, officer, chief, credible, france):
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/{credible.pk}/")
    page.get_by_role("link", name="Refer to the responsible authority").click()
    page.get_by_role("combobox", name="Send to").select_option(label="France (suggested)")
    page.get_by_role("button", name="Save draft and preview").click()
    expect(page.get_by_text("The notice, exactly as it will be sent")).to_be_visible()
    expect(page.get_by_text("A colleague with the approval right, other than the drafter")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and send")).to_have_count(0)
    shot(page, "field-officer-referral-draft")
    referral_url = page.url

    colleague = browser.new_context().new_page()
    colleague.goto(f"{live_server.url}/accounts/login/")
    colleague.fill("#id_username", chief.username)
    colleague.fill("#id_password", "correct horse battery")
    colleague.click("button[type=submit]")
    colleague.goto(referral_url)
    colleague.get_by_role("button", name="Approve and send").click()
    expect(colleague.get_by_text("Sent, in follow-up")).to_be_visible()

    colleague.get_by_role("link", name="Referrals", exact=True).click()
    expect(colleague.get_by_role("link", name=credible.reference)).to_be_visible()
    colleague.get_by_role("link", name=credible.reference).click()
    sent_on = Referral.objects.get().sent_on.isoformat()
    # An officer before an answer: refused, saying what comes first, with what was typed kept.
    colleague.get_by_text("Record a step").click()
    colleague.get_by_role("combobox", name="Step").select_option("officer_appointed")
    colleague.get_by_role("textbox", name="Date of the step").fill(sent_on)
    colleague.get_by_role("combobox", name="How the office learnt of it").select_option("note_verbale")
    colleague.get_by_role("textbox", name="Name and rank of the officer").fill("Lt-Col. Demo")
    colleague.get_by_role("button", name="Add to the ledger").click()
    expect(colleague.get_by_text("Record “Will investigate” first")).to_be_visible()
    expect(colleague.get_by_role("textbox", name="Name and rank of the officer")).to_have_value("Lt-Col. Demo")
    for kind, label in (("will_investigate", "Will investigate"), ("officer_appointed", "National investigation officer appointed")):
        if not colleague.get_by_role("combobox", name="Step").is_visible():
            colleague.get_by_text("Record a step").click()
        colleague.get_by_role("combobox", name="Step").select_option(kind)
        colleague.get_by_role("textbox", name="Date of the step").fill(sent_on)
        colleague.get_by_role("combobox", name="How the office learnt of it").select_option("note_verbale")
        colleague.get_by_role("textbox", name="Reference of the source").fill("NV 2026/114")
        if kind == "officer_appointed":
            colleague.get_by_role("textbox", name="Name and rank of the officer").fill("Lt-Col. Demo")
        colleague.get_by_role("button", name="Add to the ledger").click()
        expect(colleague.get_by_text(f"Recorded: {label}.", exact=True)).to_be_visible()
    ledger = colleague.locator(".ledger")
    expect(ledger).to_contain_text("Will investigate")
    expect(ledger).to_contain_text("Officer: Lt-Col. Demo")
    shot(colleague, "field-officer-referral-answered")
    # The source's number was wrong: corrected, the first entry kept, struck through.
    colleague.get_by_role("link", name="Correct Will investigate").click()
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("Correct “Will investigate”")
    colleague.set_viewport_size({"width": 360, "height": 800})
    assert axe_violations(colleague) == []
    shot(colleague, "field-officer-referral-correct-360")
    colleague.get_by_role("textbox", name="Reference of the source").fill("NV 2026/115")
    colleague.get_by_role("button", name="Save the correction").click()
    expect(colleague.get_by_text("Corrected. The ledger keeps the entry it replaces.")).to_be_visible()
    expect(colleague.locator(".ledger")).to_contain_text("Corrects 1 earlier entry")
    assert axe_violations(colleague) == []
    shot(colleague, "field-officer-referral-corrected-360")
    referral = Referral.objects.get()
    assert (referral.status, referral.response, referral.investigation_officer, referral.approved_by,
            referral.drafted_by) == ("sent", "will_investigate", "Lt-Col. Demo", chief, officer)
