"""The case clock: one timeline of an allegation (referrals.selectors.case_clock), on its page and, compact, in list rows."""

import datetime

import pytest
import time_machine
from django.contrib.auth.context_processors import PermWrapper
from django.db import connection
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.test.utils import CaptureQueriesContext

from allegations.models import Allegation, DatePrecision, Status, StatusChange
from referrals.choices import AuthorityResponse, InvestigationOutcome, ReferralStatus, ReminderKind
from referrals.deadlines import investigation_due, response_due
from referrals.models import Referral, ReferralStep, Reminder
from referrals.reminders import reminder_send, sweep
from referrals.selectors import ClockKind, case_clock
from referrals.services import referral_draft
from tests.factories import AllegationFactory, MemberStateFactory

pytestmark = pytest.mark.django_db


def sent_referral(allegation, state, sent_on: datetime.date, *, steps=(), **values) -> Referral:
    """A referral as sending leaves it (status, date, both deadlines), plus whatever was recorded since:
    `steps` (kind, date, details) in its ledger, and the summary they make in `values`."""
    referral = Referral.objects.create(
        allegation=allegation, member_state=state, status=values.pop("status", ReferralStatus.SENT), sent_on=sent_on,
        response_due=response_due(sent_on), investigation_due=investigation_due(sent_on, children_involved=False),
        **values)
    for kind, day, details in steps:
        ReferralStep.objects.create(referral=referral, kind=kind, occurred_on=day, source="email", **details)
    return referral


def fresh(allegation) -> Allegation:
    return Allegation.objects.select_related("mission").get(pk=allegation.pk)


def kinds(events) -> list[str]:
    return [event.kind for event in events]


@pytest.fixture
def sent(officer, chief, credible, france, approve) -> Referral:
    with time_machine.travel("2026-03-02 09:00", tick=False):  # answer due 2026-03-16
        draft = referral_draft(actor=officer, allegation=credible, member_state=france)
        approve(chief, draft)
    return Referral.objects.get(pk=draft.pk)


def run_sweep(day: str) -> None:
    with time_machine.travel(f"{day} 09:00", tick=False):
        for reminder_id in sweep():
            reminder_send(reminder_id)


def test_it_puts_the_steps_of_a_case_in_order_from_the_incident_to_the_action_taken(credible, france):
    Allegation.objects.filter(pk=credible.pk).update(incident_date=datetime.date(2016, 4, 20),
                                                     incident_date_precision=DatePrecision.DAY)
    sent_referral(credible, france, datetime.date(2016, 5, 10), status=ReferralStatus.CLOSED,
                  response=AuthorityResponse.WILL_INVESTIGATE, response_on=datetime.date(2016, 5, 20),
                  investigation_officer="Cdt Martin", outcome=InvestigationOutcome.SUBSTANTIATED,
                  outcome_on=datetime.date(2016, 9, 1), accountability_measures="Repatriated and dismissed.",
                  closed_on=datetime.date(2016, 9, 5), steps=[
                      ("will_investigate", datetime.date(2016, 5, 20), {}),
                      ("officer_appointed", datetime.date(2016, 5, 20), {"officer_name": "Cdt Martin"}),
                      ("findings", datetime.date(2016, 9, 1), {"result": "substantiated"})])
    with time_machine.travel("2026-03-02 09:00", tick=False):
        events = case_clock(fresh(credible))
    assert kinds(events) == [
        ClockKind.INCIDENT, ClockKind.RECEIVED, ClockKind.SENT, ClockKind.ANSWER, ClockKind.OFFICER,
        ClockKind.ANSWER_DUE, ClockKind.OUTCOME, ClockKind.ACTION, ClockKind.CLOSED, ClockKind.INVESTIGATION_DUE,
        ClockKind.TODAY]
    assert [e.date for e in events] == sorted(e.date for e in events)
    # Both deadlines were met: history now, not deadlines, and the clock says why.
    assert not any(e.is_deadline for e in events)
    answer_due = next(e for e in events if e.kind == ClockKind.ANSWER_DUE)
    assert (answer_due.date, answer_due.detail) == (datetime.date(2016, 5, 24), "answered")
    officer_event = next(e for e in events if e.kind == ClockKind.OFFICER)
    assert officer_event.detail == "Cdt Martin" and officer_event.date == datetime.date(2016, 5, 20)
    assert events[-1].is_today and events[-1].date == datetime.date(2026, 3, 2)


