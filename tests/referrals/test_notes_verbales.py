"""Sent reminders and escalations as numbered notes verbales, in the referral's language."""

import datetime

import pytest
import time_machine
from django.utils import translation

from core.models import AuditEvent
from referrals.models import Referral, Reminder
from referrals.reminders import reminder_send, sweep
from referrals.services import referral_draft, reminder_note_verbale
from tests.factories import AllegationFactory, PerpetratorFactory, make_victim

pytestmark = pytest.mark.django_db

COMPLIMENTS_FR = "présente ses compliments à la Mission permanente de"


def sent_referral(officer, chief, allegation, france, approve, *, language="en", day="2026-03-02") -> Referral:
    with time_machine.travel(f"{day} 09:00", tick=False):  # answer due ten working days later
        draft = referral_draft(actor=officer, allegation=allegation, member_state=france, language=language)
        approve(chief, draft)
    return Referral.objects.get(pk=draft.pk)


def run_sweep(day: str) -> None:
    with time_machine.travel(f"{day} 09:00", tick=False):
        for reminder_id in sweep():
            reminder_send(reminder_id)


@pytest.fixture
def referral(officer, chief, credible, france, approve):
    return sent_referral(officer, chief, credible, france, approve)


@pytest.fixture
def reminder(referral) -> Reminder:
    run_sweep("2026-03-17")
    return Reminder.objects.get(referral=referral)


def note_url(reminder: Reminder) -> str:
    return f"/referrals/{reminder.referral_id}/notes/{reminder.pk}/"


def test_it_numbers_a_note_once_and_keeps_the_number_on_a_second_view(client, officer, reminder):
    client.force_login(officer)
    with time_machine.travel("2026-03-18 10:00", tick=False):
        first = client.get(note_url(reminder))
    assert first.status_code == 200
    reminder.refresh_from_db()
    assert reminder.note_number == "SEA/NV/2026/0001"
    assert "SEA/NV/2026/0001" in first.content.decode()
    second = client.get(note_url(reminder))
    reminder.refresh_from_db()
    assert reminder.note_number == "SEA/NV/2026/0001"
    assert "SEA/NV/2026/0001" in second.content.decode()
    produced = AuditEvent.objects.filter(action="note_verbale_produced", actor=officer)
    assert [event.detail["first"] for event in produced.order_by("pk")] == [True, False]
    assert {event.detail["number"] for event in produced} == {"SEA/NV/2026/0001"}


def test_it_numbers_notes_in_sequence_within_a_year_and_starts_again_the_next(officer, chief, credible, car,
                                                                           sangaris, france, approve):
    other = AllegationFactory(mission=car, credibility=credible.credibility, date_received=datetime.date(2016, 6, 1))
    PerpetratorFactory(allegation=other, force=sangaris, nationality=france, identified=True)
    sent_referral(officer, chief, credible, france, approve)
    sent_referral(officer, chief, other, france, approve)
    run_sweep("2026-03-17")
    first, second = Reminder.objects.order_by("referral__allegation__date_received")
    numbers = []
    with time_machine.travel("2026-12-31 09:00", tick=False):
        numbers.append(reminder_note_verbale(actor=officer, reminder=first).number)
    with time_machine.travel("2027-01-04 09:00", tick=False):
        numbers.append(reminder_note_verbale(actor=officer, reminder=second).number)
        numbers.append(reminder_note_verbale(actor=officer, reminder=first).number)  # kept, not renumbered
    assert numbers == ["SEA/NV/2026/0001", "SEA/NV/2027/0001", "SEA/NV/2026/0001"]


def test_it_writes_the_english_note_verbale(client, officer, reminder):
    client.force_login(officer)
    page = client.get(note_url(reminder)).content.decode()
    assert '<html lang="en">' in page
    assert ("The Office of the United Nations High Commissioner for Human Rights presents its compliments to "
            "the Permanent Mission of France to the United Nations and has the honour to refer to its note of "
            "2 March 2026 (reference " + reminder.referral.allegation.reference + ")") in page
    assert "response on whether an investigation will be opened was due on 16 March 2026" in page
    assert "avails itself of this opportunity to renew" in page
    assert "assurances of its highest consideration" in page
    assert "brought the matter to the attention of its headquarters" not in page


def test_it_writes_an_escalation_and_an_overdue_investigation_too(officer, reminder, settings):
    referral = reminder.referral
    reminder.kind = "escalation"
    reminder.about = "investigation_overdue"
    reminder.save()
    html = reminder_note_verbale(actor=officer, reminder=reminder).html
    assert "brought the matter to the attention of its headquarters" in html
    assert "the outcome of the investigation was due on" in html
    assert referral.investigation_due.strftime("%Y") in html


def test_it_writes_the_note_in_french_for_a_french_referral(client, officer, chief, credible, france, approve):
    referral = sent_referral(officer, chief, credible, france, approve, language="fr")
    run_sweep("2026-03-17")
    reminder = Reminder.objects.get(referral=referral)
    client.force_login(officer)  # the officer reads in English; the note follows the referral
    page = client.get(note_url(reminder)).content.decode()
    assert '<html lang="fr">' in page
    assert "2 mars 2026" in page and "16 mars 2026" in page
    with translation.override("fr"):
        translated = translation.gettext("Note verbale") != "Note verbale" or COMPLIMENTS_FR in page
    if not translated:
        pytest.skip("the French catalogue does not carry the note verbale's strings yet (locale/ is filled by the lead)")
    assert "Haut-Commissariat des Nations Unies aux droits de l’homme" in page
    assert COMPLIMENTS_FR in page
    assert "a l’honneur de se référer à sa note du 2 mars 2026" in page
    assert "saisit cette occasion pour renouveler" in page


def test_it_quotes_nothing_of_a_victim_nor_the_narrative(client, officer, chief, credible, france, approve):
    credible.narrative = "Canary narrative of what happened"
    credible.save(update_fields=["narrative"])
    victim = make_victim(officer, credible, full_name="Canary Person Identity")
    referral = sent_referral(officer, chief, credible, france, approve)
    run_sweep("2026-03-17")
    reminder = Reminder.objects.get(referral=referral)
    client.force_login(officer)
    page = client.get(note_url(reminder)).content.decode()
    assert credible.reference in page
    for secret in ("Canary", "Person Identity", victim.code, str(victim.pk), "narrative of what happened"):
        assert secret not in page


def test_it_answers_404_for_another_referrals_reminder_and_out_of_scope(client, officer, outsider, reminder, chief,
                                                                        car, sangaris, france, approve):
    other = AllegationFactory(mission=car, credibility=reminder.referral.allegation.credibility,
                              date_received=datetime.date(2016, 6, 1))
    PerpetratorFactory(allegation=other, force=sangaris, nationality=france, identified=True)
    another = sent_referral(officer, chief, other, france, approve)
    client.force_login(officer)
    assert client.get(f"/referrals/{another.pk}/notes/{reminder.pk}/").status_code == 404
    client.force_login(outsider)
    assert client.get(note_url(reminder)).status_code == 404
    reminder.refresh_from_db()
    assert reminder.note_number is None  # nothing numbered for a refused request


def test_it_answers_404_for_a_reminder_that_was_not_sent(client, officer, reminder):
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.PENDING, sent_at=None)
    client.force_login(officer)
    assert client.get(note_url(reminder)).status_code == 404


def test_it_links_each_sent_reminder_to_its_note_on_the_referrals_page(client, officer, reminder):
    client.force_login(officer)
    page = client.get(f"/referrals/{reminder.referral_id}/").content.decode()
    assert f'href="{note_url(reminder)}"' in page
