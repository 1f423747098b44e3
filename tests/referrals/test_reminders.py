"""The reminder rules, in-process. The real worker and broker are exercised in test_reminders_worker.py."""

import datetime

import pytest
import time_machine

from core.models import OutboundEmail
from referrals.models import Referral, Reminder
from referrals.reminders import reminder_send, sweep
from tests.factories import record_step

pytestmark = pytest.mark.django_db


def run_sweep(day: str) -> list[Reminder]:
    with time_machine.travel(f"{day} 09:00", tick=False):
        for reminder_id in sweep():
            reminder_send(reminder_id)
    return list(Reminder.objects.order_by("due_date", "kind"))


def test_nothing_is_due_before_the_deadline(referral):
    assert run_sweep("2026-03-16") == []


def test_one_reminder_the_day_after_the_deadline_and_never_twice(referral):
    reminders = run_sweep("2026-03-17")
    assert [(r.kind, r.due_date, r.status) for r in reminders] == [
        ("response_overdue", datetime.date(2026, 3, 17), "sent")]
    assert run_sweep("2026-03-17") == reminders
    assert run_sweep("2026-03-18") == reminders
    assert OutboundEmail.objects.filter(subject__startswith="Reminder").count() == 1


def test_escalation_after_two_unanswered_reminders_goes_to_hq_and_the_permanent_mission(referral, settings):
    settings.SEA_HQ_ESCALATION_EMAILS = ["hq@example.org"]
    run_sweep("2026-03-17")
    run_sweep("2026-03-31")  # ten working days later: the second reminder
    reminders = run_sweep("2026-04-14")
    assert [(r.kind, r.due_date) for r in reminders] == [
        ("response_overdue", datetime.date(2026, 3, 17)), ("response_overdue", datetime.date(2026, 3, 31)),
        ("escalation", datetime.date(2026, 4, 14))]
    escalation = OutboundEmail.objects.get(subject__startswith="Escalation")
    assert set(escalation.recipients) == {"hq@example.org", "pm@france.example.org", "sea-focal@defense.example.fr"}
    assert run_sweep("2026-06-01") == reminders  # after escalating, headquarters takes over


def test_an_answer_stops_the_response_reminders(referral, officer):
    run_sweep("2026-03-17")
    record_step(officer, referral, "will_investigate", "2026-03-18")
    assert len(run_sweep("2026-04-30")) == 1


def test_the_investigation_deadline_gets_its_own_reminders(referral, officer):
    record_step(officer, referral, "will_investigate", "2026-03-10")
    reminders = run_sweep("2026-08-30")  # 180 days after 2026-03-02 is 2026-08-29
    assert [(r.kind, r.due_date) for r in reminders] == [("investigation_overdue", datetime.date(2026, 8, 30))]


def test_an_smtp_failure_leaves_the_reminder_pending_and_a_later_sweep_sends_it(referral, settings):
    settings.EMAIL_BACKEND = "tests.victims.test_weekly_digest.FailingBackend"
    settings.SEA_REMINDER_REQUEUE_MINUTES = 0
    with time_machine.travel("2026-03-17 09:00", tick=False):
        (reminder_id,) = sweep()
        with pytest.raises(OSError):
            reminder_send(reminder_id)
    assert Reminder.objects.get().status == "pending"
    assert not OutboundEmail.objects.filter(subject__startswith="Reminder").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert [r.status for r in run_sweep("2026-03-17")] == ["sent"]


def test_the_sweep_runs_a_bounded_number_of_queries(officer, credible, france, django_assert_max_num_queries):
    referrals = Referral.objects.bulk_create([
        Referral(allegation=credible, member_state=france, status="sent", sent_on=datetime.date(2026, 1, 5),
                 response_due=datetime.date(2026, 1, 19), investigation_due=datetime.date(2026, 7, 4))
        for _ in range(300)])
    with time_machine.travel("2026-03-01 09:00", tick=False), django_assert_max_num_queries(16):
        queued = sweep()
    assert len(queued) == len(referrals)  # both reminders fell due: the latest of each goes out, escalation waits


def test_a_change_of_holidays_never_sends_a_reminder_again(referral, settings):
    run_sweep("2026-03-17")
    settings.SEA_HOLIDAYS = ["2026-03-17"]  # the first reminder's date now computes as the 18th
    reminders = run_sweep("2026-03-18")
    assert len(reminders) == 1
    assert OutboundEmail.objects.filter(subject__startswith="Reminder").count() == 1


def test_after_an_outage_the_escalation_waits_an_interval_after_the_second_reminder(referral):
    reminders = run_sweep("2026-04-14")  # nothing ran for a month: both reminders go out today
    assert [r.kind for r in reminders] == ["response_overdue", "response_overdue"]
    assert [r.kind for r in run_sweep("2026-04-14")] == ["response_overdue", "response_overdue"]
    assert [r.kind for r in run_sweep("2026-04-28")][-1] == "escalation"


def test_a_reminder_answered_meanwhile_is_cancelled_not_requeued(referral, officer, settings):
    settings.SEA_REMINDER_REQUEUE_MINUTES = 0
    with time_machine.travel("2026-03-17 09:00", tick=False):
        (reminder_id,) = sweep()
    record_step(officer, referral, "will_investigate", "2026-03-16")
    with time_machine.travel("2026-03-17 10:00", tick=False):
        assert reminder_send(reminder_id) is False
        assert sweep() == []
    assert Reminder.objects.get().status == "cancelled"


def test_after_missed_sweeps_only_the_latest_due_reminder_of_a_kind_goes_out(referral, settings):
    settings.SEA_HQ_ESCALATION_EMAILS = ["hq@example.org"]
    reminders = run_sweep("2026-04-01")  # nothing ran on 17 and 31 March: both reminders fell due
    assert [(r.due_date, r.status) for r in reminders] == [
        (datetime.date(2026, 3, 17), "superseded"), (datetime.date(2026, 3, 31), "sent")]
    assert OutboundEmail.objects.filter(subject__startswith="Reminder").count() == 1
    assert run_sweep("2026-04-02") == reminders  # caught up: nothing more
    # the escalation still comes, an interval after the reminder that really went out
    assert run_sweep("2026-04-14") == reminders
    assert run_sweep("2026-04-15")[-1].kind == "escalation"
    assert OutboundEmail.objects.filter(subject__startswith="Escalation").count() == 1
