"""The ledger of a referral: its ordering rules, the summary it writes, corrections, and the reminders it stops."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from referrals.choices import ANSWERS, ONCE, REQUIRES, StepKind
from referrals.ledger import StepEntry
from referrals.models import ReferralStep, Reminder
from referrals.reminders import reminder_send, sweep
from referrals.services import referral_step_correct
from tests.factories import make_victim, record_step
from victims.models import PaternityClaim

pytestmark = pytest.mark.django_db


def refusal(officer, referral, kind, on, **details) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        record_step(officer, referral, kind, on, **details)
    return error.value.message_dict


def test_it_refuses_every_step_recorded_before_the_one_it_needs(officer, referral):
    claim_free = {k: v for k, v in REQUIRES.items() if k not in (StepKind.DNA_RESULT, StepKind.SUPPORT_PAYMENT)}
    details = {StepKind.OFFICER_APPOINTED: {"officer_name": "Cdt A"}, StepKind.INTERIM_MEASURE: {"result": "repatriation"},
               StepKind.FINDINGS: {"result": "substantiated"}, StepKind.SANCTION: {"result": "disciplinary"},
               StepKind.PROSECUTION_RESULT: {"result": "convicted"},
               StepKind.VICTIM_INFORMED_OUTCOME: {"informed_by": "VRA", "informed_how": "phone"}}
    for kind, (needed, _result) in claim_free.items():
        errors = refusal(officer, referral, kind, "2026-03-10", **details.get(kind, {}))
        assert any(f"Record “{StepKind(needed).label}" in message for message in errors["kind"]), (kind, errors)
    assert not referral.steps.exists()


def test_it_refuses_a_second_answer_and_a_repeat_of_a_once_only_step(officer, referral):
    record_step(officer, referral, "declines", "2026-03-10")
    assert "already recorded" in refusal(officer, referral, "will_investigate", "2026-03-11")["kind"][0]
    assert "already in the ledger" in refusal(officer, referral, "declines", "2026-03-11")["kind"][0]
    assert {StepKind.DECLINES, StepKind.ACKNOWLEDGED} <= ONCE and StepKind.DECLINES in ANSWERS
    # Declined: nothing of an investigation can follow.
    assert "Will investigate" in refusal(officer, referral, "officer_appointed", "2026-03-12", officer_name="X")["kind"][0]


def test_it_refuses_a_step_dated_before_the_step_it_follows(officer, referral):
    record_step(officer, referral, "will_investigate", "2026-03-10")
    errors = refusal(officer, referral, "findings", "2026-03-09", result="substantiated")
    assert errors["occurred_on"] == ["“Findings of the investigation” cannot be dated before “Will investigate” (10 March 2026)."]


def test_it_records_no_answer_only_after_the_answer_was_due(officer, referral):
    assert "due by 16 March 2026" in refusal(officer, referral, "no_answer", "2026-03-16")["occurred_on"][0]
    record_step(officer, referral, "no_answer", "2026-03-17")
    referral.refresh_from_db()
    assert referral.response == "no_response"
    record_step(officer, referral, "will_investigate", "2026-04-02")  # a late answer still counts
    referral.refresh_from_db()
    assert (referral.response, referral.response_on) == ("will_investigate", datetime.date(2026, 4, 2))


def test_it_shows_every_missing_detail_at_once(officer, referral):
    errors = refusal(officer, referral, "victim_informed_progress", "2027-01-01", source="")
    assert set(errors) == {"occurred_on", "source", "informed_by", "informed_how"}


def test_it_writes_the_answer_the_officer_and_the_outcome_from_the_ledger(officer, referral):
    record_step(officer, referral, "acknowledged", "2026-03-04")
    record_step(officer, referral, "will_investigate", "2026-03-10")
    record_step(officer, referral, "officer_appointed", "2026-03-12", officer_name="Cdt A")
    record_step(officer, referral, "officer_appointed", "2026-05-01", officer_name="Col. B")  # replaced
    record_step(officer, referral, "findings", "2026-07-01", result="not_substantiated")
    referral.refresh_from_db()
    assert (referral.response, referral.response_on, referral.investigation_officer, referral.outcome,
            referral.outcome_on) == ("will_investigate", datetime.date(2026, 3, 10), "Col. B", "not_substantiated",
                                     datetime.date(2026, 7, 1))
    assert AuditEvent.objects.filter(action="referral_step").count() == 5


def test_a_paternity_step_names_a_claim_of_the_allegations_victims(officer, referral, credible, advocate):
    assert "no victim of this allegation has a paternity claim" in refusal(
        officer, referral, "dna_sample_taken", "2026-03-10")["kind"][0].lower()
    victim = make_victim(officer, credible)
    claim = PaternityClaim.objects.create(victim=victim, child_code="C-2016-0001", claim_date=datetime.date(2017, 1, 5))
    assert "Choose the paternity claim" in refusal(officer, referral, "dna_sample_taken", "2026-03-10")["paternity_claim"][0]
    record_step(officer, referral, "dna_sample_taken", "2026-03-10", paternity_claim_id=claim.pk)
    record_step(officer, referral, "dna_result", "2026-04-10", paternity_claim_id=claim.pk, result="paternity_established")
    assert referral.steps.count() == 2


def test_a_correction_replaces_the_entry_and_keeps_it(officer, teammate, referral):
    wrong = record_step(officer, referral, "will_investigate", "2026-03-10", note="by e-mail")
    fixed = referral_step_correct(actor=teammate, referral=referral, step_id=wrong.pk,
                                  entry=StepEntry(kind="declines", occurred_on=datetime.date(2026, 3, 11), source="email"))
    referral.refresh_from_db()
    assert (referral.response, referral.response_on) == ("declines", datetime.date(2026, 3, 11))
    assert fixed.replaces_id == wrong.pk and ReferralStep.objects.filter(pk=wrong.pk).exists()
    assert list(referral.steps.current()) == [fixed]
    event = AuditEvent.objects.get(action="referral_step_corrected")
    assert event.detail["replaces"] == str(wrong.pk)
    from core.locking import StaleEditError
    with pytest.raises(StaleEditError):  # corrected already: correct the current entry
        referral_step_correct(actor=officer, referral=referral, step_id=wrong.pk,
                              entry=StepEntry(kind="declines", occurred_on=datetime.date(2026, 3, 12), source="email"))


def test_a_correction_that_would_orphan_later_steps_is_refused(officer, referral):
    answer = record_step(officer, referral, "will_investigate", "2026-03-10")
    record_step(officer, referral, "findings", "2026-06-01", result="substantiated")
    with pytest.raises(ValidationError, match="needs “Will investigate” before it"):
        referral_step_correct(actor=officer, referral=referral, step_id=answer.pk,
                              entry=StepEntry(kind="declines", occurred_on=datetime.date(2026, 3, 10), source="email"))
    referral.refresh_from_db()
    assert referral.response == "will_investigate" and referral.steps.count() == 2


def test_an_answer_cancels_the_pending_response_reminder_at_once(officer, referral):
    with time_machine.travel("2026-03-17 09:00", tick=False):
        (reminder_id,) = sweep()  # due and queued, not sent yet
    record_step(officer, referral, "will_investigate", "2026-03-17")
    assert Reminder.objects.get(pk=reminder_id).status == Reminder.Status.CANCELLED
    with time_machine.travel("2026-03-17 10:00", tick=False):
        assert reminder_send(reminder_id) is False  # a worker holding the old task sends nothing


def test_findings_cancel_the_investigation_reminders_but_not_the_answer_reminders(officer, referral):
    Reminder.objects.create(referral=referral, kind="investigation_overdue", about="investigation_overdue",
                            due_date=datetime.date(2026, 8, 30))
    record_step(officer, referral, "acknowledged", "2026-03-04")  # not an answer: the answer is still chased
    assert Reminder.objects.get().status == Reminder.Status.PENDING
    record_step(officer, referral, "will_investigate", "2026-03-10")
    record_step(officer, referral, "findings", "2026-06-01", result="substantiated")
    assert Reminder.objects.get().status == Reminder.Status.CANCELLED


def test_the_page_says_why_the_investigation_deadline_moved(client, officer, referral, credible):
    from victims.services import victim_update

    victim = make_victim(officer, credible, age_at_incident=30)
    referral.refresh_from_db()
    assert referral.investigation_due == datetime.date(2026, 8, 29)  # 180 days
    victim_update(actor=officer, victim=victim, expected_version=victim.version, values={"age_at_incident": 15})
    referral.refresh_from_db()
    assert referral.investigation_due == datetime.date(2026, 5, 31)  # 90 days
    client.force_login(officer)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "(it was 29 August 2026): a victim under 18 was recorded after sending" in page


def test_it_keeps_only_what_the_step_uses(officer, referral):
    """The form still held an officer's name typed for another step: an answer does not carry it."""
    step = record_step(officer, referral, "will_investigate", "2026-03-10", officer_name="Lt-Col. Demo",
                       result="convicted", informed_by="VRA")
    assert (step.officer_name, step.result, step.informed_by) == ("", "", "")
    referral.refresh_from_db()
    assert referral.investigation_officer == ""
