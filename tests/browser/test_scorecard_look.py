"""The accountability scorecard at a phone's and a desktop's width: the page itself never wider than
the screen (the table scrolls in its own frame), and screenshots to look at; a number opens the
referrals it counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.site_pages import axe_available, axe_violations, seed_site, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_scorecard_fits_the_screen(page, live_server, chromium_available, width):
    seed_site()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "analyst.hq")
    page.goto(f"{live_server.url}/referrals/")
    page.get_by_role("link", name="Accountability scorecard").click()
    page.wait_for_load_state()
    assert page.get_by_role("table").first.is_visible()
    assert not page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")
    page.screenshot(path=str(SHOTS / f"scorecard-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_share_opens_the_referrals_it_counts(page, live_server, chromium_available, width):
    axe_available()
    seed_site()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "analyst.hq")
    page.goto(f"{live_server.url}/referrals/scorecard/?year=all")
    share = page.get_by_role("link", name=re.compile(r"^[1-9]\d* % \([1-9]\d* of \d+\): Referrals sent to .* answered within"))
    share.first.click()
    page.wait_for_load_state()
    assert re.match(r"Referrals sent to .+ in all years and answered within \d+ working days",
                    page.get_by_role("heading", level=1).inner_text())
    assert page.get_by_role("table").is_visible()
    assert axe_violations(page) == []
    assert not page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")
    page.screenshot(path=str(SHOTS / f"scorecard-referrals-{width}.png"), full_page=True)
