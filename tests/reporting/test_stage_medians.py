"""Median days at each stage (receipt → referral → answer → outcome), overall, by force and by Member
State: on known dates, with odd and even counts, in one query per table whatever the number of cases,
by PostgreSQL's percentile_cont and by the Python fallback SQLite uses."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allegations.models import Allegation
from referrals.models import Referral
from reporting.stages import (
    StageMedian,
    StallRow,
    stage_medians,
    stage_medians_by_force,
    stage_medians_by_member_state,
)
from tests.factories import (
    AllegationFactory,
    ForceFactory,
    MemberStateFactory,
    PerpetratorFactory,
    RegionalOrganisationFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(params=["sql", "python"])
def engine(request, monkeypatch):
    """Both ways of taking the median: PostgreSQL's own, and the single query plus Python of SQLite."""
    if request.param == "python":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    elif connection.vendor != "postgresql":
        pytest.skip("percentile_cont needs PostgreSQL")
    return request.param


def refer(allegation, state, sent, answered=None, outcome=None, **values):
    return Referral.objects.create(allegation=allegation, member_state=state, status="sent", sent_on=sent,
                                   response_on=answered, outcome_on=outcome, response_due=sent, investigation_due=sent,
                                   **values)


@pytest.fixture
def cases(car):
    """Three referrals, all received on 1 January 2016:
    A  France   forces X (twice) and Y  sent +10, answered +10, outcome +30
    B  France   force X                 sent +20, answered +20
    C  Uganda   force Y                 sent +31
    and a draft (never sent), which counts nowhere."""
    france = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    uganda = MemberStateFactory(iso3="UGA", iso2="UG", name="Uganda")
    x, y = ForceFactory(name="Force X", missions=[car]), ForceFactory(name="Force Y", missions=[car])
    a, b, c, draft = (AllegationFactory(mission=car, date_received=D(2016, 1, 1)) for _ in range(4))
    for allegation, forces in [(a, [x, x, y]), (b, [x]), (c, [y]), (draft, [x])]:
        for force in forces:
            PerpetratorFactory(allegation=allegation, force=force)
    refer(a, france, D(2016, 1, 11), D(2016, 1, 21), D(2016, 2, 20))
    refer(b, france, D(2016, 1, 21), D(2016, 2, 10))
    refer(c, uganda, D(2016, 2, 1))
    Referral.objects.create(allegation=draft, member_state=france)
    return Allegation.objects.all()


def test_it_takes_the_median_of_each_stage_on_odd_and_even_counts(engine, cases):
    assert stage_medians(cases) == [StageMedian(20.0, 3), StageMedian(15.0, 2), StageMedian(30.0, 1)]


def test_it_takes_the_medians_by_force_counting_each_force_of_a_case_once(engine, cases):
    assert stage_medians_by_force(cases) == [
        StallRow("Force X", [StageMedian(15.0, 2), StageMedian(15.0, 2), StageMedian(30.0, 1)]),
        StallRow("Force Y", [StageMedian(20.5, 2), StageMedian(10.0, 1), StageMedian(30.0, 1)]),
    ]


def test_it_takes_the_medians_by_member_state_with_none_where_no_case_reached_a_stage(engine, cases):
    assert stage_medians_by_member_state(cases) == [
        StallRow("France", [StageMedian(15.0, 2), StageMedian(15.0, 2), StageMedian(30.0, 1)]),
        StallRow("Uganda", [StageMedian(31.0, 1), StageMedian(None, 0), StageMedian(None, 0)]),
    ]


def test_a_referral_to_a_regional_organisation_counts_overall_but_in_no_member_states_row(engine, car):
    allegation = AllegationFactory(mission=car, date_received=D(2016, 1, 1))
    Referral.objects.create(allegation=allegation, regional_organisation=RegionalOrganisationFactory(),
                            status="sent", sent_on=D(2016, 1, 5))
    allegations = Allegation.objects.all()
    assert stage_medians(allegations)[0] == StageMedian(4.0, 1)
    assert stage_medians_by_member_state(allegations) == []


def test_it_counts_only_the_allegations_it_is_given(engine, cases):
    assert stage_medians(cases.exclude(date_received=D(2016, 1, 1))) == [StageMedian(None, 0)] * 3


@pytest.mark.parametrize("count", [10, 100])
def test_it_costs_one_query_per_table_whatever_the_number_of_cases(engine, car, count):
    france = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    force = ForceFactory(name="Force X", missions=[car])
    for n in range(count):
        allegation = AllegationFactory(mission=car, date_received=D(2016, 1, 1))
        PerpetratorFactory(allegation=allegation, force=force)
        refer(allegation, france, D(2016, 1, 1) + datetime.timedelta(days=n))
    allegations = Allegation.objects.all()
    with CaptureQueriesContext(connection) as queries:
        overall = stage_medians(allegations)
        by_force = stage_medians_by_force(allegations)
        by_state = stage_medians_by_member_state(allegations)
    # One aggregate per table, and one for the names of its rows' forces or states.
    assert len(queries) == 5
    assert overall[0].n == by_force[0].stages[0].n == by_state[0].stages[0].n == count
    assert overall[0].days == (count - 1) / 2


def test_the_dashboard_shows_the_medians_with_their_cases_and_a_dash_where_there_is_none(client, analyst, cases):
    client.force_login(analyst)
    response = client.get("/reports/", {"year": 2016})
    page = response.content.decode()
    assert response.context["data"].stages == [StageMedian(20.0, 3), StageMedian(15.0, 2), StageMedian(30.0, 1)]
    assert "Where cases stall: allegations received in 2016" in page
    assert "median days from the answer to the outcome" in page and "3 cases" in page and "1 case<" in page
    uganda = page[page.index("<th scope=\"row\">Uganda</th>"):]
    uganda = uganda[:uganda.index("</tr>")]
    assert uganda.count('<span aria-hidden="true">—</span><span class="sr-only">no case</span>') == 2


@pytest.mark.parametrize("count", [10, 100])
def test_the_dashboard_costs_the_same_for_10_or_100_allegations(client, analyst, car, count,
                                                               django_assert_max_num_queries):
    france = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    force = ForceFactory(name="Force X", missions=[car])
    for n in range(count):
        allegation = AllegationFactory(mission=car, date_received=D(2010 + n % 7, 1, 1))
        PerpetratorFactory(allegation=allegation, force=force)
        refer(allegation, france, allegation.date_received + datetime.timedelta(days=n), allegation.date_received +
              datetime.timedelta(days=2 * n))
    client.force_login(analyst)
    with django_assert_max_num_queries(27):  # 27 for 10 or 100: none per allegation, per year or per case
        response = client.get("/reports/")
    assert response.status_code == 200 and response.context["data"].year == 2016
