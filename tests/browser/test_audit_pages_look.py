"""The audit log filtered by a victim, and the victim page's "who saw or shared this identity", at a
phone's and a desktop's width: nothing wider than the screen, and screenshots to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.site_pages import seed_site, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def overflows(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_audit_pages_fit_the_screen(page, live_server, chromium_available, width):
    site = seed_site()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "advocate.car")
    page.goto(f"{live_server.url}/victims/{site.victim.pk}/")
    page.get_by_role("button", name="Reveal identity (recorded)").click()
    page.wait_for_load_state()
    section = page.locator("section[aria-labelledby=h-identity-access]")
    assert section.get_by_role("cell", name="advocate.car").first.is_visible()
    assert not overflows(page)
    section.screenshot(path=str(SHOTS / f"identity-access-{width}.png"))
    page.context.clear_cookies()
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/audit/?victim={site.victim.code}")
    assert page.locator("tbody").get_by_text("Identity viewed").first.is_visible()
    assert not overflows(page)
    page.screenshot(path=str(SHOTS / f"audit-victim-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/audit/?allegation=NOPE-2016-0001")
    assert page.get_by_text("No allegation has this reference.").first.is_visible()
    page.screenshot(path=str(SHOTS / f"audit-unknown-{width}.png"), full_page=False)
