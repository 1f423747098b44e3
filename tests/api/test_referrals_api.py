import pytest

from referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def test_it_drafts_approves_and_records_through_the_api(api, officer, chief, credible, france,
                                                        django_capture_on_commit_callbacks):
    drafted = api(officer).post(f"/api/v1/allegations/{credible.pk}/referrals/", {"member_state": france.pk},
                                format="json")
    assert drafted.status_code == 201, drafted.json()
    referral = drafted.json()
    own = api(officer).post(f"/api/v1/referrals/{referral['id']}/approve/", {"version": 1}, format="json")
    assert own.status_code == 403  # the drafter's role cannot approve at all
    with django_capture_on_commit_callbacks(execute=True):
        approved = api(chief).post(f"/api/v1/referrals/{referral['id']}/approve/", {"version": 1}, format="json")
    assert approved.status_code == 200
    sent = api(officer).get(f"/api/v1/referrals/{referral['id']}/").json()
    assert sent["status"] == ReferralStatus.SENT and sent["response_due"]
    answer = api(officer).post(f"/api/v1/referrals/{referral['id']}/answers/",
                               {"version": sent["version"], "response": "will_investigate"}, format="json")
    assert answer.status_code == 400 and "response_on" in answer.json()
    assert api(officer).get(f"/api/v1/referrals/{referral['id']}/reminders/").json() == []
    notice = api(officer).get(f"/api/v1/referrals/{referral['id']}/notification/").json()
    assert credible.reference in notice["subject"] + notice["text"]


def test_a_draft_of_an_allegation_not_credible_is_refused(api, officer, car, france):
    from tests.factories import AllegationFactory

    allegation = AllegationFactory(mission=car)
    response = api(officer).post(f"/api/v1/allegations/{allegation.pk}/referrals/", {"member_state": france.pk},
                                 format="json")
    assert response.status_code == 400 and "allegation" in response.json()
    assert not Referral.objects.exists()


def test_another_operation_sees_no_referral(api, officer, outsider, credible, france):
    drafted = api(officer).post(f"/api/v1/allegations/{credible.pk}/referrals/", {"member_state": france.pk},
                                format="json").json()
    client = api(outsider)
    assert client.get("/api/v1/referrals/").json()["count"] == 0
    assert client.get(f"/api/v1/referrals/{drafted['id']}/").status_code == 404
    assert client.post(f"/api/v1/allegations/{credible.pk}/referrals/", {"member_state": france.pk},
                       format="json").status_code == 404
