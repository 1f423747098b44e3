"""One definition of an open allegation (home page counts, urgent list) and of a closed one (retention)."""

import pytest

from allegations.choices import CLOSED_STATUSES, OPEN_STATUSES, Status
from allegations.models import Allegation
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db


def test_it_splits_every_status_into_open_or_closed():
    assert OPEN_STATUSES | CLOSED_STATUSES == set(Status.values)
    assert not OPEN_STATUSES & CLOSED_STATUSES
    assert OPEN_STATUSES == {Status.PRELIMINARY_ASSESSMENT, Status.UNDER_REVIEW, Status.UNDER_INVESTIGATION}


def test_it_finds_open_and_closed_allegations_by_their_status(car):
    by_status = {status: AllegationFactory(mission=car, status=status) for status in Status.values}
    assert set(Allegation.objects.open()) == {by_status[s] for s in OPEN_STATUSES}
    assert set(Allegation.objects.closed()) == {by_status[s] for s in CLOSED_STATUSES}
