import pytest

from core.models import AuditEvent
from tests.factories import AllegationFactory, make_provider, make_victim
from victims.models import Victim

pytestmark = pytest.mark.django_db


@pytest.fixture
def allegation(car):
    return AllegationFactory(mission=car)


def test_it_records_a_victim_and_never_lists_identity(api, officer, allegation):
    client = api(officer)
    response = client.post(f"/api/v1/allegations/{allegation.pk}/victims/",
                           {"full_name": "Aminata Canary", "sex": "female", "age_at_incident": 15}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_child"] is True and body["allegations"][0]["reference"] == allegation.reference
    listing = client.get("/api/v1/victims/").content.decode()
    detail = client.get(f"/api/v1/victims/{body['id']}/").content.decode()
    assert "Canary" not in listing and "Canary" not in detail and body["code"] in listing


def test_it_answers_409_for_a_possible_duplicate_then_records_when_confirmed(api, officer, allegation):
    make_victim(officer, allegation, full_name="Aminata Canary")
    client = api(officer)
    url = f"/api/v1/allegations/{allegation.pk}/victims/"
    duplicate = client.post(url, {"full_name": "aminata  canary"}, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "possible_duplicate"
    assert client.post(url, {"full_name": "aminata canary", "confirm_not_duplicate": True},
                       format="json").status_code == 201
    assert Victim.objects.count() == 2


def test_identity_is_revealed_only_to_holders_and_every_reveal_is_audited(api, officer, teammate, analyst, allegation):
    from guardian.shortcuts import assign_perm

    victim = make_victim(officer, allegation, full_name="Aminata Canary")
    assign_perm("victims.view_identity", teammate)
    chief = type(teammate).objects.get(pk=teammate.pk)
    url = f"/api/v1/victims/{victim.pk}/identity/"
    assert api(chief).get(url).status_code == 403  # never a GET: identity stays out of URLs and caches
    revealed = api(chief).post(url)
    assert revealed.status_code == 200 and revealed.json()["full_name"] == "Aminata Canary"
    assert api(officer).post(url).status_code == 404
    assert api(analyst).post(url).status_code == 404
    reveals = AuditEvent.objects.filter(action="identity_reveal", object_id=str(victim.pk))
    assert reveals.filter(outcome="success").count() == 1 and reveals.filter(outcome="denied").count() == 2


def test_an_officer_of_another_operation_gets_404_everywhere(api, officer, outsider, allegation):
    victim = make_victim(officer, allegation)
    client = api(outsider)
    assert client.get("/api/v1/victims/").json()["count"] == 0
    for url in (f"/api/v1/victims/{victim.pk}/", f"/api/v1/victims/{victim.pk}/consents/",
                f"/api/v1/victims/{victim.pk}/needs/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/api/v1/allegations/{allegation.pk}/victims/", {"sex": "female"},
                       format="json").status_code == 404


def test_a_childs_consent_must_come_from_a_guardian(api, officer, allegation):
    victim = make_victim(officer, allegation, age_at_incident=12)
    client = api(officer)
    url = f"/api/v1/victims/{victim.pk}/consents/"
    refused = client.post(url, {"scope": "contact", "decision": "given", "given_by": "victim"}, format="json")
    assert refused.status_code == 400 and "given_by" in refused.json()
    given = client.post(url, {"scope": "contact", "decision": "refused", "given_by": "guardian",
                              "guardian_relationship": "mother"}, format="json")
    assert given.status_code == 201
    assert [c["decision"] for c in client.get(url).json()] == ["refused"]


def test_an_advocate_records_and_follows_assistance(api, officer, advocate, car, allegation):
    victim = make_victim(officer, allegation)
    clinic = make_provider(car)
    client = api(advocate)
    created = client.post(f"/api/v1/victims/{victim.pk}/needs/",
                          {"category": "medical", "notes": "needs a clinic visit"}, format="json")
    assert created.status_code == 201, created.json()
    need = created.json()
    moved = client.post(f"/api/v1/needs/{need['id']}/transition/",
                        {"to_status": "referred", "version": need["version"], "provider": clinic.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "referred"
    skipped = client.post(f"/api/v1/needs/{need['id']}/transition/",
                          {"to_status": "identified", "version": moved.json()["version"]}, format="json")
    assert skipped.status_code == 400
    edited = client.patch(f"/api/v1/needs/{need['id']}/", {"follow_up_on": "2030-01-01", "version": 1}, format="json")
    assert edited.status_code == 409  # stale: the transition moved it on
    assert client.get(f"/api/v1/needs/{need['id']}/").json()["notes"] == "needs a clinic visit"


def test_contacts_need_consent(api, officer, advocate, allegation):
    victim = make_victim(officer, allegation, age_at_incident=30)
    client = api(advocate)
    url = f"/api/v1/victims/{victim.pk}/contacts/"
    call = {"contacted_on": "2020-01-02", "channel": "phone", "content": "explained the next steps"}
    assert client.post(url, call, format="json").status_code == 400
    consent = api(officer).post(f"/api/v1/victims/{victim.pk}/consents/", {"scope": "contact", "decision": "given",
                                                                           "given_by": "victim"}, format="json")
    assert consent.status_code == 201
    assert client.post(url, call, format="json").status_code == 201
    assert client.get(url).json()[0]["content"] == "explained the next steps"


def test_a_nul_byte_in_the_search_is_refused_not_a_crash(api, client, officer, allegation):
    make_victim(officer, allegation)
    assert api(officer).get("/api/v1/victims/", {"q": "V-\x00"}).status_code == 400
    client.force_login(officer)
    assert client.get("/victims/", {"q": "V-\x00"}).status_code == 200  # found by schemathesis: was a 500
