"""The dashboard opens on the latest year with data, shows every year on its axis, and every bar and
tile is a plain link to the list of what it counts."""

import datetime
import html
import re

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from core.roles import FIELD_OFFICER
from referrals.models import Referral
from tests.factories import AllegationFactory, MemberStateFactory, PerpetratorFactory, make_user

pytestmark = pytest.mark.django_db


def bars(response, slug: str) -> list[tuple[str, int, str]]:
    chart = next(c for c in response.context["charts"] if c.slug == slug)
    return [(bar.label, bar.value, bar.url) for bar in chart.bars]


def links(response) -> set[str]:
    return {html.unescape(href) for href in re.findall(r'href="([^"]+)"', response.content.decode())}


def test_it_opens_on_the_latest_year_with_an_allegation_received(client, analyst, car):
    AllegationFactory(mission=car, date_received=datetime.date(2014, 3, 1))
    AllegationFactory(mission=car, date_received=datetime.date(2016, 11, 30))
    client.force_login(analyst)
    response = client.get("/reports/")
    assert response.status_code == 200
    assert response.context["data"].year == 2016
    assert len(response.context["data"].annex.allegations) == 1
    # The annex link keeps the year the page opened on.
    assert "/reports/annex/?year=2016" in links(response)


def test_it_opens_on_the_latest_year_in_the_users_scope(client, car, somalia):
    AllegationFactory(mission=car, date_received=datetime.date(2015, 3, 1))
    AllegationFactory(mission=somalia, date_received=datetime.date(2018, 3, 1))
    # Headquarters analysts see every operation: a reader of one operation's reports stands for a narrower scope.
    reader = make_user("car-reader", FIELD_OFFICER, view=[car])
    assign_perm("reporting.view_reports", reader)
    client.force_login(type(reader).objects.get(pk=reader.pk))
    assert client.get("/reports/").context["data"].year == 2015


def test_it_opens_on_this_year_when_there_is_nothing(client, analyst):
    client.force_login(analyst)
    response = client.get("/reports/")
    assert response.context["data"].year == timezone.localdate().year
    assert bars(response, "per-year") == []


def test_a_year_asked_for_wins_over_the_default(client, analyst, car):
    AllegationFactory(mission=car, date_received=datetime.date(2016, 3, 1))
    client.force_login(analyst)
    assert client.get("/reports/", {"year": 2012}).context["data"].year == 2012


def test_it_shows_an_empty_middle_year_as_a_zero_bar(client, analyst, car):
    for received in [datetime.date(2013, 5, 1), datetime.date(2013, 6, 1), datetime.date(2016, 1, 2)]:
        AllegationFactory(mission=car, date_received=received)
    client.force_login(analyst)
    response = client.get("/reports/")
    assert [(label, value) for label, value, _ in bars(response, "per-year")] == [
        ("2013", 2), ("2014", 0), ("2015", 0), ("2016", 1)]
    page = response.content.decode()
    assert '<a class="bar-label" href="/allegations/?year=2014">2014<span class="sr-only">: 0</span></a>' in page


def test_its_bars_and_tiles_link_to_the_lists_they_count(client, analyst, car):
    AllegationFactory(mission=car, date_received=datetime.date(2016, 2, 1))
    AllegationFactory(mission=car, date_received=datetime.date(2016, 3, 1), allegation_type="SA", subtype="rape",
                      status="under_investigation", children_involved=True)
    client.force_login(analyst)
    response = client.get("/reports/")
    found = links(response)
    assert {"/allegations/?year=2016", "/allegations/?year=2016&allegation_type=SA",
            "/allegations/?year=2016&status=under_investigation", "/allegations/?year=2016&children=on",
            "/referrals/", "/referrals/?overdue=on", "#stall"} <= found
    # Following a bar shows as many allegations as the bar counts.
    for slug in ["per-year", "by-type", "by-status"]:
        for label, value, url in bars(response, slug):
            assert client.get(url).context["page"].paginator.count == value, (slug, label)


def test_its_links_keep_the_dashboards_status_and_type_filters(client, analyst, car):
    AllegationFactory(mission=car, date_received=datetime.date(2016, 2, 1), status="under_investigation")
    client.force_login(analyst)
    response = client.get("/reports/", {"year": 2016, "status": "under_investigation"})
    assert ("Sexual abuse", 0, "/allegations/?year=2016&status=under_investigation&allegation_type=SA") in \
        [(str(label), value, url) for label, value, url in bars(response, "by-type")]
    assert "/allegations/?year=2016&status=under_investigation" in links(response)


def test_its_bars_are_not_links_under_filters_the_list_does_not_have(client, analyst, car, sangaris):
    PerpetratorFactory(allegation=AllegationFactory(mission=car, date_received=datetime.date(2016, 2, 1)),
                       force=sangaris)
    client.force_login(analyst)
    response = client.get("/reports/", {"year": 2016, "force": sangaris.pk})
    assert all(not url for *_, url in bars(response, "by-type") + bars(response, "by-status"))
    assert not any(link.startswith("/allegations/?year=2016&") for link in links(response))


def test_its_referral_tiles_count_what_the_pending_page_lists(client, analyst, car):
    france = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    for received, due in [(datetime.date(2014, 1, 1), datetime.date(2014, 3, 1)),
                          (datetime.date(2016, 1, 1), datetime.date(2099, 1, 1))]:
        Referral.objects.create(allegation=AllegationFactory(mission=car, date_received=received), member_state=france,
                                status="sent", sent_on=received, response_due=due, investigation_due=due)
    client.force_login(analyst)
    data = client.get("/reports/").context["data"]
    assert (data.referrals_pending, data.referrals_overdue) == (2, 1)
    pending = client.get("/referrals/").context["page"].paginator.count
    overdue = client.get("/referrals/", {"overdue": "on"}).context["page"].paginator.count
    assert (pending, overdue) == (2, 1)