def test_it_shows_an_incident_known_to_the_month_as_the_month(credible):
    Allegation.objects.filter(pk=credible.pk).update(incident_date=datetime.date(2016, 3, 1),
                                                     incident_date_precision=DatePrecision.MONTH)
    incident = case_clock(fresh(credible))[0]
    assert (incident.kind, incident.date_text) == (ClockKind.INCIDENT, "March 2016")


def test_it_marks_every_reminder_and_escalation(sent, credible, settings):
    settings.SEA_HQ_ESCALATION_EMAILS = ["hq@example.org"]
    for day in ("2026-03-17", "2026-03-31", "2026-04-14"):
        run_sweep(day)
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATION).exists()
    with time_machine.travel("2026-04-15 09:00", tick=False):
        events = case_clock(fresh(credible))
    chasers = [(e.kind, e.date, e.is_reminder, e.is_escalation, e.detail) for e in events if e.is_reminder]
    assert chasers == [
        (ClockKind.REMINDER, datetime.date(2026, 3, 17), True, False, "about the answer"),
        (ClockKind.REMINDER, datetime.date(2026, 3, 31), True, False, "about the answer"),
        (ClockKind.ESCALATION, datetime.date(2026, 4, 14), True, True, "about the answer"),
    ]
    # Still unanswered: the deadline is before "today", overdue.
    assert kinds(events).index(ClockKind.ANSWER_DUE) < kinds(events).index(ClockKind.TODAY)
    answer_due = next(e for e in events if e.kind == ClockKind.ANSWER_DUE)
    assert answer_due.is_deadline and answer_due.is_overdue


def test_it_shows_a_reminder_not_sent_yet_on_its_due_date_and_leaves_out_those_never_sent(sent, credible):
    for day, status in ((17, Reminder.Status.SUPERSEDED), (18, Reminder.Status.CANCELLED), (19, Reminder.Status.PENDING)):
        Reminder.objects.create(referral=sent, kind=ReminderKind.RESPONSE_OVERDUE, about=ReminderKind.RESPONSE_OVERDUE,
                                due_date=datetime.date(2026, 3, day), status=status)
    with time_machine.travel("2026-03-19 09:00", tick=False):
        (reminder,) = [e for e in case_clock(fresh(credible)) if e.is_reminder]
    assert reminder.date == datetime.date(2026, 3, 19)
    assert reminder.detail == "about the answer · not sent yet"


def test_it_tells_a_deadline_still_ahead_from_an_overdue_one(client, officer, sent, credible):
    client.force_login(officer)
    with time_machine.travel("2026-03-05 09:00", tick=False):
        ahead = case_clock(fresh(credible))
        page = client.get(f"/allegations/{credible.pk}/").content.decode()
    answer_due = next(e for e in ahead if e.kind == ClockKind.ANSWER_DUE)
    assert answer_due.is_deadline and not answer_due.is_overdue
    assert kinds(ahead).index(ClockKind.TODAY) < kinds(ahead).index(ClockKind.ANSWER_DUE)
    assert "due in 7 working days" in page

    with time_machine.travel("2026-03-20 09:00", tick=False):
        late = case_clock(fresh(credible))
        page = client.get(f"/allegations/{credible.pk}/").content.decode()
    answer_due = next(e for e in late if e.kind == ClockKind.ANSWER_DUE)
    assert answer_due.is_deadline and answer_due.is_overdue
    assert kinds(late).index(ClockKind.ANSWER_DUE) < kinds(late).index(ClockKind.TODAY)
    assert "4 days overdue" in page
    # The investigation is not due yet: after "today" either way.
    assert kinds(late).index(ClockKind.TODAY) < kinds(late).index(ClockKind.INVESTIGATION_DUE)


