import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from tests.factories import AllegationFactory, make_provider, make_victim
from victims.assistance import need_create, need_transition
from victims.models import ASSISTANCE_TRANSITIONS, AssistanceStatus

pytestmark = pytest.mark.django_db
ALL_PAIRS = list(itertools.product(AssistanceStatus.values, AssistanceStatus.values))


@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car))


@pytest.fixture
def clinic(car):
    return make_provider(car)


def need_at(status, victim, advocate, clinic):
    need = need_create(actor=advocate, victim=victim, category="medical", provider=clinic)
    need.status = status
    need.save()
    return need


@pytest.mark.parametrize("current,target", [p for p in ALL_PAIRS if p[1] in ASSISTANCE_TRANSITIONS[p[0]]])
def test_it_allows_each_legal_assistance_step(current, target, victim, advocate, clinic):
    need = need_at(current, victim, advocate, clinic)
    result = need_transition(actor=advocate, need=need, to_status=target, expected_version=1)
    assert result.status == target
    assert list(result.steps.values_list("to_status", flat=True)) == ["identified", target]


@pytest.mark.parametrize("current,target", [p for p in ALL_PAIRS if p[1] not in ASSISTANCE_TRANSITIONS[p[0]]])
def test_it_refuses_each_illegal_assistance_step(current, target, victim, advocate, clinic):
    need = need_at(current, victim, advocate, clinic)
    with pytest.raises(ValidationError, match="Assistance cannot go from"):
        need_transition(actor=advocate, need=need, to_status=target, expected_version=1)
    need.refresh_from_db()
    assert (need.status, need.version) == (current, 1)


def test_each_step_records_its_date_and_closing_clears_the_follow_up(victim, advocate, clinic):
    need = need_create(actor=advocate, victim=victim, category="medical", follow_up_on=datetime.date(2030, 1, 1))
    day = datetime.date(2026, 1, 10)
    need = need_transition(actor=advocate, need=need, to_status="referred", expected_version=1, on=day, provider=clinic)
    need = need_transition(actor=advocate, need=need, to_status="in_progress", expected_version=2, on=day)
    need = need_transition(actor=advocate, need=need, to_status="provided", expected_version=3, on=day)
    assert (need.provider, need.referred_on, need.started_on, need.closed_on, need.follow_up_on) == (
        clinic, day, day, day, None)
    assert AuditEvent.objects.filter(action="assistance_need_transition", object_id=str(need.pk)).count() == 3


def test_assistance_does_not_wait_for_the_investigation(victim, advocate, clinic):
    assert victim.allegations.get().status == "preliminary_assessment"
    need = need_create(actor=advocate, victim=victim, category="medical")
    need_transition(actor=advocate, need=need, to_status="referred", expected_version=1, provider=clinic)


def test_a_referral_needs_a_provider_of_the_operation_offering_that_help(victim, advocate, somalia, car):
    need = need_create(actor=advocate, victim=victim, category="legal")
    with pytest.raises(ValidationError, match="Choose the provider"):
        need_transition(actor=advocate, need=need, to_status="referred", expected_version=1)
    with pytest.raises(ValidationError, match="does not work in the victim's operation"):
        need_transition(actor=advocate, need=need, to_status="referred", expected_version=1,
                        provider=make_provider(somalia, "Elsewhere", ["legal"]))
    with pytest.raises(ValidationError, match="does not offer this kind of assistance"):
        need_transition(actor=advocate, need=need, to_status="referred", expected_version=1,
                        provider=make_provider(car, "Doctors", ["medical"]))


def test_a_future_date_is_refused(victim, advocate, clinic):
    need = need_create(actor=advocate, victim=victim, category="medical")
    with pytest.raises(ValidationError, match="cannot be in the future"):
        need_transition(actor=advocate, need=need, to_status="referred", expected_version=1, provider=clinic,
                        on=datetime.date(2999, 1, 1))


def test_an_advocate_must_be_able_to_see_the_victim(victim, advocate, outsider):
    with pytest.raises(ValidationError, match="cannot see this victim"):
        need_create(actor=advocate, victim=victim, category="medical", assigned_advocate=outsider)


def test_an_analyst_cannot_record_needs(client, analyst, victim):
    client.force_login(analyst)
    assert client.post(f"/victims/{victim.pk}/needs/", {"category": "medical"}).status_code == 404
    assert client.get("/victims/caseload/").status_code == 404


def test_an_officer_of_another_operation_gets_404_on_needs(client, outsider, victim, advocate, clinic):
    need = need_create(actor=advocate, victim=victim, category="medical")
    client.force_login(outsider)
    for method, url in [("get", f"/victims/needs/{need.pk}/"), ("post", f"/victims/needs/{need.pk}/edit/"),
                        ("post", f"/victims/needs/{need.pk}/status/"), ("post", f"/victims/{victim.pk}/needs/"),
                        ("post", f"/victims/{victim.pk}/advocate/"), ("post", f"/victims/{victim.pk}/safeguarding/"),
                        ("post", f"/victims/{victim.pk}/claims/"), ("post", f"/victims/{victim.pk}/contacts/")]:
        assert getattr(client, method)(url, {"to_status": "declined", "version": 1}).status_code == 404, url


def test_the_need_page_shows_a_stale_edit_as_a_conflict(client, advocate, victim, clinic):
    need = need_create(actor=advocate, victim=victim, category="medical")
    client.force_login(advocate)
    client.post(f"/victims/needs/{need.pk}/edit/", {"version": 1, "follow_up_on": "2030-01-01"})
    response = client.post(f"/victims/needs/{need.pk}/edit/", {"version": 1, "follow_up_on": "2031-01-01"})
    assert response.status_code == 409
    need.refresh_from_db()
    assert need.follow_up_on == datetime.date(2030, 1, 1)


def test_it_makes_the_first_advocate_given_a_need_the_victims_advocate(client, victim, advocate, clinic):
    from core.roles import VICTIMS_RIGHTS_ADVOCATE
    from tests.factories import make_user

    need_create(actor=advocate, victim=victim, category="medical", provider=clinic, assigned_advocate=advocate)
    victim.refresh_from_db()
    assert victim.advocate == advocate
    assert AuditEvent.objects.filter(action="victim_assign_advocate", object_id=str(victim.pk)).count() == 1
    client.force_login(advocate)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert page.count("Victims' rights advocate") == 1  # the section's heading, not again as the field's label
    assert '<option value="" selected>Nobody yet</option>' not in page
    other = make_user("advocate.other", VICTIMS_RIGHTS_ADVOCATE, change=[victim.links.get().allegation.mission])
    need_create(actor=advocate, victim=victim, category="medical", provider=clinic, assigned_advocate=other)
    victim.refresh_from_db()
    assert victim.advocate == advocate  # a later need's advocate does not replace the one following the victim
