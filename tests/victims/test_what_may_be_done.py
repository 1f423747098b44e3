import pytest
import time_machine

from core.models import AuditEvent
from tests.factories import AllegationFactory, make_victim
from victims.models import Consent
from victims.querysets import consent_allows, what_may_be_done
from victims.services import consent_record

pytestmark = pytest.mark.django_db
SCOPES = ["contact", "share_identity_with_member_state", "share_identity_with_un_partners", "assistance"]


@pytest.fixture
def adult(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), age_at_incident=25)


@pytest.fixture
def child(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), age_at_incident=15)


def allowance(victim, scope):
    return next(a for a in what_may_be_done(victim) if a.scope == scope)


@pytest.mark.parametrize("scope", SCOPES)
def test_it_says_not_asked_yet_for_a_scope_never_decided(adult, scope):
    a = allowance(adult, scope)
    assert (a.allowed, a.asked) == (False, False)
    assert a.reason.startswith("Not asked yet")


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("decision,allowed,words", [("given", True, "Yes: consent given by the victim on 3 May 2016."),
                                                    ("refused", False, "No: consent refused on 3 May 2016."),
                                                    ("withdrawn", False, "No: consent withdrawn on 3 May 2016.")])
def test_it_gives_the_latest_decision_with_its_reason(officer, adult, scope, decision, allowed, words):
    with time_machine.travel("2016-05-03 10:00"):
        consent_record(actor=officer, victim=adult, scope=scope, decision=decision, given_by="victim")
    a = allowance(adult, scope)
    assert (a.allowed, a.reason) == (allowed, words)
    assert a.allowed is consent_allows(adult, scope)  # one rule


def test_it_counts_a_guardians_yes_for_a_child_but_not_the_childs_own(officer, child):
    with time_machine.travel("2016-05-03 10:00"):
        consent_record(actor=officer, victim=child, scope="assistance", decision="given", given_by="guardian",
                       guardian_relationship="mother")
        # recorded before her age was corrected: a yes of her own
        Consent.objects.create(victim=child, scope="contact", decision="given", given_by="victim")
    assert allowance(child, "assistance").reason == "Yes: consent given by the guardian on 3 May 2016."
    own = allowance(child, "contact")
    assert (own.allowed, own.asked) == (False, True) and "only a parent's or guardian's consent counts" in own.reason


def test_it_follows_the_latest_decision_only(officer, adult):
    with time_machine.travel("2016-05-01 10:00"):
        consent_record(actor=officer, victim=adult, scope="contact", decision="given", given_by="victim")
    with time_machine.travel("2016-05-03 10:00"):
        consent_record(actor=officer, victim=adult, scope="contact", decision="withdrawn", given_by="victim")
    assert allowance(adult, "contact").reason == "No: consent withdrawn on 3 May 2016."


def test_it_records_all_four_scopes_from_one_form_in_one_post(client, officer, adult):
    client.force_login(officer)
    response = client.post(f"/victims/{adult.pk}/consents/", {
        "contact": "given", "share_identity_with_member_state": "refused", "share_identity_with_un_partners": "",
        "assistance": "given", "given_by": "victim"}, follow=True)
    assert "Consent decision recorded" in response.content.decode()
    assert dict(adult.consents.values_list("scope", "decision")) == {
        "contact": "given", "share_identity_with_member_state": "refused", "assistance": "given"}
    assert AuditEvent.objects.filter(action="consent_record").count() == 3
    page = response.content.decode()
    assert "What you may do now" in page and "Not asked yet" in page


def test_it_summarises_the_errors_at_the_top_of_the_consent_section_and_records_nothing(client, officer, child):
    client.force_login(officer)
    response = client.post(f"/victims/{child.pk}/consents/", {"contact": "given", "assistance": "refused",
                                                              "given_by": "guardian"})
    assert response.status_code == 400
    page = response.content.decode()
    section = page[page.index('id="consent"'):]
    summary = section[section.index("error-summary"):section.index("</div>")]
    assert 'href="#id_consent_guardian_relationship"' in summary and "autofocus" in section[:section.index("</h2>", section.index("error-summary"))]
    assert f'action="/victims/{child.pk}/consents/#consent"' in page
    assert not Consent.objects.exists()


def test_it_asks_for_at_least_one_decision(client, officer, adult):
    client.force_login(officer)
    response = client.post(f"/victims/{adult.pk}/consents/", {"given_by": "victim"})
    assert response.status_code == 400
    assert 'href="#id_consent_non_field_errors"' in response.content.decode()
    assert "Record a decision for at least one purpose." in response.content.decode()


@pytest.mark.parametrize("age, decider", [(15, "guardian"), (None, "guardian"), (25, "victim")])
def test_it_defaults_the_decider_to_the_guardian_unless_the_victim_is_an_adult(client, officer, car, age, decider):
    victim = make_victim(officer, AllegationFactory(mission=car), age_at_incident=age)
    client.force_login(officer)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert f'<option value="{decider}" selected>' in page


def test_it_reads_the_victim_page_in_constant_queries(client, officer, adult, django_assert_max_num_queries):
    client.force_login(officer)
    client.get(f"/victims/{adult.pk}/")  # warm caches (session, permissions)
    with django_assert_max_num_queries(40) as few:
        client.get(f"/victims/{adult.pk}/")
    for _ in range(5):
        for scope in SCOPES:
            consent_record(actor=officer, victim=adult, scope=scope, decision="given", given_by="victim")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/victims/{adult.pk}/")
