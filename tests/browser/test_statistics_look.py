"""/statistics/ as a reader sees it: signed out, at a phone's and a desktop's width, in English and
French, with JavaScript off, no accessibility violation, within the page-weight budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from reporting.models import StatisticsRelease
from tests.browser.site_pages import axe_available, axe_violations, seed_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
BUDGET = 150 * 1024  # uncompressed bytes of every response of a first load (the intake form's budget)


@pytest.fixture
def published(chromium_available):
    seed_site()  # the demo publishes each of its past years
    assert StatisticsRelease.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_statistics_read_well_without_javascript(browser, live_server, published, width, language):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())))
    page.goto(f"{live_server.url}/statistics/?lang={language}")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("table").first.is_visible()
    assert sum(sizes) < BUDGET, sizes
    assert not context.cookies()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"statistics-{language}-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_statistics_have_no_accessibility_violation_and_fit_a_phone(page, live_server, published, language):
    axe_available()
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(f"{live_server.url}/statistics/?lang={language}")
    assert axe_violations(page) == []
    assert not page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")
    other = {"en": "Français", "fr": "English"}[language]
    page.get_by_role("link", name=other).click()
    assert page.locator("html").get_attribute("lang") != language
