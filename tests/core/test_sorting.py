"""Sortable lists (core/sorting.py): header links that toggle direction, unknown keys ignored, the
sort kept by the filters and the pager, never an encrypted field."""

import datetime
import re

import pytest
import time_machine
from django.apps import apps
from django.db.models import F
from django.http import QueryDict

from allegations.querysets import ALLEGATION_SORTS
from core.fields import EncryptedTextField
from core.models import OutboundEmail
from core.sorting import SortOrder
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db

ORDER = SortOrder(columns={"name": ("name",), "due": (F("due"),), "ref": ("ref",)}, default="-name",
                  unique=frozenset({"pk", "ref"}))


def header(page: str, label: str) -> str:
    """The <th> whose link text starts with `label`."""
    match = re.search(r'<th scope="col"[^>]*><a href="[^"]*">' + re.escape(label) + r"\b.*?</th>", page)
    assert match, f"no sortable header {label!r}"
    return match.group(0)


def references(response) -> list[str]:
    return [a.reference for a in response.context["page"].object_list]


def test_it_reads_a_key_and_a_direction_and_ignores_unknown_keys():
    assert (ORDER.parse("name").key, ORDER.parse("name").descending) == ("name", False)
    assert (ORDER.parse("-due").key, ORDER.parse("-due").descending) == ("due", True)
    for unknown in ("", None, "narrative", "-full_name", "--name", "name;drop"):
        sort = ORDER.parse(unknown)
        assert (sort.key, sort.descending, sort.asked) == ("name", True, "")


def test_it_breaks_ties_on_the_primary_key_and_puts_missing_dates_last():
    assert ORDER.parse("name").order_by() == ["name", "pk"]
    assert ORDER.parse("-name").order_by() == ["-name", "-pk"]
    assert ORDER.parse("ref").order_by() == ["ref"]  # already unique
    due = ORDER.parse("-due").order_by()
    assert due[0].descending and due[0].nulls_last and due[1] == "-pk"
    assert ORDER.parse("due").order_by()[0].nulls_last


def test_it_links_to_the_other_direction_keeping_filters_and_dropping_the_page():
    sort = ORDER.parse("name")
    query = QueryDict("q=Boda&page=3&sort=name")
    assert sort.query_for(query, "name") == "q=Boda&sort=-name"
    assert sort.query_for(query, "due") == "q=Boda&sort=due"
    assert ORDER.parse("-name").query_for(query, "name") == "q=Boda&sort=name"


def test_it_never_sorts_on_an_encrypted_field():
    from referrals.querysets import OUTBOX_SORTS, PENDING_SORTS
    from referrals.scorecard import SCORECARD_REFERRAL_SORTS
    from victims.querysets import NEED_SORTS, VICTIM_SORTS

    for order, model in [(ALLEGATION_SORTS, "allegations.Allegation"), (VICTIM_SORTS, "victims.Victim"),
                         (PENDING_SORTS, "referrals.Referral"), (NEED_SORTS, "victims.AssistanceNeed"),
                         (OUTBOX_SORTS, "core.OutboundEmail"), (SCORECARD_REFERRAL_SORTS, "referrals.Referral")]:
        for path in order.field_names():
            current = apps.get_model(model)
            for part in path.split("__"):
                try:
                    field = current._meta.get_field(part)
                except Exception:  # an annotation of the list (a count, a deadline): not a stored field
                    break
                assert not isinstance(field, EncryptedTextField), f"{model} sorts on encrypted {path}"
                current = field.related_model or current


# --- Allegations ---------------------------------------------------------------------------------

def test_the_allegation_headers_link_to_their_sort_and_show_the_current_one(client, officer, car):
    AllegationFactory(mission=car)
    client.force_login(officer)
    page = client.get("/allegations/").content.decode()
    received = header(page, "Received")  # the default: newest first
    assert 'aria-sort="descending"' in received and 'href="?sort=received"' in received
    assert "▼" in received and "sorted descending" in received
    reference = header(page, "Reference")
    assert "aria-sort" not in reference and 'href="?sort=reference"' in reference
    assert page.count("aria-sort=") == 1


def test_the_allegation_list_toggles_direction(client, officer, car):
    made = sorted(AllegationFactory(mission=car).reference for _ in range(3))
    client.force_login(officer)
    ascending = client.get("/allegations/", {"sort": "reference"})
    assert references(ascending) == made
    th = header(ascending.content.decode(), "Reference")
    assert 'aria-sort="ascending"' in th and 'href="?sort=-reference"' in th and "sorted ascending" in th
    descending = client.get("/allegations/", {"sort": "-reference"})
    assert references(descending) == made[::-1]
    assert 'href="?sort=reference"' in header(descending.content.decode(), "Reference")


def test_the_allegation_list_ignores_an_unknown_sort(client, officer, car):
    for days in range(3):
        AllegationFactory(mission=car, date_received=datetime.date(2026, 1, 1) + datetime.timedelta(days=days))
    client.force_login(officer)
    default = references(client.get("/allegations/"))
    for unknown in ("narrative", "-narrative", "mission__time_zone", "-"):
        response = client.get("/allegations/", {"sort": unknown})
        assert response.status_code == 200 and references(response) == default
        assert 'name="sort"' not in response.content.decode()


