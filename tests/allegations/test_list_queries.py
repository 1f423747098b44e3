import pytest

from allegations.models import Status
from tests.factories import AllegationFactory, PerpetratorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [10, 200])
def test_it_lists_allegations_in_a_constant_number_of_queries(client, officer, car, sangaris, count, django_assert_max_num_queries):
    for n in range(count):
        allegation = AllegationFactory(mission=car, children_involved=n % 4 == 0)
        PerpetratorFactory(allegation=allegation, force=sangaris)
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        response = client.get("/allegations/")
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
