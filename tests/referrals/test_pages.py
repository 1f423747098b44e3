import datetime

import pytest
import time_machine

from referrals.models import Referral
from referrals.services import referral_draft
from tests.factories import make_victim
from victims.services import consent_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(officer, chief, credible, france, approve):
    with time_machine.travel("2026-03-02 09:00", tick=False):
        draft = referral_draft(actor=officer, allegation=credible, member_state=france)
        approve(chief, draft)
    return Referral.objects.get(pk=draft.pk)


def test_an_officer_of_another_operation_gets_404_on_every_referral_url(client, outsider, sent, credible):
    client.force_login(outsider)
    for method, url in [("get", f"/referrals/{sent.pk}/"), ("get", f"/referrals/{sent.pk}/print/"),
                        ("post", f"/referrals/{sent.pk}/approve/"), ("post", f"/referrals/{sent.pk}/record/"),
                        ("get", f"/referrals/new/{credible.pk}/"), ("post", f"/referrals/new/{credible.pk}/")]:
        assert getattr(client, method)(url, {"version": 1}).status_code == 404, url
    page = client.get("/referrals/").content.decode()
    assert credible.reference not in page
    assert credible.reference not in client.get("/referrals/outbox/").content.decode()


def test_the_pending_page_shows_days_overdue_and_filters(client, officer, sent, credible):
    client.force_login(officer)
    with time_machine.travel("2026-03-20 09:00", tick=False):
        page = client.get("/referrals/").content.decode()
        assert credible.reference in page and "4 days overdue" in page
        assert credible.reference in client.get("/referrals/", {"overdue": "on"}).content.decode()
        assert credible.reference not in client.get("/referrals/", {"authority": "Chad"}).content.decode()
        assert "overdue-referrals\">1<" in client.get("/").content.decode()


@pytest.mark.parametrize("sort", ["", "-reminders", "authority"])
@pytest.mark.parametrize("count", [10, 200])
def test_the_pending_page_runs_a_constant_number_of_queries(client, officer, credible, france, sent, count, sort,
                                                           django_assert_max_num_queries):
    Referral.objects.bulk_create([Referral(allegation=credible, member_state=france, status="sent",
                                           sent_on=datetime.date(2026, 1, 5), response_due=datetime.date(2026, 1, 19),
                                           investigation_due=datetime.date(2026, 7, 4)) for _ in range(count)])
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        response = client.get("/referrals/", {"sort": sort})
    assert response.context["page"].paginator.count == count + 1


def test_an_analyst_never_sees_a_notice_that_names_a_victim(client, officer, chief, analyst, credible, france, approve):
    victim = make_victim(officer, credible, full_name="Canary Ysolde", age_at_incident=25)
    consent_record(actor=officer, victim=victim, scope="share_identity_with_member_state", decision="given",
                   given_by="victim")
    draft = referral_draft(actor=officer, allegation=credible, member_state=france)
    from django.core.exceptions import ValidationError
    from guardian.shortcuts import assign_perm

    with pytest.raises(ValidationError, match="must be approved by someone allowed to see"):
        approve(chief, draft)
    assign_perm("victims.view_identity", chief)
    chief = type(chief).objects.get(pk=chief.pk)
    approve(chief, draft)
    client.force_login(analyst)
    page = client.get(f"/referrals/{draft.pk}/").content.decode()
    assert "Canary Ysolde" not in page and "not shown to your role" in page
    assert client.get(f"/referrals/{draft.pk}/print/").status_code == 404
    client.force_login(chief)
    assert "Canary Ysolde" in client.get(f"/referrals/{draft.pk}/").content.decode()


def test_a_step_out_of_order_shows_every_reason_at_once_and_keeps_what_was_typed(client, officer, sent):
    client.force_login(officer)
    response = client.post(f"/referrals/{sent.pk}/steps/", {"kind": "findings", "occurred_on": "2026-02-01",
                                                              "source_reference": "NV/2026/114"})
    assert response.status_code == 400
    page = response.content.decode()
    for reason in ("This date is before the referral was sent (2 March 2026).", "Choose one of: Substantiated, Not substantiated.",
                   "Record “Will investigate” first", "Say how the office learnt of this step."):
        assert reason in page, reason
    assert 'value="NV/2026/114"' in page and not sent.steps.exists()


def test_the_draft_form_explains_a_non_credible_allegation(client, officer, car, france):
    from tests.factories import AllegationFactory

    allegation = AllegationFactory(mission=car, credibility="pending")
    client.force_login(officer)
    response = client.post(f"/referrals/new/{allegation.pk}/", {"recipient": f"ms:{france.pk}", "language": "en"})
    assert response.status_code == 400
    assert "Only allegations assessed as credible can be referred." in response.content.decode()


@pytest.mark.django_db(transaction=True)  # real commits: the sending task runs when the approval commits
def test_it_says_sent_after_approval_once_the_notice_has_gone(client, officer, chief, credible, france):
    draft = referral_draft(actor=officer, allegation=credible, member_state=france)
    client.force_login(chief)
    page = client.post(f"/referrals/{draft.pk}/approve/", {"version": draft.version}, follow=True).content.decode()
    assert Referral.objects.get().status == "sent"
    assert "Approved and sent on" in page and "Sent, in follow-up" in page
    assert "goes out in the background" not in page and "Being sent" not in page


def test_it_says_why_a_perpetrators_state_without_a_focal_point_is_not_offered(client, officer, credible, sangaris):
    from tests.factories import MemberStateFactory, PerpetratorFactory, make_focal_point

    uganda = MemberStateFactory(iso3="UGA", iso2="UG", name="Uganda")
    make_focal_point(uganda, "permanent_mission", "pm@uganda.example.org")  # escalations only: nobody to notify
    PerpetratorFactory(allegation=credible, force=sangaris, nationality=uganda, identified=True)
    client.force_login(officer)
    page = client.get(f"/referrals/new/{credible.pk}/").content.decode()
    assert f'value="ms:{uganda.pk}"' not in page
    assert "no active focal point" in page and "<li>Uganda</li>" in page
    assert f'value="ms:{credible.perpetrators.first().nationality.pk}"' in page  # France stays offered
