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
    steps = f"/api/v1/referrals/{referral['id']}/steps/"
    undated = api(officer).post(steps, {"kind": "will_investigate", "source": "email"}, format="json")
    assert undated.status_code == 400 and "occurred_on" in undated.json()
    too_early = api(officer).post(steps, {"kind": "findings", "result": "substantiated", "source": "email",
                                          "occurred_on": sent["sent_on"]}, format="json")
    assert too_early.status_code == 400 and "Will investigate" in str(too_early.json()["kind"])
    answered = api(officer).post(steps, {"kind": "will_investigate", "source": "email", "occurred_on": sent["sent_on"],
                                         "source_reference": "NV 12/2026"}, format="json")
    assert answered.status_code == 201, answered.json()
    assert [s["kind"] for s in api(officer).get(steps).json()] == ["will_investigate"]
    summary = api(officer).get(f"/api/v1/referrals/{referral['id']}/").json()
    assert (summary["response"], summary["response_on"]) == ("will_investigate", sent["sent_on"])
    closed = api(officer).post(f"/api/v1/referrals/{referral['id']}/close/", {"version": sent["version"]},
                               format="json")
    assert closed.status_code == 409  # the step changed the referral since `sent` was read
    assert api(officer).get(f"/api/v1/referrals/{referral['id']}/reminders/").json() == []
    notice = api(officer).get(f"/api/v1/referrals/{referral['id']}/notification/").json()
    assert credible.reference in notice["subject"] + notice["text"]


def test_the_deprecated_answers_operation_records_ledger_steps(api, officer, chief, credible, france, approve):
    from referrals.services import referral_draft

    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    referral = Referral.objects.get()
    url = f"/api/v1/referrals/{referral.pk}/answers/"
    undated = api(officer).post(url, {"version": referral.version, "response": "will_investigate"}, format="json")
    assert undated.status_code == 400 and "response_on" in undated.json()
    answered = api(officer).post(url, {"version": referral.version, "response": "will_investigate",
                                       "response_on": referral.sent_on.isoformat(), "investigation_officer": "Col. X"},
                                 format="json")
    assert answered.status_code == 200, answered.json()
    assert [s.kind for s in referral.steps.order_by("recorded_at")] == ["will_investigate", "officer_appointed"]
    out_of_order = api(officer).post(url, {"version": answered.json()["version"], "outcome": "substantiated",
                                           "outcome_on": "2016-01-01"}, format="json")
    assert out_of_order.status_code == 400 and "outcome_on" in out_of_order.json()


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


def test_reading_a_notice_that_names_a_victim_is_an_audited_reveal(api, officer, teammate, credible, france):
    from guardian.shortcuts import assign_perm

    from core.models import AuditEvent
    from tests.factories import make_victim
    from victims.services import consent_record

    victim = make_victim(officer, credible, full_name="Named Canary", age_at_incident=30)
    consent_record(actor=officer, victim=victim, scope="share_identity_with_member_state", decision="given",
                   given_by="victim")
    drafted = api(officer).post(f"/api/v1/allegations/{credible.pk}/referrals/", {"member_state": france.pk},
                                format="json").json()
    url = f"/api/v1/referrals/{drafted['id']}/notification/"
    assert api(officer).get(url).status_code == 404  # names a victim: not for those who may not see identity
    assign_perm("victims.view_identity", teammate)
    reader = type(teammate).objects.get(pk=teammate.pk)
    assert "Named Canary" in api(reader).get(url).json()["text"]
    assert AuditEvent.objects.filter(action="identity_reveal", actor=reader, object_id=str(victim.pk)).count() == 1
