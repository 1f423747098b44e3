"""A note verbale printed: one A4 page from the referral's page, nothing of the application around it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.site_pages import seed_site, sign_in
from tests.browser.test_allegation_journey import SHOTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_prints_a_sent_reminder_as_a_one_page_a4_note_verbale(live_server, chromium_available, page):
    site = seed_site()
    sign_in(page, live_server.url, "officer.car")
    page.goto(f"{live_server.url}/referrals/{site.referral_sent.pk}/")
    page.get_by_role("link", name="Note verbale").first.click()
    expect(page.get_by_role("heading", name="Note verbale")).to_be_visible()
    expect(page.get_by_text("assurances of its highest consideration")).to_be_visible()
    number = page.locator(".number").inner_text()
    assert number.startswith("Reference: SEA/NV/")
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        shot(page, f"field-officer-note-verbale-{width}")

    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the referral")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Georgia")
    shot(page, "field-officer-note-verbale-print")
    pdf = page.pdf(prefer_css_page_size=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "field-officer-note-verbale.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # one page
    assert re.search(rb"/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", pdf)  # A4: 595 x 842 points

    # The same number on a second view: it was given once.
    page.reload()
    assert page.locator(".number").inner_text() == number
