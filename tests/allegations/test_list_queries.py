import datetime

import pytest
import time_machine

from allegations.models import Status
from referrals.choices import AuthorityResponse, ReferralStatus
from referrals.models import Referral
from tests.factories import AllegationFactory, PerpetratorFactory

pytestmark = pytest.mark.django_db


def sent_referral(allegation, member_state, **values) -> Referral:
    values = {"sent_on": datetime.date(2026, 1, 5), "response_due": datetime.date(2026, 1, 19),
              "investigation_due": datetime.date(2026, 7, 4), **values}
    return Referral.objects.create(allegation=allegation, member_state=member_state, status=ReferralStatus.SENT,
                                   **values)


@pytest.mark.parametrize("sort", ["", "-deadline", "operation"])
@pytest.mark.parametrize("count", [10, 200])
def test_it_lists_allegations_in_a_constant_number_of_queries(client, officer, car, sangaris, france, count, sort,
                                                              django_assert_max_num_queries):
    for n in range(count):
        allegation = AllegationFactory(mission=car, children_involved=n % 4 == 0)
        PerpetratorFactory(allegation=allegation, force=sangaris)
        if n % 3 == 0:
            sent_referral(allegation, france, response_due=datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    client.force_login(officer)
    with django_assert_max_num_queries(11):
        response = client.get("/allegations/", {"sort": sort})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_it_filters_by_status_type_year_children_and_text(client, officer, car):
    a = AllegationFactory(mission=car, location="Boda", status=Status.UNDER_INVESTIGATION, children_involved=True)
    b = AllegationFactory(mission=car, location="Sibut", allegation_type="SA", subtype="rape")
    client.force_login(officer)

    def listed(**params):
        page = client.get("/allegations/", params).context["page"]
        return {x.reference for x in page.object_list}

    assert listed(status="under_investigation") == {a.reference}
    assert listed(allegation_type="SA") == {b.reference}
    assert listed(children="on") == {a.reference}
    assert listed(q="sib") == {b.reference}
    assert listed(q=a.reference.lower()) == {a.reference}
    assert listed(year=2017) == set()
    assert listed(mission=car.pk) == {a.reference, b.reference}


def test_it_explains_an_empty_list(client, officer, car):
    client.force_login(officer)
    assert "No allegations in your operations yet." in client.get("/allegations/").content.decode()
    assert "No allegation matches these filters." in client.get("/allegations/?status=substantiated").content.decode()


def test_it_paginates_and_keeps_filters_in_page_links(client, officer, car):
    for _ in range(30):
        AllegationFactory(mission=car, location="Boda")
    client.force_login(officer)
    page = client.get("/allegations/", {"q": "Boda"}).content.decode()
    assert "Page 1 of 2" in page
    assert "?q=Boda&amp;page=2" in page


def test_it_counts_perpetrators_per_row_without_loading_narratives(client, officer, car, sangaris):
    """The list's per-row perpetrator count (a correlated subquery since the load test) is right for
    none, one and several, and the encrypted narrative is never fetched for a list row."""
    counts = {}
    for n in (0, 1, 3):
        allegation = AllegationFactory(mission=car)
        for _ in range(n):
            PerpetratorFactory(allegation=allegation, force=sangaris)
        counts[allegation.reference] = n
    client.force_login(officer)
    rows = client.get("/allegations/").context["page"].object_list
    assert {a.reference: a.perpetrator_count for a in rows} == counts
    assert all("narrative" in a.get_deferred_fields() for a in rows)


def test_it_shows_the_next_awaited_deadline_in_words(client, officer, car, france):
    answer_late = AllegationFactory(mission=car)
    sent_referral(answer_late, france, response_due=datetime.date(2026, 3, 16))
    answered = AllegationFactory(mission=car)  # the answer came: the investigation's deadline is next
    sent_referral(answered, france, response=AuthorityResponse.WILL_INVESTIGATE,
                  response_due=datetime.date(2026, 3, 1), investigation_due=datetime.date(2026, 3, 25))
    quiet = AllegationFactory(mission=car)  # no referral: no deadline
    client.force_login(officer)
    with time_machine.travel("2026-03-20 09:00", tick=False):
        response = client.get("/allegations/", {"sort": "deadline"})
    rows = {a.reference: a.next_deadline for a in response.context["page"].object_list}
    assert rows == {answer_late.reference: datetime.date(2026, 3, 16),
                    answered.reference: datetime.date(2026, 3, 25), quiet.reference: None}
    assert [a.reference for a in response.context["page"].object_list] == [
        answer_late.reference, answered.reference, quiet.reference]  # soonest first, none last
    page = response.content.decode()
    assert "4 days overdue" in page and "due in 3 working days" in page


def test_it_shows_no_operation_column_to_someone_who_sees_one_operation(client, officer, analyst, car, somalia):
    AllegationFactory(mission=car)
    client.force_login(officer)
    page = client.get("/allegations/").content.decode()
    assert ">Operation<" not in page and 'data-label="Operation"' not in page
    client.force_login(analyst)
    page = client.get("/allegations/").content.decode()
    assert ">Operation</a></th>" in page and 'data-label="Operation"' in page