def test_the_allegation_list_keeps_the_sort_with_filters_and_pages(client, officer, car):
    for _ in range(30):
        AllegationFactory(mission=car, location="Boda")
    AllegationFactory(mission=car, location="Sibut")
    client.force_login(officer)
    response = client.get("/allegations/", {"q": "Boda", "sort": "reference"})
    page = response.content.decode()
    assert response.context["page"].paginator.count == 30
    assert "?q=Boda&amp;sort=reference&amp;page=2" in page  # the pager keeps filter and sort
    assert '<input type="hidden" name="sort" value="reference">' in page  # the filters keep the sort
    assert 'href="?q=Boda&amp;sort=-reference"' in header(page, "Reference")  # the headers keep the filter
    second = client.get("/allegations/", {"q": "Boda", "sort": "reference", "page": 2})
    both = [*references(response), *references(second)]
    assert both == sorted(both)
    assert 'href="?q=Boda&amp;sort=-reference"' in header(second.content.decode(), "Reference")  # back to page 1


# --- Pending referrals ---------------------------------------------------------------------------

def open_referrals(car, france, n: int, **values) -> list[Referral]:
    """`n` sent referrals, one per allegation, answers due a day apart."""
    return [Referral.objects.create(
        allegation=AllegationFactory(mission=car, **values), member_state=france, status=ReferralStatus.SENT,
        sent_on=datetime.date(2026, 1, 5), response_due=datetime.date(2026, 1, 19) + datetime.timedelta(days=i),
        investigation_due=datetime.date(2026, 7, 4)) for i in range(n)]


def allegation_refs(response) -> list[str]:
    return [r.allegation.reference for r in response.context["page"].object_list]


def test_the_pending_headers_link_to_their_sort_and_toggle(client, officer, car, france):
    made = open_referrals(car, france, 3)
    client.force_login(officer)
    response = client.get("/referrals/")
    page = response.content.decode()
    due = header(page, "Answer due")  # the default: soonest answer first
    assert 'aria-sort="ascending"' in due and 'href="?sort=-answer_due"' in due
    assert 'href="?sort=allegation"' in header(page, "Allegation")
    assert allegation_refs(response) == [r.allegation.reference for r in made]
    latest = client.get("/referrals/", {"sort": "-answer_due"})
    assert allegation_refs(latest) == [r.allegation.reference for r in made][::-1]
    th = header(latest.content.decode(), "Answer due")
    assert 'aria-sort="descending"' in th and 'href="?sort=answer_due"' in th and "sorted descending" in th
    by_reference = client.get("/referrals/", {"sort": "allegation"})
    assert allegation_refs(by_reference) == sorted(r.allegation.reference for r in made)


def test_the_pending_list_ignores_an_unknown_sort(client, officer, car, france):
    open_referrals(car, france, 3)
    client.force_login(officer)
    default = allegation_refs(client.get("/referrals/"))
    for unknown in ("allegation__narrative", "-victim", "notice"):
        response = client.get("/referrals/", {"sort": unknown})
        assert response.status_code == 200 and allegation_refs(response) == default


def test_the_pending_list_keeps_the_sort_with_filters_and_pages(client, officer, car, france):
    open_referrals(car, france, 30)
    client.force_login(officer)
    response = client.get("/referrals/", {"authority": "France", "sort": "-answer_due"})
    page = response.content.decode()
    assert "?authority=France&amp;sort=-answer_due&amp;page=2" in page
    assert '<input type="hidden" name="sort" value="-answer_due">' in page
    assert 'href="?authority=France&amp;sort=answer_due"' in header(page, "Answer due")
    second = client.get("/referrals/", {"authority": "France", "sort": "-answer_due", "page": 2})
    dues = [r.response_due for r in [*response.context["page"].object_list, *second.context["page"].object_list]]
    assert dues == sorted(dues, reverse=True) and len(dues) == 30


def test_the_pending_list_says_deadlines_in_words(client, officer, car, france):
    late, = open_referrals(car, france, 1, children_involved=True)
    client.force_login(officer)
    with time_machine.travel("2026-01-23 09:00", tick=False):
        page = client.get("/referrals/").content.decode()
    assert "4 days overdue" in page  # answer due 19 January
    assert 'class="deadline deadline-later"' in page  # the investigation is months away


def test_the_pending_list_shows_the_operation_only_to_those_who_see_several(client, officer, analyst, car, somalia,
                                                                          france):
    open_referrals(car, france, 1)
    client.force_login(officer)
    assert 'data-label="Operation"' not in client.get("/referrals/").content.decode()
    client.force_login(analyst)
    assert 'data-label="Operation"' in client.get("/referrals/").content.decode()


@pytest.mark.parametrize("count", [10, 200])
def test_the_outbox_runs_a_constant_number_of_queries_and_sorts(client, officer, car, count,
                                                                 django_assert_max_num_queries):
    OutboundEmail.objects.bulk_create([OutboundEmail(
        message_id=f"<m{n}@test>", recipients=["pm@example.org"], subject=f"Subject {n:03d}", mission=car,
        related_label=f"Label {n}") for n in range(count)])
    client.force_login(officer)
    with django_assert_max_num_queries(9):
        response = client.get("/referrals/outbox/", {"sort": "subject"})
    subjects = [e.subject for e in response.context["page"].object_list]
    assert subjects == sorted(subjects) and subjects[0] == "Subject 000"
    assert 'aria-sort="ascending"' in header(response.content.decode(), "Subject")
