import pytest

from tests.factories import AllegationFactory, make_provider, make_victim

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_users_operations_with_their_forces(api, officer, car, somalia, sangaris, amisom):
    missions = api(officer).get("/api/v1/missions/").json()
    assert [(m["name"], [f["name"] for f in m["forces"]]) for m in missions] == [("Central African Republic",
                                                                                  ["Sangaris"])]
    assert api(officer).head("/api/v1/missions/").status_code == 200


def test_providers_are_those_of_the_users_operations(api, advocate, car, somalia):
    make_provider(car, "Bangui clinic")
    make_provider(somalia, "Mogadishu clinic")
    assert [p["name"] for p in api(advocate).get("/api/v1/providers/").json()] == ["Bangui clinic"]


def test_an_advocate_is_assigned_and_a_stranger_is_refused(api, officer, advocate, outsider, car):
    victim = make_victim(officer, AllegationFactory(mission=car))
    url = f"/api/v1/victims/{victim.pk}/advocate/"
    refused = api(officer).post(url, {"advocate": outsider.pk, "version": victim.version}, format="json")
    assert refused.status_code == 400 and "advocate" in refused.json()
    assigned = api(officer).post(url, {"advocate": advocate.pk, "version": victim.version}, format="json")
    assert assigned.status_code == 200 and assigned.json()["advocate"] == advocate.pk


def test_a_childs_safeguarding_and_a_paternity_claim(api, officer, advocate, car):
    victim = make_victim(officer, AllegationFactory(mission=car), age_at_incident=14)
    client = api(advocate)
    saved = client.post(f"/api/v1/victims/{victim.pk}/safeguarding/",
                        {"version": victim.version, "guardian_relationship": "aunt",
                         "best_interests_assessed_on": "2016-06-01"}, format="json")
    assert saved.status_code == 200 and saved.json()["guardian_relationship"] == "aunt"
    claim = client.post(f"/api/v1/victims/{victim.pk}/claims/", {"claim_date": "2017-03-01"}, format="json")
    assert claim.status_code == 201 and claim.json()["child_code"]
    url = f"/api/v1/claims/{claim.json()['id']}/"
    assert client.patch(url, {"dna_status": "requested"}, format="json").status_code == 400  # no version
    changed = client.patch(url, {"dna_status": "requested", "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert api(officer).patch(url, {"dna_status": "collected", "version": 2}, format="json").status_code == 403
