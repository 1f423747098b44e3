"""The field officers' side of the reporting channel: the queue of their operations' incoming reports,
one report with its messages, and the decisions an officer makes on it, each one thing, audited once."""

import datetime

import pytest
from django.utils import timezone

from allegations.choices import Milestone, ReportCloseReason, ReportState
from allegations.models import Allegation, IncomingReport, ReportMessage, Status
from allegations.reports import report_message_from_person, report_milestones
from allegations.services import allegation_transition
from core.models import AuditEvent
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def _audits(action: str, report: IncomingReport) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(report.pk)).count()


def _received(report: IncomingReport, **delta) -> IncomingReport:
    IncomingReport.objects.filter(pk=report.pk).update(received_at=timezone.now() - datetime.timedelta(**delta))
    report.refresh_from_db()
    return report


# --- the queue ------------------------------------------------------------------------------------

def test_it_lists_the_open_reports_newest_first_with_spam_last(client, officer, car, somalia):
    older = _received(make_report(car, what_happened="Older report"), days=3)
    newer = _received(make_report(car, what_happened="Newer report"), hours=2)
    spam = make_report(car, what_happened="Buy cheap watches", suspected_spam=True)
    closed = make_report(car, what_happened="Closed one", state=ReportState.CLOSED,
                         close_reason=ReportCloseReason.SPAM)
    make_report(somalia, what_happened="Somalia report")
    client.force_login(officer)
    response = client.get("/allegations/reports/")
    page = response.content.decode()
    assert response.status_code == 200
    assert [report for report, _excerpt in response.context["rows"]] == [newer, older, spam]
    assert "received 3\xa0days ago" in page
    assert "Suspected spam" in page
    assert "Closed one" not in page and "Somalia report" not in page

    shown = client.get("/allegations/reports/?show=closed").context["rows"]
    assert [report for report, _excerpt in shown] == [closed]


def test_it_shows_a_first_line_only_and_who_wrote_last(client, officer, car):
    long_line = "word " * 40
    report = make_report(car, what_happened=f"{long_line}\nSecond line with names", submitted_as="assisted")
    report_message_from_person(report=report, body="Is anyone reading this?")
    client.force_login(officer)
    page = client.get("/allegations/reports/").content.decode()
    assert "Second line with names" not in page
    assert "word word" in page and "…" in page
    assert "Waiting for the Office" in page
    assert "Assisted submission" in page
    assert "1 message" in page


def test_the_queue_takes_the_same_number_of_queries_for_one_report_or_many(client, officer, car,
                                                                           django_assert_max_num_queries):
    client.force_login(officer)
    report = make_report(car)
    report_message_from_person(report=report, body="Hello")
    client.get("/allegations/reports/")  # warm the session and permission caches
    with django_assert_max_num_queries(12) as one:
        assert client.get("/allegations/reports/").status_code == 200
    for n in range(8):
        report_message_from_person(report=make_report(car, what_happened=f"Report {n}"), body="Hello")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/allegations/reports/")
    assert len(response.context["rows"]) == 9


@pytest.mark.parametrize("persona", ["analyst", "advocate"])
def test_other_roles_have_no_queue_and_no_report(client, car, persona, request):
    report = make_report(car)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/allegations/reports/").status_code == 404
    assert client.get(f"/allegations/reports/{report.pk}/").status_code == 404
    assert client.post(f"/allegations/reports/{report.pk}/assess/", {"version": 1}).status_code == 404


def test_an_officer_of_another_operation_gets_a_404_and_changes_nothing(client, outsider, car):
    report = make_report(car)
    client.force_login(outsider)
    assert client.get(f"/allegations/reports/{report.pk}/").status_code == 404
    assert client.get(f"/allegations/reports/{report.pk}/allegation/").status_code == 404
    assert client.post(f"/allegations/reports/{report.pk}/close/",
                       {"version": 1, "reason": ReportCloseReason.SPAM}).status_code == 404
    assert client.post(f"/allegations/reports/{report.pk}/messages/", {"body": "Hi"}).status_code == 404
    report.refresh_from_db()
    assert (report.state, report.version, report.messages.count()) == (ReportState.RECEIVED, 1, 0)
    assert _audits("report_view", report) == 0


# --- one report -----------------------------------------------------------------------------------

