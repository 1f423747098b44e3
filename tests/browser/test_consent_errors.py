"""A bad consent submit answers at the consent section: the error summary is on screen, not 1,900 px below."""

from __future__ import annotations

import pytest

from tests.factories import AllegationFactory, make_victim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_it_shows_the_consent_error_summary_in_the_viewport_after_a_bad_submit(
        login, live_server, officer, car, width, tmp_path):
    child = make_victim(officer, AllegationFactory(mission=car), age_at_incident=15)
    page = login(officer)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/victims/{child.pk}/")
    page.locator("#consent summary").click()
    form = page.locator("section#consent form")
    form.get_by_role("group", name="Be contacted about the case").get_by_role("radio", name="Given").check()
    form.get_by_role("button", name="Record decision").click()  # no guardian relationship: refused
    page.wait_for_load_state()
    summary = page.locator("#consent .error-summary")
    assert summary.is_visible()
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < 800, box
    # (No focus check: with a #fragment the browser scrolls to its target and skips autofocus, by the spec.)
    page.screenshot(path=f"/tmp/victim/consent-error-{width}.png")
    page.locator("#consent .error-summary a").first.click()
    assert page.url.endswith("#id_consent_guardian_relationship")
