import datetime

import pytest
import time_machine
from django.utils import timezone

from core.roles import VICTIMS_RIGHTS_ADVOCATE
from tests.factories import AllegationFactory, make_provider, make_user, make_victim
from victims.assistance import need_create, need_transition, victim_assign_advocate

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq_advocate(db):
    return make_user("hq_advocate", VICTIMS_RIGHTS_ADVOCATE, global_change=True)


def build(officer, outsider, advocate, hq_advocate, car, somalia):
    """CAR: 2 victims (one child registered 20 days ago), Somalia: 1 victim; needs in every state."""
    today = timezone.localdate()
    clinic = make_provider(car)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=20)):
        child = make_victim(officer, AllegationFactory(mission=car), age_at_incident=12)
    adult = make_victim(officer, AllegationFactory(mission=car), age_at_incident=25)
    far = make_victim(outsider, AllegationFactory(mission=somalia), age_at_incident=40)
    victim_assign_advocate(actor=advocate, victim=child, advocate=advocate)
    need_create(actor=advocate, victim=child, category="medical", assigned_advocate=advocate,
                follow_up_on=today - datetime.timedelta(days=3))                       # overdue, not referred
    referred = need_create(actor=advocate, victim=child, category="psychosocial", assigned_advocate=advocate,
                           follow_up_on=today + datetime.timedelta(days=2))            # due this week
    need_transition(actor=advocate, need=referred, to_status="referred", expected_version=1, provider=clinic)
    done = need_create(actor=advocate, victim=adult, category="medical", follow_up_on=today - datetime.timedelta(days=1))
    done = need_transition(actor=advocate, need=done, to_status="referred", expected_version=1, provider=clinic)
    need_transition(actor=advocate, need=done, to_status="provided", expected_version=2)  # closed: not overdue
    need_create(actor=hq_advocate, victim=far, category="legal", follow_up_on=today + datetime.timedelta(days=30))
    return child


def test_field_advocate_counts_match_their_operation(client, officer, outsider, advocate, hq_advocate, car, somalia):
    child = build(officer, outsider, advocate, hq_advocate, car, somalia)
    client.force_login(advocate)
    response = client.get("/victims/caseload/")
    counts = response.context["caseload"].counts
    assert counts == {"victims": 2, "children": 1, "children_flagged": 1, "open": 2, "not_referred": 1,
                      "due_this_week": 1, "overdue": 1, "provided": 1}
    assert [v.code for v in response.context["caseload"].children_flagged] == [child.code]


def test_hq_advocate_sees_every_operation(client, officer, outsider, advocate, hq_advocate, car, somalia):
    build(officer, outsider, advocate, hq_advocate, car, somalia)
    client.force_login(hq_advocate)
    counts = client.get("/victims/caseload/").context["caseload"].counts
    assert (counts["victims"], counts["open"], counts["not_referred"]) == (3, 3, 2)
    only_somalia = client.get("/victims/caseload/", {"mission": somalia.pk}).context["caseload"].counts
    assert (only_somalia["victims"], only_somalia["open"]) == (1, 1)


def test_mine_only_keeps_my_victims_and_needs(client, officer, outsider, advocate, hq_advocate, car, somalia):
    build(officer, outsider, advocate, hq_advocate, car, somalia)
    client.force_login(advocate)
    counts = client.get("/victims/caseload/", {"mine": "on"}).context["caseload"].counts
    assert (counts["victims"], counts["open"], counts["provided"]) == (1, 2, 0)


@pytest.mark.parametrize("count", [10, 200])
def test_the_caseload_runs_a_constant_number_of_queries(client, officer, advocate, car, count,
                                                       django_assert_max_num_queries):
    clinic = make_provider(car)
    for n in range(count):
        victim = make_victim(officer, AllegationFactory(mission=car), full_name=f"P{n}", age_at_incident=10 + n % 50)
        need = need_create(actor=advocate, victim=victim, category="medical", assigned_advocate=advocate,
                           follow_up_on=timezone.localdate() - datetime.timedelta(days=n % 5))
        if n % 2:
            need_transition(actor=advocate, need=need, to_status="referred", expected_version=1, provider=clinic)
    client.force_login(advocate)
    for sort in ("", "-victim", "provider", "follow_up"):
        with django_assert_max_num_queries(16):
            response = client.get("/victims/caseload/", {"sort": sort})
    assert response.context["caseload"].counts["open"] == count


def test_the_home_page_counts_overdue_follow_ups(client, officer, advocate, car):
    victim = make_victim(officer, AllegationFactory(mission=car))
    need_create(actor=advocate, victim=victim, category="medical",
                follow_up_on=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(advocate)
    assert 'data-count="overdue-followups">1<' in client.get("/").content.decode()
