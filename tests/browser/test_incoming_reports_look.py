"""The officers' pages of the reporting channel at 360 px: nothing wider than the screen, no axe-core
violation (WCAG 2.1 AA), with a long report, a message, suspected spam and an assisted submission."""

import pytest

from allegations.choices import ReportSubmitter
from allegations.reports import report_message_from_person
from tests.browser.site_pages import axe_available, axe_violations
from tests.factories import make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_queue_the_report_and_the_prefilled_form_fit_a_phone_and_pass_axe(login, officer, car, sangaris,
                                                                              live_server):
    axe_available()
    report = make_report(car, force=sangaris, place="Boda " * 30, language="fr",
                         what_happened="A long first line about what happened near the market, with many words "
                                       "in it, to be cut at a word")
    report_message_from_person(report=report, body="Hello, is anyone there?")
    make_report(car, suspected_spam=True, submitted_as=ReportSubmitter.ASSISTED)
    page = login(officer)
    page.set_viewport_size({"width": 360, "height": 800})
    found = {}
    for path in ("/allegations/reports/", f"/allegations/reports/{report.pk}/",
                 f"/allegations/reports/{report.pk}/allegation/", "/"):
        page.goto(live_server.url + path)
        found[path] = (page.evaluate("() => document.documentElement.scrollWidth"),
                       [violation["id"] for violation in axe_violations(page)])
    assert all(width <= 360 and not violations for width, violations in found.values()), found
