"""Keyboard only: an officer records an allegation with Tab, typing, Space and Enter (no clicks).
Every element that takes focus must show a visible focus indicator, and focus must move in the
visual reading order (down the page, left to right within a row)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from allegations.models import Allegation
from tests.factories import MemberStateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Snapshot of what distinguishes a focused element: outline and box-shadow.
LOOK = """(el) => { const s = getComputedStyle(el);
    return {outline: s.outlineStyle === 'none' ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
            shadow: s.boxShadow}; }"""
BASELINE = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
    .map((el, i) => { el.dataset.kbd = i; const s = getComputedStyle(el);
        return {outline: s.outlineStyle === 'none' ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
                shadow: s.boxShadow}; })"""
# Where the focused element is, and where its field (label and control) is: fields in a grid row read
# left to right even when one of them is taller; the controls inside one field are compared themselves.
ACTIVE = """() => { const el = document.activeElement; const field = el.closest('.field') || el;
    const r = el.getBoundingClientRect(), f = field.getBoundingClientRect();
    if (!field.dataset.fieldKey) field.dataset.fieldKey = String(Math.random());
    return {kbd: el.dataset.kbd, id: el.id, tag: el.tagName.toLowerCase(), text: (el.innerText || '').trim().slice(0, 30),
            field: field.dataset.fieldKey, top: r.top + window.scrollY, left: r.left + window.scrollX,
            ftop: f.top + window.scrollY, fleft: f.left + window.scrollX}; }"""


def reads_after(previous: dict, active: dict) -> bool:
    """Down the page, or to the right on (roughly) the same row."""
    key = ("top", "left") if previous["field"] == active["field"] else ("ftop", "fleft")
    (top, left), (ptop, pleft) = (active[k] for k in key), (previous[k] for k in key)
    return top > ptop + 2 or (abs(top - ptop) <= 48 and left > pleft)


# What to type where (by element id); selects take typeahead, checkboxes a Space.
TYPING = {
    "id_location": "Dekoa, Kemo",
    "id_date_received": "04122016",  # the date field's own segments: mm dd yyyy (en-US)
    "id_incident_date": "2016-03",
    "id_source": "Victim",
    "id_allegation_type": "Sexual abuse",
    "id_subtype": "Sexual assault",
    "id_narrative": "Account given to the team at the site.",
    "id_perpetrators-0-force": "Sangaris",
    "id_perpetrators-0-nationality": "France",
    "id_perpetrators-0-personnel_category": "Military contingent",
}
SPACE = {"id_perpetrators-0-identified"}


def test_it_records_an_allegation_with_the_keyboard_only(live_server, page, chromium_available, officer, car,
                                                          sangaris):
    MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/accounts/login/")
    # Autofocus: the browser applies it at its next rendering step, after the load event, so wait for it
    # (under load, reading activeElement at once raced it).
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type(officer.username)
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/allegations/new/")
    page.wait_for_load_state()
    baseline = page.evaluate(BASELINE)
    seen, problems, previous, typed = [], [], None, set()
    for _ in range(120):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["kbd"] is None:
            continue
        focused = page.evaluate(f"() => ({LOOK})(document.activeElement)")
        before = baseline[int(active["kbd"])]
        label = f"{active['tag']}#{active['id'] or active['text']}"
        if focused == before or (focused["outline"] == "none" and focused["shadow"] == before["shadow"]):
            problems.append(f"no visible focus indicator on {label}: {focused}")
        if previous and active["kbd"] == previous["kbd"]:
            continue  # Tab inside one control (the date field's month, day, year): indicator checked, nothing else
        seen.append(label)
        in_main = page.evaluate("() => !!document.activeElement.closest('main')")
        if previous and in_main and previous["in_main"]:
            if not reads_after(previous, active):
                problems.append(f"focus jumped back up/left from {previous['label']} to {label}")
        previous = {**active, "label": label, "in_main": in_main}
        if active["id"] in typed:
            pass
        elif active["id"] in TYPING:
            typed.add(active["id"])
            page.keyboard.type(TYPING[active["id"]])
        elif active["id"] in SPACE:
            typed.add(active["id"])
            page.keyboard.press("Space")
        elif active["tag"] == "button" and active["text"] == "Record allegation":
            break
    else:
        pytest.fail(f"never reached the submit button; focus went through {seen}")
    assert not problems, "\n".join(problems)
    assert "input#id_date_received" in seen and "button#Add another person" in seen

    page.keyboard.press("Enter")
    expect(page.get_by_text("Allegation CAF-2016-0001 recorded.")).to_be_visible()
    allegation = Allegation.objects.get()
    assert (allegation.location, str(allegation.date_received), allegation.subtype) == (
        "Dekoa, Kemo", "2016-04-12", "sexual_assault")
    perpetrator = allegation.perpetrators.get()
    assert (perpetrator.force, perpetrator.nationality.iso3, perpetrator.identified) == (sangaris, "FRA", True)
