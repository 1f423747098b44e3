"""The main pages of each role at 360 px (a small phone) and 1280 px: full-page screenshots under
test-artifacts/screenshots/layout/<width>/, no sideways scrolling of the page (wide tables scroll
inside their own keyboard-focusable wrapper), and touch targets at least 24 px high."""

from __future__ import annotations

import pytest

from tests.browser.site_pages import ROOT, seed_site, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "layout"
VIEWPORTS = {360: 740, 1280: 800}

# What the page measures: its own width, and controls (outside running text) smaller than 24 px.
MEASURE = """() => {
    const small = [];
    for (const el of document.querySelectorAll(
            'button, .button, input:not([type=hidden]), select, textarea, summary, header a, nav a, .pager a')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;  // not rendered (closed <details>, skip link)
        if (el.classList.contains('skip')) continue;
        const checkbox = el.type === 'checkbox' || el.type === 'radio';
        if (r.height < (checkbox ? 20 : 24)) small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.name || '').trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    const wide = [];
    for (const el of document.querySelectorAll('main *')) {
        const r = el.getBoundingClientRect();
        if (r.right > window.innerWidth + 1 && !el.closest('.table-wrap')) wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}`);
    }
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
            small, wide: wide.slice(0, 8)};
}"""


def visit(page, base, width, name, path, problems):
    page.goto(f"{base}{path}")
    page.screenshot(path=str(SHOTS / str(width) / f"{name}.png"), full_page=True)
    m = page.evaluate(MEASURE)
    if m["scrollWidth"] > m["innerWidth"]:
        problems.append(f"{name}: page {m['scrollWidth']} px wide in a {m['innerWidth']} px window; {m['wide']}")
    if m["small"]:
        problems.append(f"{name}: targets under 24 px: {m['small'][:6]}")


@pytest.mark.parametrize("width", VIEWPORTS)
def test_it_lays_out_the_main_pages_without_sideways_scrolling(width, browser, live_server, chromium_available):
    site = seed_site()
    (SHOTS / str(width)).mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": VIEWPORTS[width]})
    page = context.new_page()
    page.set_default_timeout(8000)
    base, problems = live_server.url, []
    a, v = site.allegation, site.victim
    try:
        visit(page, base, width, "login", "/accounts/login/", problems)
        sign_in(page, base, "officer.car")
        for name, path in [
            ("officer-home", "/"),
            ("allegation-list", "/allegations/"),
            ("allegation-detail", f"/allegations/{a.pk}/"),
            ("intake-form", "/allegations/new/"),
            ("victim-detail", f"/victims/{v.pk}/"),
            ("victim-form", f"/victims/new/{a.pk}/"),
            ("referral-detail", f"/referrals/{site.referral_sent.pk}/"),
            ("referrals-pending", "/referrals/"),
            ("outbox", "/referrals/outbox/"),
        ]:
            visit(page, base, width, name, path, problems)
        # French words are longer: the header and the form must still fit.
        page.get_by_role("button", name="Français").click()
        page.wait_for_load_state()
        visit(page, base, width, "officer-home-fr", "/", problems)
        visit(page, base, width, "intake-form-fr", "/allegations/new/", problems)
        context.clear_cookies()
        sign_in(page, base, "chief.car")
        visit(page, base, width, "approver-home", "/", problems)
        context.clear_cookies()
        sign_in(page, base, "advocate.car")
        visit(page, base, width, "advocate-home", "/", problems)
        visit(page, base, width, "caseload", "/victims/caseload/", problems)
        visit(page, base, width, "need-detail", f"/victims/needs/{site.need.pk}/", problems)
        context.clear_cookies()
        sign_in(page, base, "analyst.hq")
        visit(page, base, width, "analyst-home", "/", problems)
        visit(page, base, width, "dashboard", f"/reports/?year={site.past_year}", problems)
        visit(page, base, width, "annex", f"/reports/annex/?year={site.past_year}", problems)
        context.clear_cookies()
        sign_in(page, base, "admin")
        visit(page, base, width, "admin-home", "/", problems)
        visit(page, base, width, "audit-log", "/audit/", problems)
        from django.contrib.auth import get_user_model

        officer = get_user_model().objects.get(username="officer.car")
        visit(page, base, width, "users", "/accounts/users/", problems)
        visit(page, base, width, "user-detail", f"/accounts/users/{officer.pk}/", problems)
        visit(page, base, width, "user-new", "/accounts/users/new/", problems)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [360, 1024, 1280])
def test_it_keeps_the_language_switch_on_one_line_beside_a_long_name(width, browser, live_server,
                                                                       chromium_available):
    from django.contrib.auth import get_user_model

    seed_site()
    get_user_model().objects.filter(username="chief.car").update(
        first_name="Marie-Françoise Immaculée", last_name="Ntakirutimana-Bizimungu de la Croix")
    page = browser.new_context(viewport={"width": width, "height": 760}).new_page()
    sign_in(page, live_server.url, "chief.car")
    (SHOTS / str(width)).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / str(width) / "long-name-top-bar.png"))
    switch = page.locator(".lang button")
    lines = switch.evaluate("b => b.getClientRects().length")
    height = switch.bounding_box()["height"]
    assert lines == 1 and height < 32, f"the language switch takes {lines} boxes, {height} px"
    # On its row: beside "Sign out" on a desktop, beside the brand on a phone (never a line of its own).
    neighbour = page.locator(".who form button" if width > 800 else ".brand").bounding_box()
    top = switch.bounding_box()
    assert abs((top["y"] + top["height"] / 2) - (neighbour["y"] + neighbour["height"] / 2)) < 8, (top, neighbour)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert "Ntakirutimana" in page.locator(".who > span").get_attribute("title")
