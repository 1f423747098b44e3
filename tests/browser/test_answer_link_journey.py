"""The focal point's journey: the link from the notice's e-mail, a code from a second e-mail, the answer
into the ledger; then the office sees it on the referral. With axe at each step, screenshots at desktop
width and at 360 px, and the same journey with JavaScript switched off."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from referrals.models import Referral
from referrals.services import referral_draft
from tests.browser.site_pages import axe_available, axe_violations, format_violations
from tests.browser.test_allegation_journey import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"http://[^\s\"<]+(/answer/[A-Za-z0-9_-]+/)")
CODE = re.compile(r"code is (\d{6})")
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 360, "height": 800}


@pytest.fixture
def link_path(officer, chief, credible, france, approve):
    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    return LINK.search(mail.outbox[-1].body).group(1)


def look(page, name: str, *, axe: bool) -> None:
    """Screenshots at both widths; axe finds nothing (where scripts run)."""
    if axe:
        violations = axe_violations(page)
        assert not violations, format_violations({name: violations})
    shot(page, name)
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"
    shot(page, f"{name}-360")
    page.set_viewport_size(DESKTOP)


def focal_point_name() -> str:
    from core.models import FocalPoint

    return FocalPoint.objects.get(email="sea-focal@defense.example.fr").name


def focal_point_answers(page, live_server, link_path: str, *, axe: bool, prefix: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{link_path}")
    expect(page.get_by_text("s***@defense.example.fr")).to_be_visible()
    sent_before = len(mail.outbox)
    look(page, f"{prefix}-link", axe=axe)

    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("A code was sent.")).to_be_visible()
    assert len(mail.outbox) == sent_before + 1
    look(page, f"{prefix}-code", axe=axe)
    page.get_by_label("One-time code").fill(CODE.search(mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Open").click()

    expect(page.get_by_role("heading", name="The notice as sent")).to_be_visible()
    hrefs = page.evaluate("() => [...document.links].map(a => a.getAttribute('href'))")
    assert "#main" in hrefs and not [h for h in hrefs if h.startswith(("/", "http"))]  # nothing into the application
    look(page, f"{prefix}-answer", axe=axe)
    page.get_by_role("button", name="Record this step").click()  # nothing chosen: every reason at once
    expect(page.get_by_text("There is a problem")).to_be_visible()
    look(page, f"{prefix}-answer-errors", axe=axe)

    page.get_by_label("Step", exact=True).select_option("will_investigate")
    page.get_by_label("Date of the step").fill(Referral.objects.get().sent_on.isoformat())
    page.get_by_role("button", name="Record this step").click()
    expect(page.get_by_text("Recorded: Will investigate.")).to_be_visible()
    expect(page.locator(".ledger")).to_contain_text("Will investigate")
    expect(page.locator(".ledger")).to_contain_text(f"{focal_point_name()} (focal point)")
    look(page, f"{prefix}-answered", axe=axe)


def office_sees_it(page, live_server, officer, *, axe: bool, prefix: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/referrals/{Referral.objects.get().pk}/")
    ledger = page.locator(".ledger")
    expect(ledger).to_contain_text("Will investigate")
    expect(ledger).to_contain_text(f"recorded by {focal_point_name()} (focal point)")
    expect(ledger.get_by_role("link", name="Correct")).to_be_visible()
    look(page, f"{prefix}-office-sees-it", axe=axe)


def test_the_focal_point_answers_through_the_link_and_the_office_sees_it(browser, live_server, chromium_available,
                                                                         link_path, officer):
    axe_available()
    focal = browser.new_context()
    focal_point_answers(focal.new_page(), live_server, link_path, axe=True, prefix="focal-point")
    focal.close()
    office = browser.new_context()
    office_sees_it(office.new_page(), live_server, officer, axe=True, prefix="focal-point")
    office.close()
    assert Referral.objects.get().response == "will_investigate"


def test_the_same_journey_works_without_javascript(browser, live_server, chromium_available, link_path, officer):
    focal = browser.new_context(java_script_enabled=False)
    focal_point_answers(focal.new_page(), live_server, link_path, axe=False, prefix="focal-point-nojs")
    focal.close()
    office = browser.new_context(java_script_enabled=False)
    office_sees_it(office.new_page(), live_server, officer, axe=False, prefix="focal-point-nojs")
    office.close()
    assert Referral.objects.get().response == "will_investigate"