def test_it_shows_the_report_decrypted_with_its_messages_in_order_and_audits_the_viewing(client, officer, car):
    report = make_report(car, place="Near the market in Boda", contact_details="+236 70 00 00 00")
    report_message_from_person(report=report, body="First from the person")
    client.force_login(officer)
    client.post(f"/allegations/reports/{report.pk}/messages/", {"body": "Then from the Office"})
    response = client.get(f"/allegations/reports/{report.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "A soldier asked my sister" in page and "Near the market in Boda" in page and "+236 70 00 00 00" in page
    assert page.index("First from the person") < page.index("Then from the Office")
    assert "only when they open their status page" in page
    assert _audits("report_view", report) == 1


def test_the_close_form_shows_the_words_the_person_reads_in_their_language(client, officer, car):
    report = make_report(car, language="fr")
    client.force_login(officer)
    page = client.get(f"/allegations/reports/{report.pk}/").content.decode()
    assert str(ReportCloseReason.NOT_ENOUGH.label) in page
    assert page.count('<span class="theirs" lang="fr">In français:') == len(ReportCloseReason)
    english = make_report(car, language="en")
    assert 'class="theirs"' not in client.get(f"/allegations/reports/{english.pk}/").content.decode()


def test_taking_a_report_for_assessment_does_that_and_audits_it_once(client, officer, car):
    report = make_report(car)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/assess/", {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.assessed_by, report.version) == (ReportState.ASSESSING, officer, 2)
    assert _audits("report_assess", report) == 1
    assert [s.milestone for s in report_milestones(report) if s.current] == [Milestone.ASSESSED]


def test_a_stale_take_for_assessment_is_a_409_and_writes_nothing(client, officer, teammate, car):
    report = make_report(car)
    client.force_login(teammate)
    client.post(f"/allegations/reports/{report.pk}/assess/", {"version": 1})
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/assess/", {"version": 1})
    assert response.status_code == 409
    report.refresh_from_db()
    assert (report.assessed_by, report.version) == (teammate, 2)
    assert _audits("report_assess", report) == 1


def test_writing_to_the_person_keeps_one_message_and_one_audit_row(client, officer, car):
    report = make_report(car)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/messages/", {"body": "  Can we call you?  "})
    assert response.status_code == 302
    message = ReportMessage.objects.get(report=report)
    assert (message.from_office, message.author, message.body) == (True, officer, "Can we call you?")
    assert AuditEvent.objects.filter(action="report_message", object_id=str(report.pk)).count() == 1
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED  # a message decides nothing


def test_an_empty_message_is_a_400_and_keeps_nothing(client, officer, car):
    report = make_report(car)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/messages/", {"body": "   "})
    assert response.status_code == 400
    assert not ReportMessage.objects.exists()


def test_closing_needs_a_reason_and_keeps_the_form(client, officer, car):
    report = make_report(car)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/close/", {"version": report.version})
    assert response.status_code == 400
    assert "Choose the reason the person will read." in response.content.decode()
    assert response.context["close_form"].is_bound
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED and _audits("report_close", report) == 0


def test_closing_with_a_reason_closes_it_and_audits_it_once(client, officer, car):
    report = make_report(car)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/close/",
                           {"version": report.version, "reason": ReportCloseReason.NOT_ENOUGH})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.close_reason, report.closed_by) == (ReportState.CLOSED, "not_enough", officer)
    assert _audits("report_close", report) == 1
    assert client.get("/allegations/reports/").context["rows"] == []
    page = client.get(f"/allegations/reports/{report.pk}/").content.decode()
    assert str(ReportCloseReason.NOT_ENOUGH.label) in page
    assert "Take for assessment" not in page and "Record as an allegation" not in page


def test_a_stale_close_is_a_409_with_the_chosen_reason_kept(client, officer, teammate, car):
    report = make_report(car)
    client.force_login(teammate)
    client.post(f"/allegations/reports/{report.pk}/assess/", {"version": 1})
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/close/",
                           {"version": 1, "reason": ReportCloseReason.DUPLICATE})
    assert response.status_code == 409
    assert 'value="duplicate" checked' in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.ASSESSING and _audits("report_close", report) == 0


# --- recording it as an allegation ------------------------------------------------------------------

def _convert_data(report, force, **overrides):
    data = {
        "version": report.version,
        "country": "",
        "location": "Boda",
        "date_received": report.mission.today().isoformat(),
        "incident_date": "",
        "source": "victim",
        "allegation_type": "SE",
        "subtype": "transactional_sex",
        "credibility": "credible",
        "narrative": "The officer's account.",
        "perpetrators-TOTAL_FORMS": "1",
        "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-MIN_NUM_FORMS": "0",
        "perpetrators-MAX_NUM_FORMS": "50",
        "perpetrators-0-force": force.pk,
        "perpetrators-0-personnel_category": "military_contingent",
        "perpetrators-0-sex": "male",
        "perpetrators-0-final_action_category": "pending",
    }
    data.update(overrides)
    return data


def test_the_form_starts_from_the_report_and_records_nothing_by_itself(client, officer, car, sangaris):
    report = make_report(car, force=sangaris, place="Boda", who="Two soldiers")
    client.force_login(officer)
    response = client.get(f"/allegations/reports/{report.pk}/allegation/")
    page = response.content.decode()
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert form["mission"].value() == car.pk and form.fields["mission"].disabled
    assert form["date_received"].value() == timezone.localdate(report.received_at)
    assert "A soldier asked my sister" in form["narrative"].value() and "Two soldiers" in form["narrative"].value()
    assert formset.forms[0]["force"].value() == sangaris.pk
    assert "data-draft-id" not in page  # no local draft of a new allegation restored over the report's words
    assert not Allegation.objects.exists()
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED


