"""An officer adds a child victim to an allegation, sees it become urgent, and reveals identity."""

import pytest
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from core.models import AuditEvent
from tests.browser.test_allegation_journey import shot
from tests.factories import AllegationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_adds_a_child_victim_and_reveals_identity_with_an_audit_trail(login, officer, car):
    assign_perm("victims.view_identity", officer)
    allegation = AllegationFactory(mission=car, reference="CAF-2016-0042")
    page = login(officer)
    page.goto(page.url.rstrip("/") + f"/allegations/{allegation.pk}/")
    page.get_by_role("link", name="Add a victim").click()
    page.get_by_role("textbox", name="Full name").fill("Browser Canary")
    page.get_by_role("combobox", name="Sex").select_option("female")
    page.get_by_role("spinbutton", name="Age at the incident (years)").fill("15")
    page.get_by_role("button", name="Add victim").click()

    expect(page.get_by_text("Victim V-2016-0001 added to CAF-2016-0042.")).to_be_visible()
    expect(page.get_by_text("Urgent: child victim")).to_be_visible()
    assert "Browser Canary" not in page.content()

    page.get_by_role("link", name="V-2016-0001").click()
    page.get_by_role("button", name="Reveal identity (recorded)").click()
    expect(page.get_by_text("Browser Canary")).to_be_visible()
    shot(page, "field-officer-victim-revealed")
    assert AuditEvent.objects.filter(action="identity_reveal", actor=officer).count() == 1
