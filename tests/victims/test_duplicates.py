import pytest
from guardian.shortcuts import assign_perm

from core.models import AuditEvent
from tests.factories import AllegationFactory, make_victim
from victims.models import Victim
from victims.services import possible_duplicates

pytestmark = pytest.mark.django_db


def test_it_warns_of_a_retyped_name_and_lets_the_officer_link_the_existing_record(client, officer, car):
    assign_perm("victims.view_identity", officer)
    first_allegation = AllegationFactory(mission=car)
    existing = make_victim(officer, first_allegation, full_name="Aïcha N'Dongo")
    second_allegation = AllegationFactory(mission=car)
    client.force_login(officer)

    response = client.post(f"/victims/new/{second_allegation.pk}/", {"full_name": "  aicha   NDONGO ", "sex": "female"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "This may be someone already recorded" in page
    assert existing.code in page
    assert Victim.objects.count() == 1

    client.post(f"/victims/{existing.pk}/link/{second_allegation.pk}/")
    assert set(existing.allegations.all()) == {first_allegation, second_allegation}
    assert Victim.objects.count() == 1


def test_it_creates_a_second_record_when_the_officer_confirms_a_different_person(client, officer, car):
    allegation = AllegationFactory(mission=car)
    make_victim(officer, allegation, full_name="Grace Exemple")
    client.force_login(officer)
    response = client.post(f"/victims/new/{allegation.pk}/",
                           {"full_name": "grace exemple", "sex": "female", "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Victim.objects.count() == 2


def test_it_finds_duplicates_only_in_the_users_scope(officer, outsider, car, somalia):
    make_victim(officer, AllegationFactory(mission=car), full_name="Hawa Sample")
    assert possible_duplicates(user=outsider, full_name="Hawa Sample", date_of_birth=None) == []
    assert len(possible_duplicates(user=officer, full_name="hawa  sample", date_of_birth=None)) == 1


def test_it_does_not_warn_for_a_different_name(officer, car):
    make_victim(officer, AllegationFactory(mission=car), full_name="Hawa Sample")
    assert possible_duplicates(user=officer, full_name="Hawa Samples", date_of_birth=None) == []


def test_the_lookup_decrypts_nothing(officer, car, settings, django_assert_max_num_queries):
    for n in range(50):
        make_victim(officer, AllegationFactory(mission=car), full_name=f"Person {n}")
    settings.SEA_FIELD_KEYS = "only:" + "A" * 43  # with no way to decrypt, the lookup still works
    settings.SEA_BLIND_INDEX_KEY = settings.SEA_BLIND_INDEX_KEY
    with django_assert_max_num_queries(8):
        matches = possible_duplicates(user=officer, full_name="person 7", date_of_birth=None)
    assert [m.code for m in matches] == ["V-2016-0008"]


def test_a_match_on_name_and_birth_date_is_marked_stronger(officer, car):
    import datetime

    make_victim(officer, AllegationFactory(mission=car), full_name="Ruth Demo", date_of_birth=datetime.date(2001, 2, 3))
    make_victim(officer, AllegationFactory(mission=car), full_name="Ruth Demo", date_of_birth=datetime.date(1990, 1, 1))
    matches = possible_duplicates(user=officer, full_name="ruth demo", date_of_birth=datetime.date(2001, 2, 3))
    assert [m.same_birth_date for m in matches] == [True, False]


def test_without_identity_access_the_warning_names_no_record_and_is_audited(client, officer, teammate, car):
    existing = make_victim(officer, AllegationFactory(mission=car), full_name="Esther Sample")
    allegation = AllegationFactory(mission=car)
    client.force_login(teammate)
    response = client.post(f"/victims/new/{allegation.pk}/", {"full_name": "esther sample", "sex": "female"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Ask a colleague with identity access" in page
    assert existing.code not in page
    event = AuditEvent.objects.get(action="duplicate_check")
    assert (event.actor, event.detail) == (teammate, {"matches": [existing.code]})


def test_linking_needs_change_scope_on_the_victim(client, officer, outsider, car, somalia):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Linked Person")
    theirs = AllegationFactory(mission=somalia)
    client.force_login(outsider)
    assert client.post(f"/victims/{victim.pk}/link/{theirs.pk}/").status_code == 404
    assert list(victim.allegations.all()) != [theirs] and victim.allegations.count() == 1


def test_a_victim_page_hides_allegations_of_other_operations(client, officer, outsider, car, somalia):
    from victims.models import VictimAllegation

    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Two Places")
    elsewhere = AllegationFactory(mission=somalia, reference="SOM-2016-0099")
    VictimAllegation.objects.create(victim=victim, allegation=elsewhere)
    client.force_login(officer)
    assert "SOM-2016-0099" not in client.get(f"/victims/{victim.pk}/").content.decode()
    assert "SOM-2016-0099" not in client.get("/victims/").content.decode()
