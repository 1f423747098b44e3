"""The reporting channel's public side: report without an account, get a receipt, follow the report
with it, exchange messages; wrong, expired and ended receipts get one answer; guesses are throttled."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from allegations.choices import Milestone, ReportState
from allegations.models import IncomingReport, ReportMessage
from allegations.reports import WRONG_RECEIPTS, receipt_hash
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

WORDS = "A soldier at the checkpoint asked my sister for sex in exchange for food. canary-report-words"


def _send(client, car, **extra):
    data = {"mission": car.pk, "what_happened": WORDS, "place": "Near the market", "person_safe": "no",
            "contact_way": "none", "lang": "en", **extra}
    return client.post(reverse("report:new"), data)


def _receipt(response) -> str:
    found = re.search(r'class="receipt-number"[^>]*><strong>([\d ]{19})</strong>', response.content.decode())
    assert found, "the receipt is on the page"
    return found.group(1)


def test_it_takes_a_report_without_an_account_and_gives_a_receipt_shown_once(client, car):
    form = client.get(reverse("report:new"))
    assert form.status_code == 200
    assert set(form.cookies) <= {"csrftoken"}  # no cookie before the form is sent but the CSRF one
    assert "<script" not in form.content.decode()
    response = _send(client, car)
    assert response.status_code == 200
    receipt = _receipt(response).replace(" ", "")
    assert len(receipt) == 16 and receipt.isdigit()
    report = IncomingReport.objects.get()
    assert report.what_happened == WORDS and report.state == ReportState.RECEIVED and report.mission == car
    assert report.receipt_hash == receipt_hash(receipt)
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="report_submitted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_keeps_no_receipt_and_no_words_in_clear_in_a_database_dump(client, car, postgres):
    """pg_dump of the whole database, after a report and a message: the receipt (in any grouping) and
    the person's words are nowhere in it."""
    receipt = _receipt(_send(client, car))
    client.post(reverse("report:status"), {"receipt": receipt})
    client.post(reverse("report:message"), {"body": "canary-message-words"})
    settings = connection.settings_dict
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
         "-U", settings["USER"], settings["NAME"]], capture_output=True, text=True, check=True,
        env={**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}).stdout
    assert "allegations_incomingreport" in dump and receipt_hash(receipt.replace(" ", "")) in dump
    for secret in (receipt, receipt.replace(" ", ""), "canary-report-words", "canary-message-words"):
        assert secret not in dump


def test_it_shows_every_error_at_once_and_keeps_what_was_typed(client, car):
    response = client.post(reverse("report:new"), {"what_happened": "", "place": "By the river", "who": "Two men",
                                                   "contact_way": "phone", "contact_details": "", "person_safe": "yes"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the country where it happened." in page and "Tell us what happened" in page
    assert "By the river" in page and "Two men" in page
    assert not IncomingReport.objects.exists()


def test_it_opens_the_status_page_with_the_receipt_and_exchanges_messages(client, car, officer):
    from allegations.reports import report_message_from_office

    receipt = _receipt(_send(client, car))
    opened = client.post(reverse("report:status"), {"receipt": receipt})
    assert opened.status_code == 302
    page = client.get(opened["Location"]).content.decode()
    assert str(Milestone.RECEIVED.label) in page and "aria-current=\"step\"" in page
    assert receipt.replace(" ", "") not in page and receipt not in page
    client.post(reverse("report:message"), {"body": "I can talk on Tuesdays."})
    report = IncomingReport.objects.get()
    assert report.messages.get().body == "I can talk on Tuesdays."
    report_message_from_office(actor=officer, report=report, body="Thank you. canary-office-reply")
    page = client.get(reverse("report:status")).content.decode()
    assert "You have a new message." in page and "canary-office-reply" in page
    assert set(ReportMessage.objects.values_list("from_office", flat=True)) == {True, False}


def test_it_answers_a_wrong_an_expired_and_an_ended_receipt_alike(client, car):
    def answer(receipt: str) -> str:
        page = client.post(reverse("report:status"), {"receipt": receipt}).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    expired = _receipt(_send(client, car))
    ended = _receipt(_send(client, car))
    client.post(reverse("report:status"), {"receipt": ended})
    client.post(reverse("report:end"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        answers = {answer("0000 0000 0000 0001"), answer(expired), answer(ended)}
    assert len(answers) == 1
    assert "This receipt opens no report." in answers.pop()


def test_it_keeps_access_90_days_after_the_last_visit(client, car):
    receipt = _receipt(_send(client, car))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=80)):
        assert client.post(reverse("report:status"), {"receipt": receipt}).status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(days=160)):
        assert client.post(reverse("report:status"), {"receipt": receipt}).status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(days=251)):
        assert client.post(reverse("report:status"), {"receipt": receipt}).status_code == 200  # refused


def test_it_locks_an_address_out_after_repeated_wrong_receipts_even_for_a_right_one(client, car):
    receipt = _receipt(_send(client, car))
    for n in range(WRONG_RECEIPTS.limit):
        client.post(reverse("report:status"), {"receipt": f"{n:016d}"})
    assert client.post(reverse("report:status"), {"receipt": receipt}).status_code == 200  # refused, locked
    other = client.__class__(REMOTE_ADDR="10.9.9.9")
    assert other.post(reverse("report:status"), {"receipt": receipt}).status_code == 302


