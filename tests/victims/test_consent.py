import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.factories import AllegationFactory, make_victim
from victims.models import Consent
from victims.querysets import consent_allows
from victims.services import consent_record

pytestmark = pytest.mark.django_db
SHARE = "share_identity_with_member_state"


@pytest.fixture
def adult(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), age_at_incident=25)


@pytest.fixture
def child(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), age_at_incident=15)


def test_no_decision_means_no_consent(adult):
    assert consent_allows(adult, SHARE) is False


def test_the_latest_decision_applies_and_withdrawal_is_immediate(officer, adult):
    with time_machine.travel("2026-01-01 10:00"):
        consent_record(actor=officer, victim=adult, scope=SHARE, decision="given", given_by="victim")
    assert consent_allows(adult, SHARE) is True
    with time_machine.travel("2026-01-02 10:00"):
        consent_record(actor=officer, victim=adult, scope=SHARE, decision="withdrawn", given_by="victim")
    assert consent_allows(adult, SHARE) is False
    assert list(adult.consents.values_list("decision", flat=True)) == ["withdrawn", "given"]  # history kept


def test_scopes_are_independent(officer, adult):
    consent_record(actor=officer, victim=adult, scope="assistance", decision="given", given_by="victim")
    assert consent_allows(adult, "assistance") is True
    assert consent_allows(adult, SHARE) is False


def test_a_childs_consent_comes_from_a_guardian(officer, child):
    with pytest.raises(ValidationError, match="parent or guardian"):
        consent_record(actor=officer, victim=child, scope=SHARE, decision="given", given_by="victim")
    with pytest.raises(ValidationError, match="Say who the guardian is"):
        consent_record(actor=officer, victim=child, scope=SHARE, decision="given", given_by="guardian")
    consent_record(actor=officer, victim=child, scope=SHARE, decision="given", given_by="guardian",
                   guardian_relationship="grandmother")
    assert consent_allows(child, SHARE) is True


def test_the_consent_form_shows_errors_and_records_nothing(client, officer, child):
    client.force_login(officer)
    response = client.post(f"/victims/{child.pk}/consents/", {SHARE: "given", "given_by": "victim"})
    assert response.status_code == 400
    assert "For a child, consent is given by a parent or guardian." in response.content.decode()
    assert not Consent.objects.exists()


def test_an_advocate_records_consent_in_the_browser(client, advocate, adult):
    client.force_login(advocate)
    response = client.post(f"/victims/{adult.pk}/consents/", {"contact": "refused",
                                                               "given_by": "victim"}, follow=True)
    assert "Consent decision recorded" in response.content.decode()
    assert Consent.objects.get().recorded_by == advocate


def test_an_analyst_cannot_record_consent(client, analyst, adult):
    client.force_login(analyst)
    assert client.post(f"/victims/{adult.pk}/consents/", {"contact": "given",
                                                           "given_by": "victim"}).status_code == 404
    assert not Consent.objects.exists()
