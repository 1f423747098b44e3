"""Filling the allegation intake form as an officer does, for the browser tests."""

from __future__ import annotations


def fill_intake(page, *, location: str = "Dekoa, Kemo", received: str = "2016-04-12", incident: str = "2016-03",
                source: str = "victim", kind: str = "SA", subtype: str = "sexual_assault", credibility: str = "",
                narrative: str = "Account given to the team at the site.", force: str = "Sangaris",
                nationality: str | None = "France") -> None:
    """The facts and the first perpetrator row (the form opens with one row)."""
    page.get_by_label("Location (region / prefecture)").fill(location)
    page.get_by_role("textbox", name="Date received", exact=True).fill(received)
    page.get_by_label("Date of incident").fill(incident)
    page.get_by_role("combobox", name="Source", exact=True).select_option(source)
    page.get_by_role("combobox", name="Type", exact=True).select_option(kind)
    page.get_by_role("combobox", name="Subtype", exact=True).select_option(subtype)
    if credibility:
        page.get_by_role("combobox", name="Credibility assessment").select_option(credibility)
    page.get_by_label("Narrative", exact=True).fill(narrative)
    fill_perpetrator(page, 0, force=force, nationality=nationality)


def fill_perpetrator(page, row: int, *, force: str = "Sangaris", nationality: str | None = "France") -> None:
    page.locator(f"#id_perpetrators-{row}-force").select_option(label=force)
    if nationality:
        page.locator(f"#id_perpetrators-{row}-nationality").select_option(label=nationality)
    page.locator(f"#id_perpetrators-{row}-personnel_category").select_option("military_contingent")
