"""The pending page's two overdue flags come from the same conditions as `Referral.objects.overdue()`."""

import datetime

import pytest
import time_machine

from referrals.choices import AuthorityResponse
from referrals.models import Referral
from referrals.querysets import pending_referrals
from referrals.services import referral_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(officer, chief, credible, france, approve) -> Referral:
    with time_machine.travel("2026-03-02 09:00", tick=False):
        draft = referral_draft(actor=officer, allegation=credible, member_state=france)
        approve(chief, draft)
    return Referral.objects.get(pk=draft.pk)


def flags(officer) -> tuple[bool, bool, bool]:
    """(answer overdue, investigation overdue) as the page shows them, and whether `overdue()` lists it."""
    row = pending_referrals(user=officer).get()
    listed = Referral.objects.overdue().filter(pk=row.pk).exists()
    return bool(row.answer_overdue), bool(row.investigation_overdue), listed


def test_it_flags_each_missed_deadline_as_overdue_does(officer, sent):
    with time_machine.travel("2026-03-20 12:00", tick=False):
        assert flags(officer) == (True, False, True)  # answer missed, investigation not yet due
        past = sent.response_due - datetime.timedelta(days=1)
        Referral.objects.filter(pk=sent.pk).update(response=AuthorityResponse.WILL_INVESTIGATE, investigation_due=past)
        assert flags(officer) == (False, True, True)
        # An authority that declines is not chased for an outcome.
        Referral.objects.filter(pk=sent.pk).update(response=AuthorityResponse.DECLINES)
        assert flags(officer) == (False, False, False)
