import pytest
from guardian.shortcuts import assign_perm

from allegations.models import Allegation, Status
from core.models import AuditEvent
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db


def allegation_urls(allegation):
    return [
        ("get", f"/allegations/{allegation.pk}/"),
        ("get", f"/allegations/{allegation.pk}/edit/"),
        ("post", f"/allegations/{allegation.pk}/edit/"),
        ("post", f"/allegations/{allegation.pk}/status/"),
    ]


def test_it_answers_404_on_every_allegation_url_of_another_operation(client, outsider, car):
    allegation = AllegationFactory(mission=car)
    client.force_login(outsider)
    for method, url in allegation_urls(allegation):
        response = getattr(client, method)(url, {"to_status": Status.CLOSED_OTHER, "version": 1})
        assert response.status_code == 404, (method, url)
        assert allegation.reference not in response.content.decode()
    allegation.refresh_from_db()
    assert allegation.status == Status.PRELIMINARY_ASSESSMENT


def test_it_audits_each_denied_access(client, outsider, car):
    allegation = AllegationFactory(mission=car)
    client.force_login(outsider)
    client.get(f"/allegations/{allegation.pk}/")
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.actor, event.object_id, event.outcome) == (outsider, str(allegation.pk), "denied")


def test_it_lists_only_the_operations_of_the_officer(client, officer, outsider, car, somalia):
    mine = AllegationFactory(mission=car)
    theirs = AllegationFactory(mission=somalia)
    client.force_login(officer)
    page = client.get("/allegations/").content.decode()
    assert mine.reference in page
    assert theirs.reference not in page


def test_it_lets_a_teammate_of_the_same_operation_work_on_the_record(client, teammate, car):
    allegation = AllegationFactory(mission=car)
    client.force_login(teammate)
    assert client.get(f"/allegations/{allegation.pk}/edit/").status_code == 200


def test_it_shows_hq_analysts_everything_read_only_without_confidential_narrative(client, analyst, car, somalia):
    allegation = AllegationFactory(mission=car, narrative="Confidential account of the events", narrative_confidential=True)
    AllegationFactory(mission=somalia)
    client.force_login(analyst)
    assert client.get("/allegations/").content.decode().count("TST-2016-") == 2
    detail = client.get(f"/allegations/{allegation.pk}/").content.decode()
    assert "Confidential account of the events" not in detail
    assert "The narrative is confidential" in detail
    assert client.get(f"/allegations/{allegation.pk}/edit/").status_code == 404
    assert client.post(f"/allegations/{allegation.pk}/status/", {"to_status": "closed_other", "version": 1}).status_code == 404


def test_it_shows_the_narrative_to_the_officer_of_the_operation(client, officer, car):
    allegation = AllegationFactory(mission=car, narrative="Confidential account of the events")
    client.force_login(officer)
    assert "Confidential account of the events" in client.get(f"/allegations/{allegation.pk}/").content.decode()


def test_it_lets_one_record_be_shared_with_one_user(client, outsider, car):
    shared = AllegationFactory(mission=car)
    other = AllegationFactory(mission=car)
    assign_perm("allegations.view_allegation", outsider, shared)
    client.force_login(outsider)
    assert client.get(f"/allegations/{shared.pk}/").status_code == 200
    assert client.get(f"/allegations/{other.pk}/").status_code == 404
    assert client.get(f"/allegations/{shared.pk}/edit/").status_code == 404
    assert list(Allegation.objects.visible_to(outsider)) == [shared]


def test_it_gives_a_user_without_a_role_nothing(client, django_user_model, car):
    AllegationFactory(mission=car)
    nobody = django_user_model.objects.create_user("nobody", password="x" * 12)
    client.force_login(nobody)
    assert Allegation.objects.visible_to(nobody).count() == 0
    assert client.get("/allegations/new/").status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client, car):
    allegation = AllegationFactory(mission=car)
    response = client.get(f"/allegations/{allegation.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
