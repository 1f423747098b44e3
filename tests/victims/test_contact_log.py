import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AllegationFactory, make_victim
from victims.assistance import contact_record
from victims.models import VictimContact
from victims.services import consent_record

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 1)


@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), age_at_incident=30)


def test_no_contact_is_logged_without_consent(advocate, victim):
    with pytest.raises(ValidationError, match="has not consented to be contacted"):
        contact_record(actor=advocate, victim=victim, contacted_on=TODAY, channel="phone", content="Told of progress")
    assert not VictimContact.objects.exists()


def test_a_contact_is_logged_with_consent_and_refused_once_withdrawn(advocate, victim):
    consent_record(actor=advocate, victim=victim, scope="contact", decision="given", given_by="victim")
    contact = contact_record(actor=advocate, victim=victim, contacted_on=TODAY, channel="phone",
                             content="Told that the Member State appointed an investigator")
    assert VictimContact.objects.get(pk=contact.pk).content.startswith("Told that")
    consent_record(actor=advocate, victim=victim, scope="contact", decision="withdrawn", given_by="victim")
    with pytest.raises(ValidationError, match="withdrew consent"):
        contact_record(actor=advocate, victim=victim, contacted_on=TODAY, channel="phone", content="Again")
    assert VictimContact.objects.count() == 1


def test_the_page_explains_why_no_contact_can_be_logged(client, advocate, victim):
    client.force_login(advocate)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "No consent to be contacted: do not contact this person." in page
    response = client.post(f"/victims/{victim.pk}/contacts/", {"contacted_on": "2026-11-01", "channel": "phone",
                                                                "content": "x"})
    assert response.status_code == 400
    assert "has not consented to be contacted" in response.content.decode()
