"""A report from a person with no account, followed with its receipt while an officer assesses it,
records it as an allegation and refers it: the person's milestones move, messages go both ways; a
wrong and an expired receipt get the same answer. The person's browser runs without JavaScript."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from allegations.choices import Milestone
from allegations.models import Allegation, IncomingReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _current_step(page) -> str:
    return page.locator("ol.milestones li[aria-current=step]").inner_text().split("—")[0].strip()


def test_a_person_reports_and_follows_it_while_the_office_acts(browser, login, live_server, car, sangaris, france,
                                                               officer, chief, django_capture_on_commit_callbacks):
    sangaris.lead_member_state, sangaris.lead_regional_organisation = france, None
    sangaris.save()
    person = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800}).new_page()
    person.goto(f"{live_server.url}/report/")
    person.get_by_label("In which country did it happen?").select_option(label=car.name)
    person.get_by_label("What happened?").fill("A soldier at the checkpoint asked my sister for sex for food.")
    person.get_by_label("Where did it happen?").fill("Near the market")
    person.get_by_label("Which force were they from, if you know?").select_option(label=sangaris.name)
    person.get_by_label("No, the person is not safe").check()
    person.get_by_role("button", name="Send the report").click()
    expect(person.get_by_role("heading", name="Your report was received")).to_be_visible()
    receipt = person.locator(".receipt-number").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)

    def follow() -> None:
        person.goto(f"{live_server.url}/report/status/")
        person.get_by_label("Your receipt number").fill(receipt)
        person.get_by_role("button", name="Open my report").click()

    follow()
    assert _current_step(person) == str(Milestone.RECEIVED.label)

    office = login(officer)
    office.get_by_role("link", name="Incoming reports", exact=True).first.click()
    office.get_by_role("link", name=re.compile("^Report of")).first.click()
    office.get_by_role("button", name="Take for assessment").click()
    office.get_by_label("Message to the person who reported").fill("Thank you. Is your sister safe to talk to us?")
    office.get_by_role("button", name=re.compile("Send")).click()

    person.reload()
    assert _current_step(person) == str(Milestone.ASSESSED.label)
    expect(person.get_by_text("You have a new message.")).to_be_visible()
    expect(person.get_by_text("Is your sister safe to talk to us?")).to_be_visible()
    person.get_by_label("Your message").fill("Yes, on Tuesdays at the health centre.")
    person.get_by_role("button", name="Send to the Office").click()
    expect(person.get_by_text("Yes, on Tuesdays at the health centre.")).to_be_visible()

    office.reload()
    expect(office.get_by_text("Yes, on Tuesdays at the health centre.")).to_be_visible()
    office.get_by_role("link", name="Record as an allegation").click()
    office.select_option("#id_source", "victim")
    office.select_option("#id_allegation_type", "SE")
    office.select_option("#id_subtype", "transactional_sex")
    office.select_option("#id_credibility", "credible")
    office.select_option("#id_perpetrators-0-nationality", label="France")
    office.select_option("#id_perpetrators-0-personnel_category", "military_contingent")
    office.select_option("#id_perpetrators-0-sex", "male")
    office.get_by_role("button", name=re.compile("^Save|^Record")).first.click()
    allegation = Allegation.objects.get()
    assert IncomingReport.objects.get().allegation == allegation
    expect(office.get_by_role("heading", name=re.compile(allegation.reference))).to_be_visible()

    from referrals.services import referral_approve, referral_draft

    referral = referral_draft(actor=officer, allegation=allegation, member_state=france)
    with django_capture_on_commit_callbacks(execute=True):
        referral_approve(actor=chief, referral=referral, expected_version=referral.version)
    person.reload()
    assert _current_step(person) == str(Milestone.AUTHORITY_INFORMED.label)


def test_a_wrong_and_an_expired_receipt_get_the_same_page(browser, live_server, car):
    from allegations.reports import report_submit

    _report, expired = report_submit(values={"mission": car, "what_happened": "Words."}, language="en", address=None)
    page = browser.new_context(java_script_enabled=False).new_page()

    def answer(receipt: str) -> str:
        page.goto(f"{live_server.url}/report/status/")
        page.get_by_label("Your receipt number").fill(receipt)
        page.get_by_role("button", name="Open my report").click()
        return page.locator("main").inner_text()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        wrong, old = answer("1234 5678 9012 3456"), answer(expired)
    assert wrong == old and "This receipt opens no report." in wrong


def test_the_form_is_light_and_loads_nothing_from_elsewhere(browser, live_server, car):
    page = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800}).new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{live_server.url}/report/?lang=ar")
    page.wait_for_load_state("networkidle")
    assert all(r.url.startswith(live_server.url) for r in responses), [r.url for r in responses]
    assert sum(len(r.body()) for r in responses) < 150 * 1024  # the intake form's first-load budget
    assert [c["name"] for c in page.context.cookies()] == ["csrftoken"]
