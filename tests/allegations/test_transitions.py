import itertools

import pytest
from django.core.exceptions import ValidationError

from allegations.models import ALLOWED_TRANSITIONS, Status
from allegations.services import allegation_transition
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(Status.values, Status.values))


def _at(status, mission):
    return AllegationFactory(mission=mission, status=status)


@pytest.mark.parametrize("current,target", [p for p in ALL_PAIRS if p[1] in ALLOWED_TRANSITIONS[p[0]]])
def test_it_allows_each_legal_transition_and_records_it(current, target, officer, car):
    allegation = _at(current, car)
    result = allegation_transition(actor=officer, allegation=allegation, to_status=target, expected_version=1)
    assert result.status == target
    assert result.version == 2
    change = allegation.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (current, target, officer)


@pytest.mark.parametrize("current,target", [p for p in ALL_PAIRS if p[1] not in ALLOWED_TRANSITIONS[p[0]]])
def test_it_rejects_each_illegal_transition_and_changes_nothing(current, target, officer, car):
    allegation = _at(current, car)
    with pytest.raises(ValidationError) as error:
        allegation_transition(actor=officer, allegation=allegation, to_status=target, expected_version=1)
    assert "cannot go from" in str(error.value)
    allegation.refresh_from_db()
    assert (allegation.status, allegation.version) == (current, 1)
    assert not allegation.status_changes.exists()


def test_it_rejects_an_unknown_status(officer, car):
    allegation = _at(Status.PRELIMINARY_ASSESSMENT, car)
    with pytest.raises(ValidationError, match="is not a status"):
        allegation_transition(actor=officer, allegation=allegation, to_status="archived", expected_version=1)


def test_terminal_statuses_offer_no_way_out():
    assert {s for s, targets in ALLOWED_TRANSITIONS.items() if not targets} == {
        Status.SUBSTANTIATED, Status.NOT_SUBSTANTIATED, Status.CLOSED_OTHER,
    }


def test_it_shows_an_illegal_transition_as_a_clear_message_in_the_browser(client, officer, car):
    allegation = _at(Status.SUBSTANTIATED, car)
    client.force_login(officer)
    response = client.post(
        f"/allegations/{allegation.pk}/status/", {"to_status": Status.UNDER_REVIEW, "version": 1}, follow=True
    )
    assert "An allegation cannot go from “Substantiated” to “Under review (limited information)”." in response.content.decode()
    allegation.refresh_from_db()
    assert allegation.status == Status.SUBSTANTIATED


def test_it_moves_an_allegation_through_the_browser_with_a_note(client, officer, car):
    allegation = _at(Status.PRELIMINARY_ASSESSMENT, car)
    client.force_login(officer)
    response = client.post(
        f"/allegations/{allegation.pk}/status/",
        {"to_status": Status.UNDER_INVESTIGATION, "version": 1, "note": "Member State confirmed"},
        follow=True,
    )
    page = response.content.decode()
    assert "Status is now “Under investigation”." in page
    assert "Member State confirmed" in page
    allegation.refresh_from_db()
    assert allegation.status == Status.UNDER_INVESTIGATION
