"""The home page is what needs doing, per role: each item counted, its first cases listed with their
deadline in words, each a link to where it is done, in a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allegations.models import Status
from core.working_days import add_working_days
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_draft, referral_return
from tests.factories import AllegationFactory, PerpetratorFactory, make_victim
from victims.models import AssistanceNeed, AssistanceStatus, Consent

pytestmark = pytest.mark.django_db


def _items(client, user) -> dict:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {item.key: item for item in response.context["work"]}


def _received_working_days_ago(mission, days: int) -> datetime.date:
    return add_working_days(mission.today(), -days)


def test_it_shows_the_approver_the_draft_waiting_for_him_and_the_drafter_her_returned_draft(
        client, officer, chief, credible, france):
    waiting = referral_draft(actor=officer, allegation=credible, member_state=france)
    items = _items(client, chief)
    assert list(items)[0] == "referrals_awaiting_approval"
    assert [e.url for e in items["referrals_awaiting_approval"].entries] == [f"/referrals/{waiting.pk}/"]

    referral_return(actor=chief, referral=waiting, expected_version=waiting.version, comment="Add the unit.")
    items = _items(client, officer)
    assert items["referrals_returned"].count == 1
    assert "referrals_awaiting_approval" not in _items(client, chief)


def test_it_shows_the_field_officer_late_assessments_missing_consents_and_answers_due(
        client, officer, car, credible, france, approve, chief):
    late = AllegationFactory(mission=car, date_received=_received_working_days_ago(car, 11))
    fresh = AllegationFactory(mission=car, date_received=_received_working_days_ago(car, 9))  # not late yet
    AllegationFactory(mission=car, date_received=_received_working_days_ago(car, 30),
                      status=Status.UNDER_INVESTIGATION)  # assessed
    victim = make_victim(officer, late)
    decided = make_victim(officer, late, full_name="Other Person")
    for scope in ("contact", "assistance"):
        Consent.objects.create(victim=decided, scope=scope, decision="given", given_by="victim")
    sent = approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    Referral.objects.filter(pk=sent.pk).update(response_due=add_working_days(car.today(), 2))

    items = _items(client, officer)
    assessment = items["allegations_assessment_overdue"]
    # The oldest first: the credible 2016 case, then the one whose ten working days ended yesterday.
    assert [e.text.split(" ")[0] for e in assessment.entries] == [credible.reference, late.reference]
    assert fresh.reference not in str(assessment.entries)
    assert "1 day overdue" in client.get("/").content.decode()  # its 10 working days ended yesterday
    assert [e.url for e in items["victims_consent_missing"].entries] == [f"/victims/{victim.pk}/#consent"]
    answers = items["referral_answers_due"]
    assert answers.entries[0].url == f"/referrals/{sent.pk}/"
    assert "due in 2 working days" in client.get("/").content.decode()
    listed = client.get(assessment.url).context["page"].object_list
    assert {a.reference for a in listed} == {credible.reference, late.reference}


def test_it_puts_the_advocate_caseload_first(client, officer, advocate, car, credible):
    victim = make_victim(officer, credible, age_at_incident=15)
    today = car.today()
    overdue = AssistanceNeed.objects.create(victim=victim, category="medical", identified_on=today,
                                            status=AssistanceStatus.REFERRED, follow_up_on=today - datetime.timedelta(days=4))
    AssistanceNeed.objects.create(victim=victim, category="legal", identified_on=today,
                                  follow_up_on=add_working_days(today, 10))  # later, not due yet
    items = _items(client, advocate)
    keys = list(items)
    assert keys[:4] == ["follow_ups_due", "children_without_assessment", "victims_without_advocate",
                        "needs_not_referred"]
    assert [e.url for e in items["follow_ups_due"].entries] == [f"/victims/needs/{overdue.pk}/"]
    assert items["children_without_assessment"].entries[0].child
    assert items["needs_not_referred"].count == 1
    listed = client.get(items["victims_without_advocate"].url).context["page"].object_list
    assert [v.pk for v in listed] == [victim.pk]
    assert "4 days overdue" in client.get("/").content.decode()


def test_it_asks_headquarters_for_what_the_annex_needs(client, analyst, car, sangaris, credible):
    undated = AllegationFactory(mission=car, incident_date=None)
    stateless = AllegationFactory(mission=car, incident_date=datetime.date(2016, 4, 1))
    PerpetratorFactory(allegation=stateless, force=sangaris, nationality=None)
    items = _items(client, analyst)
    assert undated.reference in {e.text.split(" ")[0] for e in items["allegations_no_incident_date"].entries}
    assert [e.text.split(" ")[0] for e in items["allegations_nationality_unknown"].entries] == [stateless.reference]
    assert "allegations_assessment_overdue" not in items  # casework is the field's


def test_it_lists_overdue_referrals_by_member_state_without_counting_referrals_as_more_states(
        client, analyst, officer, chief, credible, france, approve):
    for _ in range(2):
        sent = approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
        Referral.objects.filter(pk=sent.pk).update(response_due=datetime.date(2016, 6, 1))
    item = _items(client, analyst)["referrals_overdue_by_state"]
    assert item.count == 2 and [e.text for e in item.entries] == ["France: 2"] and item.more == 0
    assert "and 1 more" not in client.get("/").content.decode()


def test_it_tells_a_person_with_nothing_to_do_so(client, officer):
    client.force_login(officer)
    assert "Nothing is waiting for you right now." in client.get("/").content.decode()


@pytest.fixture
def caseload(officer, car, credible, france):
    """n late allegations, each with a child victim lacking consent, advocate and assessment, an overdue
    follow-up and a need not referred."""
    def make(n: int) -> None:
        today = car.today()
        for i in range(n):
            allegation = AllegationFactory(mission=car, date_received=_received_working_days_ago(car, 20 + i % 5),
                                           children_involved=True)
            victim = make_victim(officer, allegation, full_name=f"Person {i}", age_at_incident=12)
            AssistanceNeed.objects.create(victim=victim, category="medical", identified_on=today,
                                          follow_up_on=today - datetime.timedelta(days=1 + i % 3))
        for _ in range(6 + n // 20):  # more than the entries shown, so every size pays the count
            referral_draft(actor=officer, allegation=credible, member_state=france)
    return make


def test_it_builds_each_home_page_in_a_constant_number_of_queries(
        client, caseload, officer, chief, advocate, analyst, django_assert_max_num_queries):
    roles = {"officer": officer, "chief": chief, "advocate": advocate, "analyst": analyst}

    def queries(user) -> int:
        client.force_login(user)
        client.get("/")  # the session and permission caches warm up once
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        assert response.context["work"], user.username
        return len(captured)

    caseload(10)
    with_ten = {name: queries(user) for name, user in roles.items()}
    caseload(190)
    assert {name: queries(user) for name, user in roles.items()} == with_ten
    assert max(with_ten.values()) <= 40, with_ten


def test_it_shows_the_administrator_the_audit_chain_without_a_list_to_continue(client, db):
    from core.roles import ADMINISTRATOR
    from tests.factories import make_user

    items = _items(client, make_user("admin", ADMINISTRATOR))
    assert items["audit_chain"].urgent and not items["audit_chain"].entries  # never verified: one fact, no cases
    page = client.get("/").content.decode()
    assert "never verified" in page and "and 1 more" not in page
