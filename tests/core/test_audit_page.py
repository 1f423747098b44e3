"""The audit log as a page: actions in words (English and French), filters by user, action, allegation
reference, victim code, outcome and dates, paging that keeps them, and clear errors for what matches no record."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import UserPreference
from allegations.attachments import attachment_add
from core.audit import audit_record
from core.models import AuditEvent
from core.roles import ADMINISTRATOR
from referrals.services import referral_draft
from tests.factories import AllegationFactory, make_user, make_victim
from victims.assistance import need_create
from victims.services import victim_reveal_identity

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(db):
    return make_user("auditor", ADMINISTRATOR)


def shown(response) -> list[tuple[str, str]]:
    return [(e.actor_username, e.action) for e in response.context["page"].object_list]


def test_it_shows_actions_in_words_with_their_code(client, auditor, officer):
    audit_record(action="login", actor=officer)
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert "Signed in<br>" in page and '<small class="help" lang="en">login</small>' in page
    assert '<option value="identity_reveal">Identity viewed</option>' in page


def test_it_shows_actions_in_words_in_french(client, auditor, officer):
    """Needs the French of /tmp/fr/audit.json in locale/ (filled by the lead)."""
    audit_record(action="login", actor=officer)
    UserPreference.objects.create(user=auditor, language="fr")
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert "Connexion<br>" in page
    assert '<option value="identity_reveal">Identité consultée</option>' in page
    assert "Référence de l’allégation" in page and "Code de la victime" in page


def test_it_filters_by_user_and_dates(client, auditor, officer, outsider):
    with time_machine.travel("2026-03-01 10:00Z", tick=False):
        audit_record(action="login", actor=officer)
    with time_machine.travel("2026-03-05 10:00Z", tick=False):
        audit_record(action="login", actor=officer)
        audit_record(action="logout", actor=outsider)
    client.force_login(auditor)
    assert shown(client.get("/audit/", {"user": "OFFICER", "since": "2026-03-02", "until": "2026-03-05"})) == [
        ("officer", "login")]
    assert len(shown(client.get("/audit/", {"until": "2026-03-01"}))) == 1
    response = client.get("/audit/", {"since": "2026-03-05", "until": "2026-03-01"})
    assert response.status_code == 400 and "This date is before the “From” date." in response.content.decode()


def test_it_filters_by_allegation_reference_with_its_victims_referrals_and_files(client, auditor, officer, credible,
                                                                                 france, car):
    other = AllegationFactory(mission=car)
    victim = make_victim(officer, credible)  # victim_create names the allegation in its detail
    make_victim(officer, other)
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    attachment_add(actor=officer, allegation=credible, uploaded=SimpleUploadedFile("r.pdf", b"%PDF-1"))
    audit_record(action="allegation_update", actor=officer, obj=credible)
    audit_record(action="allegation_update", actor=officer, obj=other)
    client.force_login(auditor)
    response = client.get("/audit/", {"allegation": credible.reference.lower()})
    assert response.status_code == 200
    events = response.context["page"].object_list
    assert [e.action for e in events] == ["allegation_update", "attachment_add", "referral_draft", "victim_create"]
    assert {e.object_id for e in events} >= {str(credible.pk), str(referral.pk), str(victim.pk)}


def test_it_filters_by_victim_code_with_its_needs_and_identity_reads(client, auditor, officer, car, advocate):
    allegation = AllegationFactory(mission=car)
    victim, other = make_victim(officer, allegation), make_victim(officer, allegation)
    victim_reveal_identity(actor=advocate, victim=victim)
    victim_reveal_identity(actor=advocate, victim=other)
    need_create(actor=advocate, victim=victim, category="medical")
    client.force_login(auditor)
    events = client.get("/audit/", {"victim": victim.code}).context["page"].object_list
    assert [e.action for e in events] == ["assistance_need_create", "identity_reveal", "victim_create"]
    assert client.get("/audit/", {"victim": victim.code, "user": "advocate"}).context["page"].paginator.count == 2


def test_it_says_when_a_reference_or_code_matches_nothing(client, auditor, officer):
    audit_record(action="login", actor=officer)
    client.force_login(auditor)
    response = client.get("/audit/", {"allegation": "NOPE-2016-0001", "victim": "V-1999-9999"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "No allegation has this reference." in page and "No victim has this code." in page
    assert 'href="#id_allegation"' in page  # the error summary links to the field
    assert response.context["page"].paginator.count == 0  # not the whole trail, as if it matched


def test_the_pager_keeps_the_filters(client, auditor, officer, settings):
    settings.PAGE_SIZE = 2
    for _ in range(3):
        audit_record(action="login", actor=officer)
    client.force_login(auditor)
    page = client.get("/audit/", {"user": "officer", "action": "login"}).content.decode()
    assert "?user=officer&amp;action=login&amp;page=2" in page


def test_filtering_costs_the_same_queries_for_many_events(client, auditor, officer, credible, france,
                                                          django_assert_max_num_queries):
    client.force_login(auditor)
    for n in range(30):
        audit_record(action="allegation_update", actor=officer, obj=credible, detail={"n": n})
        referral_draft(actor=officer, allegation=credible, member_state=france)
    with django_assert_max_num_queries(12):
        assert client.get("/audit/", {"allegation": credible.reference}).status_code == 200


def test_it_is_not_found_for_a_field_officer(client, officer):
    client.force_login(officer)
    assert client.get("/audit/", {"victim": "V-2016-0001"}).status_code == 404
    assert AuditEvent.objects.filter(action="access_denied").count() == 0  # a page refused, no record read

