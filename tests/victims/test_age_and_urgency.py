import datetime

import pytest

from allegations.models import Allegation, DatePrecision
from allegations.services import allegation_update
from tests.factories import AllegationFactory, make_victim
from victims.models import AgeGroup
from victims.services import age_group_at

pytestmark = pytest.mark.django_db

INCIDENT = datetime.date(2016, 6, 15)


def incident(on=INCIDENT, precision=DatePrecision.DAY):
    return Allegation(incident_date=on, incident_date_precision=precision)


@pytest.mark.parametrize(
    "dob,expected",
    [
        (datetime.date(1998, 6, 16), AgeGroup.CHILD),  # 18th birthday the day after the incident
        (datetime.date(1998, 6, 15), AgeGroup.ADULT),  # 18 that very day
        (datetime.date(2005, 1, 1), AgeGroup.CHILD),
        (datetime.date(1980, 1, 1), AgeGroup.ADULT),
    ],
)
def test_it_derives_the_age_group_from_the_date_of_birth_at_the_incident(dob, expected):
    assert age_group_at(date_of_birth=dob, age_at_incident=None, allegation=incident()) == expected


def test_with_only_the_incident_month_a_possible_minor_counts_as_a_child():
    # 18 on 10 June 2016; the incident is "June 2016": maybe before the birthday.
    group = age_group_at(date_of_birth=datetime.date(1998, 6, 10), age_at_incident=None,
                         allegation=incident(datetime.date(2016, 6, 1), DatePrecision.MONTH))
    assert group == AgeGroup.CHILD


def test_it_falls_back_to_the_reported_age_then_to_unknown():
    unknown_date = incident(None, DatePrecision.UNKNOWN)
    assert age_group_at(date_of_birth=datetime.date(2005, 1, 1), age_at_incident=16, allegation=unknown_date) == AgeGroup.CHILD
    assert age_group_at(date_of_birth=None, age_at_incident=30, allegation=unknown_date) == AgeGroup.ADULT
    assert age_group_at(date_of_birth=None, age_at_incident=None, allegation=unknown_date) == AgeGroup.UNKNOWN


def test_a_child_victim_makes_the_allegation_urgent(officer, car):
    allegation = AllegationFactory(mission=car, incident_date=INCIDENT, incident_date_precision=DatePrecision.DAY)
    make_victim(officer, allegation, date_of_birth=datetime.date(2001, 1, 1))
    allegation.refresh_from_db()
    assert allegation.children_involved and allegation.is_urgent


def test_moving_the_incident_date_recomputes_age_and_urgency(officer, car):
    allegation = AllegationFactory(mission=car, incident_date=INCIDENT, incident_date_precision=DatePrecision.DAY,
                                   date_received=datetime.date(2021, 1, 1))
    victim = make_victim(officer, allegation, date_of_birth=datetime.date(2001, 1, 1))  # 15 at the incident
    allegation.refresh_from_db()
    allegation_update(actor=officer, allegation=allegation, expected_version=allegation.version,
                      values={"incident_date": datetime.date(2020, 1, 5)})  # now 19
    allegation.refresh_from_db()
    victim.refresh_from_db()
    assert (victim.age_group, allegation.children_involved) == (AgeGroup.ADULT, False)


def test_child_victims_are_flagged_on_lists_and_pages(client, officer, car):
    allegation = AllegationFactory(mission=car)
    victim = make_victim(officer, allegation, age_at_incident=14)
    client.force_login(officer)
    for url in ["/allegations/", f"/allegations/{allegation.pk}/", "/victims/", f"/victims/{victim.pk}/", "/"]:
        assert 'class="badge badge-urgent"' in client.get(url).content.decode(), url


# --- incident date unknown, date of birth known (DESIGN.md, annex rule) --------------------

def unknown_incident(received=datetime.date(2016, 5, 10)):
    return Allegation(incident_date=None, incident_date_precision=DatePrecision.UNKNOWN, date_received=received)


@pytest.mark.parametrize("dob,age_at_incident,expected", [
    (datetime.date(1999, 5, 11), None, AgeGroup.CHILD),  # 16 on the date received: a child at any earlier incident
    (datetime.date(1998, 5, 11), None, AgeGroup.CHILD),  # one day short of 18 when the office heard of it
    (datetime.date(1998, 5, 10), None, AgeGroup.UNKNOWN),  # 18 that day: may have been a child before
    (datetime.date(1990, 1, 1), 30, AgeGroup.ADULT),  # then the reported age decides
])
def test_a_victim_under_18_on_the_date_received_is_a_child_when_the_incident_date_is_unknown(
        dob, age_at_incident, expected):
    assert age_group_at(date_of_birth=dob, age_at_incident=age_at_incident, allegation=unknown_incident()) == expected


def test_such_a_child_makes_the_case_urgent_counts_as_a_girl_and_shortens_the_open_referral(
        officer, credible, chief, approve):
    from core.models import AuditEvent
    from referrals.models import Referral
    from referrals.services import referral_draft
    from reporting.annex import SUMMARY_COLUMNS, all_allegations, build_annex

    Allegation.objects.filter(pk=credible.pk).update(incident_date=None, incident_date_precision=DatePrecision.UNKNOWN)
    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=credible.perpetrators.get().nationality))
    referral = Referral.objects.get()
    assert referral.investigation_due == referral.sent_on + datetime.timedelta(days=180)

    credible.refresh_from_db()
    make_victim(officer, credible, sex="female", date_of_birth=datetime.date(2001, 3, 1))  # 15 when received
    credible.refresh_from_db()
    assert credible.children_involved and credible.is_urgent
    referral.refresh_from_db()
    assert referral.investigation_due == referral.sent_on + datetime.timedelta(days=90)
    assert AuditEvent.objects.filter(action="referral_deadline_changed", object_id=str(referral.pk)).exists()
    total = dict(zip(SUMMARY_COLUMNS, build_annex(all_allegations(), year=2016).summary[-1], strict=True))
    assert (total["Girls"], total["Victims of unknown sex or age"]) == (1, 0)