def test_it_keeps_reports_over_the_soft_limit_marked_and_refuses_over_the_hard_one_keeping_the_input(client, car):
    from allegations.reports import SUBMISSIONS, SUBMISSIONS_REFUSED

    for _ in range(SUBMISSIONS.limit):
        _send(client, car)
    assert not IncomingReport.objects.filter(suspected_spam=True).exists()
    _send(client, car)
    assert IncomingReport.objects.filter(suspected_spam=True).count() == 1
    for _ in range(SUBMISSIONS_REFUSED.limit - SUBMISSIONS.limit - 1):
        _send(client, car)
    refused = _send(client, car, place="Kept place words")
    assert refused.status_code == 429 and "Kept place words" in refused.content.decode()
    assert IncomingReport.objects.count() == SUBMISSIONS_REFUSED.limit


def test_it_records_who_submitted_in_assisted_mode(client, car, advocate):
    client.force_login(advocate)
    page = client.get(reverse("report:new")).content.decode()
    assert "submitted for someone else" in page
    _receipt(_send(client, car))
    report = IncomingReport.objects.get()
    assert report.submitted_by == advocate and report.submitted_as == "assisted"
    assert not report.suspected_spam


@pytest.mark.parametrize("language", ["fr", "sg", "so", "ar"])
def test_it_speaks_the_five_languages(client, car, language):
    page = client.get(reverse("report:new"), {"lang": language}).content.decode()
    assert f'lang="{language}"' in page
    assert ('dir="rtl"' in page) == (language == "ar")
    assert "Report sexual exploitation or abuse" not in page  # translated


@pytest.mark.django_db(transaction=True)
def test_it_throttles_a_thousand_wrong_guesses_from_one_address_over_http(live_server, car):
    """Over real HTTP on loopback: 1,000 guesses, then the right receipt, from one address."""

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()),
                                         NoRedirect())
    url = f"{live_server.url}{reverse('report:status')}"
    form = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    report_url = f"{live_server.url}{reverse('report:new')}"
    sent = opener.open(report_url, urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "mission": car.pk, "what_happened": WORDS, "person_safe": "no",
         "contact_way": "none"}).encode()).read().decode()
    receipt = re.search(r'class="receipt-number"[^>]*><strong>([\d ]{19})</strong>', sent).group(1)

    def guess(value: str) -> int:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "receipt": value}).encode()
        try:
            return opener.open(url, data).status
        except urllib.error.HTTPError as error:
            return error.code

    started = time.monotonic()
    answers = [guess(f"{n:016d}") for n in range(1000)]
    took = time.monotonic() - started
    assert set(answers) == {200}  # every guess: the one refusal page
    assert guess(receipt) == 200  # locked out: even the right receipt opens nothing from here now
    refusals = AuditEvent.objects.filter(action="report_receipt_refused").count()
    assert refusals == WRONG_RECEIPTS.limit  # the guesses after the lock cost no hashing and no audit row
    print(f"1,000 wrong guesses answered in {took:.1f} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_it_asks_how_to_reach_someone_who_wants_to_be_contacted(client, car):
    response = _send(client, car, contact_way="phone", contact_details="", contact_times="After six")
    page = response.content.decode()
    assert response.status_code == 400 and "Tell us how to reach you" in page and "After six" in page
    assert not IncomingReport.objects.exists()


def test_it_refuses_an_empty_message_keeping_the_status_page(client, car):
    client.post(reverse("report:status"), {"receipt": _receipt(_send(client, car))})
    response = client.post(reverse("report:message"), {"body": "   "})
    assert response.status_code == 400 and "Where it stands" in response.content.decode()
    assert not ReportMessage.objects.exists()


def test_it_reads_a_receipt_typed_in_arabic_indic_digits(client, car):
    receipt = _receipt(_send(client, car)).replace(" ", "")
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in receipt)
    assert client.post(reverse("report:status"), {"receipt": arabic}).status_code == 302


def test_it_closes_the_status_page_after_15_idle_minutes(client, car):
    client.post(reverse("report:status"), {"receipt": _receipt(_send(client, car))})
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        assert "Where it stands" in client.get(reverse("report:status")).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=26)):
        assert "Open my report" in client.get(reverse("report:status")).content.decode()


def test_it_takes_the_same_form_sent_twice_as_one_report(client, car):
    form = client.get(reverse("report:new")).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', form).group(1)
    _receipt(_send(client, car, submission_key=key))
    again = _send(client, car, submission_key=key)
    assert "This report was already sent" in again.content.decode()
    assert IncomingReport.objects.count() == 1


def test_it_slows_down_a_flood_of_messages_from_the_person(client, car):
    from allegations.reports import PERSON_MESSAGES

    client.post(reverse("report:status"), {"receipt": _receipt(_send(client, car))})
    for n in range(PERSON_MESSAGES.limit):
        client.post(reverse("report:message"), {"body": f"message {n}"})
    refused = client.post(reverse("report:message"), {"body": "one more"})
    assert refused.status_code == 400 and "many messages" in refused.content.decode()
    assert ReportMessage.objects.count() == PERSON_MESSAGES.limit


def test_a_report_closed_at_assessment_never_shows_the_authority_informed(car, officer):
    from allegations.reports import report_close, report_milestones
    from tests.factories import make_report

    report = make_report(car)
    report = report_close(actor=officer, report=report, expected_version=report.version, reason="not_in_mandate")
    steps = {str(s.milestone.label): (s.reached, s.current) for s in report_milestones(report)}
    assert steps[str(Milestone.ASSESSED.label)] == (True, False)
    assert steps[str(Milestone.AUTHORITY_INFORMED.label)] == (False, False)
    assert steps[str(Milestone.OUTCOME.label)] == (False, False)
    assert steps[str(Milestone.CLOSED.label)] == (True, True)