def test_it_puts_a_deadline_due_today_after_the_today_marker(credible, france):
    referral = sent_referral(credible, france, datetime.date(2026, 3, 2))
    with time_machine.travel("2026-03-16 09:00", tick=False):  # the answer's deadline
        events = case_clock(fresh(credible))
    assert kinds(events)[-3:] == [ClockKind.TODAY, ClockKind.ANSWER_DUE, ClockKind.INVESTIGATION_DUE]
    assert referral.response_due == datetime.date(2026, 3, 16) and not events[-2].is_overdue


def test_it_dates_timestamps_and_today_in_the_operations_time_zone(credible, france, car):
    car.time_zone = "Pacific/Kiritimati"  # UTC+14: midday in UTC is already tomorrow there
    car.save()
    referral = sent_referral(credible, france, datetime.date(2026, 3, 2))
    reminder = Reminder.objects.create(referral=referral, kind=ReminderKind.RESPONSE_OVERDUE,
                                       about=ReminderKind.RESPONSE_OVERDUE, due_date=datetime.date(2026, 3, 17),
                                       status=Reminder.Status.SENT)
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=datetime.datetime(2026, 3, 17, 12, 0, tzinfo=datetime.UTC))
    with time_machine.travel(datetime.datetime(2026, 3, 17, 12, 0, tzinfo=datetime.UTC), tick=False):
        StatusChange.objects.create(allegation=credible, from_status=Status.PRELIMINARY_ASSESSMENT,
                                    to_status=Status.UNDER_INVESTIGATION)
        events = case_clock(fresh(credible))
    by_kind = {e.kind: e.date for e in events}
    assert by_kind[ClockKind.REMINDER] == datetime.date(2026, 3, 18)
    assert by_kind[ClockKind.STATUS] == datetime.date(2026, 3, 18)
    assert by_kind[ClockKind.TODAY] == datetime.date(2026, 3, 18)


def test_it_leaves_referrals_out_for_a_reader_who_may_not_see_them(credible, france):
    sent_referral(credible, france, datetime.date(2026, 3, 2))
    assert kinds(case_clock(fresh(credible), with_referrals=False)) == [ClockKind.RECEIVED, ClockKind.TODAY]


def test_it_leaves_drafts_out(officer, credible, france):
    referral_draft(actor=officer, allegation=credible, member_state=france)
    assert ClockKind.SENT not in kinds(case_clock(fresh(credible)))


@pytest.mark.parametrize("count", [1, 5])
def test_it_costs_the_same_queries_for_one_or_five_referrals_with_reminders(credible, count, django_assert_num_queries):
    for n in range(count):
        referral = sent_referral(credible, MemberStateFactory(), datetime.date(2026, 1, 5),
                                 response=AuthorityResponse.WILL_INVESTIGATE, response_on=datetime.date(2026, 1, 9),
                                 investigation_officer=f"Officer {n}", steps=[
                                     ("will_investigate", datetime.date(2026, 1, 9), {}),
                                     ("officer_appointed", datetime.date(2026, 1, 9), {"officer_name": f"Officer {n}"})])
        for day, kind in ((19, ReminderKind.RESPONSE_OVERDUE), (20, ReminderKind.ESCALATION)):
            Reminder.objects.create(referral=referral, kind=kind, about=ReminderKind.RESPONSE_OVERDUE,
                                    due_date=datetime.date(2026, 1, day), status=Reminder.Status.SENT)
    allegation = fresh(credible)
    # Status changes, referrals (with their recipients), reminders, ledger steps: four, however many there are.
    with django_assert_num_queries(4):
        events = case_clock(allegation)
    assert sum(e.is_reminder for e in events) == 2 * count
    assert sum(e.kind == ClockKind.SENT for e in events) == count
    assert sum(e.kind == ClockKind.OFFICER for e in events) == count


