import pytest
from guardian.shortcuts import assign_perm

from core.models import AuditEvent
from tests.factories import AllegationFactory, make_victim
from victims.models import Victim

pytestmark = pytest.mark.django_db


def test_an_officer_adds_a_victim_from_the_allegation(client, officer, car):
    allegation = AllegationFactory(mission=car)
    client.force_login(officer)
    response = client.post(f"/victims/new/{allegation.pk}/", {"full_name": "New Person", "sex": "female",
                                                               "age_at_incident": "16"}, follow=True)
    victim = Victim.objects.get()
    assert f"Victim {victim.code} added to {allegation.reference}." in response.content.decode()
    assert victim.code == "V-2016-0001" and victim.is_child
    assert victim.full_name == "New Person"


def test_bad_victim_input_gets_field_errors_and_saves_nothing(client, officer, car):
    allegation = AllegationFactory(mission=car)
    client.force_login(officer)
    response = client.post(f"/victims/new/{allegation.pk}/", {"full_name": "X", "sex": "robot",
                                                               "date_of_birth": "2999-01-01", "age_at_incident": "-3"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and "greater than or equal to 0" in page
    assert not Victim.objects.exists()


def test_a_future_date_of_birth_is_refused(client, officer, car):
    allegation = AllegationFactory(mission=car)
    client.force_login(officer)
    response = client.post(f"/victims/new/{allegation.pk}/", {"full_name": "X", "sex": "female",
                                                               "date_of_birth": "2999-01-01"})
    assert "The date of birth cannot be in the future." in response.content.decode()
    assert not Victim.objects.exists()


def test_opening_the_edit_form_with_identity_is_an_audited_reveal(client, officer, car):
    assign_perm("victims.view_identity", officer)
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Edit Me")
    client.force_login(officer)
    page = client.get(f"/victims/{victim.pk}/edit/").content.decode()
    assert 'value="Edit Me"' in page
    assert AuditEvent.objects.filter(action="identity_reveal", object_id=str(victim.pk)).count() == 1


def test_an_officer_without_identity_edits_only_the_description(client, teammate, officer, car):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Keep Me")
    client.force_login(teammate)
    page = client.get(f"/victims/{victim.pk}/edit/").content.decode()
    assert "full_name" not in page
    client.post(f"/victims/{victim.pk}/edit/", {"version": 1, "sex": "male", "full_name": "Overwritten"})
    victim.refresh_from_db()
    assert (victim.full_name, victim.sex) == ("Keep Me", "male")


def test_a_stale_victim_edit_is_refused(client, officer, car):
    victim = make_victim(officer, AllegationFactory(mission=car))
    client.force_login(officer)
    client.post(f"/victims/{victim.pk}/edit/", {"version": 1, "sex": "male"})
    response = client.post(f"/victims/{victim.pk}/edit/", {"version": 1, "sex": "unknown"})
    assert response.status_code == 409
    victim.refresh_from_db()
    assert (victim.sex, victim.version) == ("male", 2)


def test_an_unreadable_identity_is_an_audited_error_never_text(client, officer, car, settings):
    assign_perm("victims.view_identity", officer)
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Lost Key")
    settings.SEA_FIELD_KEYS = "other:" + "B" * 43
    client.force_login(officer)
    response = client.post(f"/victims/{victim.pk}/reveal/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "This identity cannot be decrypted" in page
    assert "sea1:" not in page and "Lost Key" not in page
    assert AuditEvent.objects.filter(action="decryption_failed", object_id=str(victim.pk)).count() == 1


def test_an_unreadable_narrative_is_reported_not_shown(client, officer, car, settings):
    allegation = AllegationFactory(mission=car, narrative="secret narrative")
    settings.SEA_FIELD_KEYS = "other:" + "B" * 43
    client.force_login(officer)
    page = client.get(f"/allegations/{allegation.pk}/").content.decode()
    assert "The narrative cannot be decrypted" in page
    assert "sea1:" not in page


def test_every_label_on_a_childs_page_points_at_its_own_field(client, chief, car):
    """The safeguarding and consent forms both ask for the guardian's relationship: one id each."""
    import collections
    import re

    victim = make_victim(chief, AllegationFactory(mission=car), full_name="Child Person", age_at_incident=12)
    client.force_login(chief)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'for="id_safeguarding_guardian_relationship"' in page and 'for="id_consent_guardian_relationship"' in page
    assert re.findall(r'<label for="">', page) == []  # each purpose's decision is a fieldset with a legend instead
    assert re.search(r'<fieldset class="inline"[^>]*><legend>Be contacted about the case</legend>', page)
