import datetime

from allegations.models import Allegation, Status
from core.models import AuditEvent
from tests.factories import AllegationFactory, PerpetratorFactory

INTAKE = {
    "date_received": "2016-05-02", "incident_date": "2016-04-01", "incident_date_precision": "day",
    "source": "victim", "allegation_type": "SA", "subtype": "rape", "location": "Bangui",
    "narrative": "Met near the airport camp.", "credibility": "pending",
}


def intake(mission, force, **extra):
    return {**INTAKE, "mission": mission.pk,
            "perpetrators": [{"force": force.pk, "personnel_category": "military_contingent", "sex": "male"}], **extra}


def test_it_records_an_allegation_through_the_api(api, officer, car, sangaris):
    response = api(officer).post("/api/v1/allegations/", intake(car, sangaris), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("CAF-2016-") and body["status"] == Status.PRELIMINARY_ASSESSMENT
    assert body["narrative"] == "Met near the airport camp." and len(body["perpetrators"]) == 1
    assert AuditEvent.objects.filter(action="allegation_create", object_id=body["id"]).exists()


def test_it_answers_400_with_reasons_and_records_nothing(api, officer, car, sangaris):
    bad = intake(car, sangaris, date_received="2999-01-01", allegation_type="xx")
    response = api(officer).post("/api/v1/allegations/", bad, format="json")
    assert response.status_code == 400 and "allegation_type" in response.json()
    response = api(officer).post("/api/v1/allegations/", intake(car, sangaris, date_received="2999-01-01"), format="json")
    assert response.status_code == 400 and "date_received" in response.json()
    assert not Allegation.objects.exists()


def test_it_refuses_to_record_in_another_operation(api, outsider, car, sangaris):
    response = api(outsider).post("/api/v1/allegations/", intake(car, sangaris), format="json")
    assert response.status_code == 400 and "mission" in response.json()
    assert not Allegation.objects.exists()


def test_it_lists_only_the_users_operations_with_filters_and_ordering(api, officer, outsider, car, somalia):
    mine = [AllegationFactory(mission=car, date_received=datetime.date(2016, 1, d)) for d in (3, 1, 2)]
    AllegationFactory(mission=somalia)
    body = api(officer).get("/api/v1/allegations/", {"ordering": "date_received"}).json()
    assert body["count"] == 3 and [row["id"] for row in body["results"]] == [str(mine[i].pk) for i in (1, 2, 0)]
    assert api(outsider).get("/api/v1/allegations/").json()["count"] == 1
    assert api(officer).get("/api/v1/allegations/", {"year": 2015}).json()["count"] == 0
    bad = api(officer).get("/api/v1/allegations/", {"ordering": "narrative", "year": "x"})
    assert bad.status_code == 400 and set(bad.json()) == {"ordering", "year"}


def test_it_lists_in_a_constant_number_of_queries(api, officer, car, sangaris, django_assert_max_num_queries):
    client = api(officer)
    for _ in range(30):
        PerpetratorFactory(allegation=AllegationFactory(mission=car), force=sangaris)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/allegations/", {"page_size": 30})
    assert len(response.json()["results"]) == 30


def test_it_answers_404_for_another_operations_allegation_and_audits_it(api, outsider, car):
    allegation = AllegationFactory(mission=car)
    client = api(outsider)
    assert client.get(f"/api/v1/allegations/{allegation.pk}/").status_code == 404
    response = client.patch(f"/api/v1/allegations/{allegation.pk}/", {"location": "x", "version": 1}, format="json")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access_denied", object_id=str(allegation.pk)).count() == 2


def test_it_withholds_confidential_narratives_from_analysts(api, analyst, car):
    allegation = AllegationFactory(mission=car, narrative="secret details", narrative_confidential=True)
    body = api(analyst).get(f"/api/v1/allegations/{allegation.pk}/").json()
    assert body["narrative"] is None and body["narrative_withheld"] is True
    assert api(analyst).patch(f"/api/v1/allegations/{allegation.pk}/", {"version": 1}, format="json").status_code == 403


def test_it_edits_with_the_version_and_refuses_a_stale_one(api, officer, teammate, car, sangaris):
    allegation = AllegationFactory(mission=car)
    response = api(officer).patch(f"/api/v1/allegations/{allegation.pk}/", {"location": "Bria", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = api(teammate).patch(f"/api/v1/allegations/{allegation.pk}/", {"location": "Bambari", "version": 1}, format="json")
    assert stale.status_code == 409
    missing = api(teammate).patch(f"/api/v1/allegations/{allegation.pk}/", {"location": "Bambari"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    allegation.refresh_from_db()
    assert allegation.location == "Bria"


def test_it_changes_status_only_through_allowed_transitions(api, officer, car):
    allegation = AllegationFactory(mission=car)
    client = api(officer)
    url = f"/api/v1/allegations/{allegation.pk}/transition/"
    refused = client.post(url, {"to_status": Status.SUBSTANTIATED, "version": 1}, format="json")
    assert refused.status_code == 400 and "to_status" in refused.json()
    moved = client.post(url, {"to_status": Status.UNDER_INVESTIGATION, "version": 1, "note": "referred"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == Status.UNDER_INVESTIGATION


def test_it_refuses_a_revoked_or_expired_token(officer, car, time_machine):
    from rest_framework.test import APIClient

    from accounts.tokens import api_token_create, api_token_revoke

    token, key = api_token_create(actor=officer, name="script", days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/allegations/").status_code == 200
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=2))
    assert client.get("/api/v1/allegations/").status_code == 401
    token2, key2 = api_token_create(actor=officer, name="other")
    api_token_revoke(actor=officer, token=token2)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key2}")
    assert client.get("/api/v1/allegations/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token_refused").count() == 2


def test_a_disabled_users_token_stops_working(api, officer):
    client = api(officer)
    officer.is_active = False
    officer.save()
    assert client.get("/api/v1/allegations/").status_code == 401
