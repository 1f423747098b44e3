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
