"""One definition of an overdue referral: open (sent, not closed) and past the answer deadline
without an answer, or past the investigation deadline without an outcome (unless it declined)."""

import datetime

import pytest

from referrals.choices import AuthorityResponse, InvestigationOutcome, ReferralStatus
from referrals.models import Referral
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def referral(car, france, **values):
    defaults = {"status": ReferralStatus.SENT, "sent_on": datetime.date(2026, 1, 5),
                "response_due": datetime.date(2026, 1, 19), "investigation_due": datetime.date(2026, 7, 4)}
    return Referral.objects.create(allegation=AllegationFactory(mission=car), member_state=france,
                                   **(defaults | values))


def test_it_finds_the_open_referrals_past_a_deadline(car, france):
    unanswered = referral(car, france)
    answered = referral(car, france, response=AuthorityResponse.WILL_INVESTIGATE)
    investigation_late = referral(car, france, response=AuthorityResponse.WILL_INVESTIGATE,
                                  investigation_due=datetime.date(2026, 5, 1))
    declined_late = referral(car, france, response=AuthorityResponse.DECLINES,
                             investigation_due=datetime.date(2026, 5, 1))
    concluded = referral(car, france, response=AuthorityResponse.WILL_INVESTIGATE,
                         investigation_due=datetime.date(2026, 5, 1), outcome=InvestigationOutcome.SUBSTANTIATED)
    closed = referral(car, france, status=ReferralStatus.CLOSED)
    overdue = set(Referral.objects.overdue(TODAY))
    assert overdue == {unanswered, investigation_late}
    assert not overdue & {answered, declined_late, concluded, closed}