def test_the_allegation_page_shows_the_timeline_at_the_top_in_the_same_queries_for_one_or_five_referrals(
        client, officer, credible, france):
    referral = sent_referral(credible, france, datetime.date(2026, 3, 2))
    Reminder.objects.create(referral=referral, kind=ReminderKind.ESCALATION, about=ReminderKind.RESPONSE_OVERDUE,
                            due_date=datetime.date(2026, 3, 31), status=Reminder.Status.SENT)
    client.force_login(officer)
    url = f"/allegations/{credible.pk}/"
    with time_machine.travel("2026-04-01 09:00", tick=False):
        with CaptureQueriesContext(connection) as one:
            page = client.get(url).content.decode()
        for _ in range(4):
            sent_referral(credible, MemberStateFactory(), datetime.date(2026, 3, 2))
        with CaptureQueriesContext(connection) as five:
            assert client.get(url).status_code == 200
    assert len(one) == len(five)
    clock = page[page.index('<section aria-labelledby="h-clock"'):page.index("</section>", page.index('id="h-clock"'))]
    assert page.index('id="h-clock"') < page.index('id="h-facts"')  # near the top
    assert '<ol class="clock">' in clock and 'aria-current="date"' in clock
    assert "Referred to France" in clock and "Escalation" in clock and "Answer due from France" in clock
    assert "days overdue" in clock and "Allegation received" in clock


# --- the compact clock of list rows ----------------------------------------------------------

def compact(allegation, user) -> str:
    """The row's compact clock as read out: its words, on one line."""
    html = render_to_string("includes/case_clock_compact.html", {"allegation": allegation, "perms": PermWrapper(user)})
    assert not html.strip() or html.strip().startswith('<ul class="clock-compact"')
    return " ".join(strip_tags(html).split())


@pytest.mark.parametrize("count", [2, 8])
def test_it_annotates_list_rows_for_the_compact_clock_in_one_query(officer, car, france, count,
                                                                 django_assert_num_queries):
    for n in range(count):
        allegation = AllegationFactory(mission=car)
        if n % 2:
            referral = sent_referral(allegation, france, datetime.date(2026, 3, 2))
            Reminder.objects.create(referral=referral, kind=ReminderKind.RESPONSE_OVERDUE,
                                    about=ReminderKind.RESPONSE_OVERDUE, due_date=datetime.date(2026, 3, 17),
                                    status=Reminder.Status.SENT)
    assert officer.has_perm("referrals.view_referral")  # the reader's permissions: loaded once per request
    with time_machine.travel("2026-03-11 09:00", tick=False):
        with django_assert_num_queries(1):
            rows = list(Allegation.objects.filter(mission=car).with_clock())
            lines = [compact(row, officer) for row in rows]
    assert len(rows) == count
    referred = [line for line in lines if line]
    assert len(referred) == count // 2  # rows not yet referred show no clock: receipt is every row's first step
    assert all(line.startswith("referred ✓") and "answer due in 3 working days" in line and "1 reminder" in line
               for line in referred)


def test_the_compact_clock_follows_the_case_from_answer_to_outcome(officer, credible, france):
    referral = sent_referral(credible, france, datetime.date(2026, 3, 2))
    Reminder.objects.create(referral=referral, kind=ReminderKind.ESCALATION, about=ReminderKind.RESPONSE_OVERDUE,
                            due_date=datetime.date(2026, 3, 31), status=Reminder.Status.SENT)

    def row() -> Allegation:
        return Allegation.objects.with_clock().get(pk=credible.pk)

    with time_machine.travel("2026-04-01 09:00", tick=False):
        assert "answer 16 days overdue" in compact(row(), officer)
        assert "escalated" in compact(row(), officer)
        Referral.objects.filter(pk=referral.pk).update(response=AuthorityResponse.WILL_INVESTIGATE,
                                                       response_on=datetime.date(2026, 4, 1))
        line = compact(row(), officer)
        assert "answered" in line and "investigation due in" in line
        Referral.objects.filter(pk=referral.pk).update(outcome=InvestigationOutcome.SUBSTANTIATED,
                                                       outcome_on=datetime.date(2026, 4, 1))
        line = compact(row(), officer)
        assert "outcome reported ✓" in line and "investigation due" not in line