def test_recording_it_creates_one_allegation_linked_to_the_report(client, officer, car, sangaris):
    report = make_report(car, force=sangaris)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/allegation/", _convert_data(report, sangaris))
    allegation = Allegation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/allegations/{allegation.pk}/"
    report.refresh_from_db()
    assert (report.state, report.allegation, report.version) == (ReportState.CONVERTED, allegation, 2)
    assert allegation.mission == car and allegation.narrative == "The officer's account."
    assert allegation.perpetrators.get().force == sangaris
    assert _audits("report_convert", report) == 1
    assert AuditEvent.objects.filter(action="allegation_create", object_id=str(allegation.pk)).count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "From an incoming report" in page and f"/allegations/reports/{report.pk}/" in page
    # The person's milestones now follow the allegation.
    allegation_transition(actor=officer, allegation=allegation, to_status=Status.UNDER_INVESTIGATION,
                          expected_version=allegation.version)
    report.refresh_from_db()
    reached = {s.milestone for s in report_milestones(report) if s.reached}
    assert Milestone.INVESTIGATION in reached


def test_the_mission_of_the_allegation_is_the_reports_whatever_is_submitted(client, officer, car, somalia,
                                                                            sangaris):
    from guardian.shortcuts import assign_perm

    assign_perm("core.change_mission", officer, somalia)
    assign_perm("core.view_mission", officer, somalia)
    report = make_report(car)
    client.force_login(officer)
    client.post(f"/allegations/reports/{report.pk}/allegation/", _convert_data(report, sangaris, mission=somalia.pk))
    assert Allegation.objects.get().mission == car


def test_an_invalid_form_is_a_400_with_the_input_kept_and_nothing_recorded(client, officer, car, sangaris):
    report = make_report(car)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/allegation/",
                           _convert_data(report, sangaris, allegation_type="", narrative="Kept words"))
    assert response.status_code == 400
    assert "Kept words" in response.content.decode()
    assert not Allegation.objects.exists()
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED


def test_a_stale_recording_is_a_409_with_the_input_kept_and_nothing_recorded(client, officer, teammate, car,
                                                                             sangaris):
    report = make_report(car)
    data = _convert_data(report, sangaris, narrative="My careful account")
    client.force_login(teammate)
    client.post(f"/allegations/reports/{report.pk}/assess/", {"version": 1})
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/allegation/", data)
    assert response.status_code == 409
    assert "My careful account" in response.content.decode()
    assert not Allegation.objects.exists()
    assert _audits("report_convert", report) == 0


def test_a_report_already_dealt_with_cannot_be_recorded_again(client, officer, car, sangaris):
    report = make_report(car)
    client.force_login(officer)
    client.post(f"/allegations/reports/{report.pk}/allegation/", _convert_data(report, sangaris))
    report.refresh_from_db()
    again = client.post(f"/allegations/reports/{report.pk}/allegation/", _convert_data(report, sangaris))
    assert again.status_code == 302 and again["Location"] == f"/allegations/reports/{report.pk}/"
    assert Allegation.objects.count() == 1


# --- the home page and the menu ---------------------------------------------------------------------

def test_the_officers_home_counts_the_reports_to_assess_and_the_menu_has_the_queue(client, officer, car):
    make_report(car)
    make_report(car, state=ReportState.ASSESSING)
    make_report(car, state=ReportState.CLOSED, close_reason=ReportCloseReason.SPAM)
    client.force_login(officer)
    response = client.get("/")
    items = {item.key: item for item in response.context["work"]}
    item = items["allegations_incoming_reports"]
    assert (item.count, item.url) == (2, "/allegations/reports/")
    page = response.content.decode()
    assert "Incoming reports to assess" in page
    assert 'href="/allegations/reports/"' in page


def test_no_other_role_sees_the_item_or_the_menu_entry(client, advocate, car):
    make_report(car)
    client.force_login(advocate)
    response = client.get("/")
    assert "allegations_incoming_reports" not in {item.key for item in response.context["work"]}
    assert 'href="/allegations/reports/"' not in response.content.decode()


@pytest.mark.django_db(transaction=True)  # real commits: outside a test's transaction, as a page runs it
def test_taking_a_report_for_assessment_locks_it_in_its_own_transaction(client, officer, car):
    report = make_report(car)
    client.force_login(officer)
    response = client.post(f"/allegations/reports/{report.pk}/assess/", {"version": report.version})
    assert response.status_code == 302  # it was TransactionManagementError: select_for_update needs a transaction
    report.refresh_from_db()
    assert report.state == ReportState.ASSESSING and _audits("report_assess", report) == 1
