"""Each operation's "today" is its local date (Mission.time_zone): 00:30 on 1 January in Bangui is
still 31 December in UTC."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from allegations.services import allegation_create
from core.time import local_today, per_local_date
from referrals.models import Referral
from referrals.querysets import overdue_condition
from referrals.reminders import sweep
from referrals.services import referral_draft
from tests.factories import MissionFactory

pytestmark = pytest.mark.django_db

# 00:30 in Bangui (UTC+1) on 1 January 2027; 02:30 in Mogadishu.
NEW_YEAR_IN_BANGUI = "2026-12-31 23:30:00+00:00"


@pytest.fixture
def bangui(car):
    car.time_zone = "Africa/Bangui"
    car.save()
    return car


def intake(officer, mission, force, received):
    return allegation_create(actor=officer, mission=mission, values={
        "date_received": received, "source": "ngo", "allegation_type": "SE", "subtype": "transactional_sex",
        "credibility": "credible"}, perpetrators=[{"force": force, "personnel_category": "military_contingent",
                                                   "sex": "male"}])


def test_the_local_date_of_an_operation_is_not_the_utc_date():
    with time_machine.travel(NEW_YEAR_IN_BANGUI, tick=False):
        assert local_today("Africa/Bangui") == datetime.date(2027, 1, 1)
        assert local_today("UTC") == datetime.date(2026, 12, 31)
        assert local_today("Pacific/Pago_Pago") == datetime.date(2026, 12, 31)


def test_an_allegation_received_today_in_bangui_is_accepted_at_half_past_midnight(officer, bangui, sangaris):
    with time_machine.travel(NEW_YEAR_IN_BANGUI, tick=False):
        allegation = intake(officer, bangui, sangaris, datetime.date(2027, 1, 1))
    assert allegation.reference.endswith("2027-0001")


def test_an_operation_on_utc_still_refuses_that_date_as_the_future(officer, car, sangaris):
    with time_machine.travel(NEW_YEAR_IN_BANGUI, tick=False), pytest.raises(ValidationError) as refused:
        intake(officer, car, sangaris, datetime.date(2027, 1, 1))
    assert "cannot be in the future" in str(refused.value)


def test_a_referral_approved_then_is_dated_the_new_year_with_its_deadlines(officer, chief, bangui, sangaris, france,
                                                                              approve):
    sangaris.lead_member_state, sangaris.lead_regional_organisation = france, None
    sangaris.save()
    with time_machine.travel(NEW_YEAR_IN_BANGUI, tick=False):
        allegation = intake(officer, bangui, sangaris, datetime.date(2026, 12, 30))
        approve(chief, referral_draft(actor=officer, allegation=allegation, member_state=france))
    referral = Referral.objects.get()
    assert referral.sent_on == datetime.date(2027, 1, 1)
    assert referral.response_due == datetime.date(2027, 1, 15)  # ten working days from a Friday


def test_overdue_lists_and_reminders_follow_each_operations_date(officer, chief, bangui, somalia, credible, france):
    other = MissionFactory(name="Somewhere on UTC", country=france)
    late_here = Referral.objects.create(allegation=credible, member_state=france, status="sent",
                                        sent_on=datetime.date(2026, 12, 1), response_due=datetime.date(2026, 12, 31),
                                        investigation_due=datetime.date(2027, 6, 1))
    type(credible).objects.filter(pk=credible.pk).update(mission=bangui)
    elsewhere = type(credible).objects.create(
        mission=other, country=france, reference="FRA-2026-0001", date_received=datetime.date(2026, 11, 1),
        source="ngo", allegation_type="SE", subtype="transactional_sex")
    not_yet = Referral.objects.create(allegation=elsewhere, member_state=france, status="sent",
                                      sent_on=datetime.date(2026, 12, 1), response_due=datetime.date(2026, 12, 31),
                                      investigation_due=datetime.date(2027, 6, 1))
    with time_machine.travel(NEW_YEAR_IN_BANGUI, tick=False):
        assert list(Referral.objects.filter(overdue_condition())) == [late_here]
        sweep()
    assert list(late_here.reminders.values_list("due_date", flat=True)) == [datetime.date(2027, 1, 1)]
    assert not not_yet.reminders.exists()


def test_the_per_zone_condition_costs_no_query(django_assert_num_queries):
    from django.db.models import Q

    with django_assert_num_queries(0):
        per_local_date(lambda day: Q(response_due__lt=day), zone_field="allegation__mission__time_zone")


def test_assistance_follow_ups_fall_due_on_the_operations_date(officer, advocate, bangui, client):
    """At 23:30 UTC on 31 December it is already 1 January in Bangui: a follow-up set for
    31 December is overdue there (home, caseload and the advocate's digest), though not yet in UTC."""
    from django.core import mail

    from tests.factories import AllegationFactory, make_victim
    from victims.assistance import need_create
    from victims.caseload import CaseloadFilters, caseload_for
    from victims.digests import overdue_needs_for
    from victims.tasks import send_assistance_digests

    advocate.email = "advocate@example.org"
    advocate.save()
    victim = make_victim(officer, AllegationFactory(mission=bangui))
    need = need_create(actor=advocate, victim=victim, category="medical", assigned_advocate=advocate,
                       identified_on=datetime.date(2026, 12, 1), follow_up_on=datetime.date(2026, 12, 31))
    with time_machine.travel(NEW_YEAR_IN_BANGUI, tick=False):
        assert overdue_needs_for(advocate) == [need]
        assert caseload_for(user=advocate, filters=CaseloadFilters()).overdue == [need]
        client.force_login(advocate)
        assert 'data-count="overdue">1<' in client.get("/victims/caseload/").content.decode()
        assert send_assistance_digests() == 1 and len(mail.outbox) == 1
    bangui.time_zone = "UTC"
    bangui.save()
    with time_machine.travel(NEW_YEAR_IN_BANGUI, tick=False):  # on UTC's date it is due today, not overdue
        assert overdue_needs_for(advocate) == []
        assert caseload_for(user=advocate, filters=CaseloadFilters()).due_this_week == [need]
