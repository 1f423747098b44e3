"""The reporting channel in its five languages as a person sees it on a phone (360 px): the form, its
errors, the receipt, the receipt check and the status page, each with no accessibility violation and no
sideways scrolling; Arabic right to left (radio buttons, legends and help text on the right, the receipt's
digits still left to right); and the form sent with JavaScript off."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.site_pages import axe_available, axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LANGUAGES = [code for code, _name in settings.PUBLIC_LANGUAGES]
# What each language calls its own send button and the status page's heading: the page really is in it.
SEND = {"en": "Send the report", "fr": "Envoyer le signalement", "sg": "Tokua rapôro ni", "so": "Dir warbixinta",
        "ar": "إرسال البلاغ"}
WORDS = "A soldier at the checkpoint asked my sister for sex in exchange for food."


@pytest.fixture
def channel(chromium_available, car, sangaris):
    axe_available()
    return car


def _look(page, language: str, name: str, found: dict) -> None:
    """Screenshot, axe, the page's language and direction, and no sideways scroll."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{language}-{name}.png"), full_page=True)
    html = page.locator("html")
    assert html.get_attribute("lang") == language, name
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else None), name
    assert not page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"), name
    if violations := axe_violations(page):
        found[f"{language} {name}"] = violations


def _right_to_left(page) -> None:
    """In Arabic the start of a line is on the right: a radio button is right of its words, a legend and a
    help text begin at the right edge of their field."""
    for radio in page.locator("input[type=radio]").all():
        button = radio.bounding_box()
        words = radio.locator("xpath=..").bounding_box()  # the label wrapping it
        assert button["x"] + button["width"] >= words["x"] + words["width"] - 2, "radio on the right"
    for selector in ["fieldset.inline legend", ".field small.help", ".field > label"]:
        for element in page.locator(selector).all():
            box = element.bounding_box()
            field = element.locator("xpath=ancestor::div[contains(@class,'field')][1]").bounding_box()
            assert abs((box["x"] + box["width"]) - (field["x"] + field["width"])) < 4, selector


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_channel_reads_well_on_a_phone_in_each_language(browser, live_server, channel, language):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    found: dict[str, list] = {}
    page.goto(f"{live_server.url}/report/?lang={language}")
    _look(page, language, "form", found)
    if language == "ar":
        _right_to_left(page)
    page.get_by_role("button", name=SEND[language]).click()  # nothing filled in: the errors
    assert page.locator(".error-summary").is_visible()
    _look(page, language, "form-errors", found)
    page.select_option("#id_mission", label=channel.name)
    page.fill("#id_what_happened", WORDS)
    page.get_by_role("button", name=SEND[language]).click()
    receipt = page.locator(".receipt-number").inner_text().replace(" ", "")
    assert len(receipt) == 16 and receipt.isdigit()
    assert page.locator(".receipt-number").get_attribute("dir") == "ltr"
    assert page.locator("ol bdi[dir=ltr]").inner_text() == "/report/status/"  # not "report/status//" in Arabic
    _look(page, language, "receipt", found)
    page.goto(f"{live_server.url}/report/status/?lang={language}")
    _look(page, language, "status-open", found)
    page.fill("#id_receipt", "0000 0000 0000 0000")
    page.locator("form button.primary").click()
    assert page.get_by_role("alert").is_visible()
    _look(page, language, "status-refused", found)
    page.fill("#id_receipt", receipt)
    page.locator("form button.primary").click()
    assert page.locator("ol.milestones li").count() == 6
    page.fill("#id_body", "Thank you.")
    page.locator("#messages button.primary").click()
    assert page.locator("article.message").count() == 1
    _look(page, language, "status", found)
    if language == "ar":
        # The steps' numbers stand at the right, in the room the list keeps for them there.
        padding = page.locator("ol.milestones li").first.evaluate(
            "li => [getComputedStyle(li).paddingRight, getComputedStyle(li).paddingLeft].map(parseFloat)")
        assert padding[0] > padding[1]
        # The person's own Latin words keep their order (the full stop at the end, not on the left).
        assert page.locator("article.message p[dir=auto]").inner_text() == "Thank you."
    context.close()
    assert found == {}, format_violations(found)


def test_the_form_is_sent_with_javascript_off(browser, live_server, channel):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/report/?lang=so")
    assert page.locator("#id_what_happened").is_visible()
    page.select_option("#id_mission", label=channel.name)
    page.fill("#id_what_happened", WORDS)
    page.get_by_label("Maya, qofku nabad ma qabo").check()
    page.get_by_role("button", name=SEND["so"]).click()
    assert page.get_by_role("heading", name="Warbixintaada waa la helay").is_visible()
    assert len(page.locator(".receipt-number").inner_text().replace(" ", "")) == 16
    page.screenshot(path=str(SHOTS / "report-so-receipt-nojs.png"), full_page=True)
    context.close()
