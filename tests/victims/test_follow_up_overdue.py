"""One definition of an overdue follow-up (caseload, home page, digest): an open need whose
follow-up date has passed on its operation's local date."""

import datetime

import pytest
import time_machine

from tests.factories import AllegationFactory, make_victim
from victims.assistance import need_create
from victims.choices import AssistanceStatus
from victims.models import AssistanceNeed

pytestmark = pytest.mark.django_db


def test_it_finds_open_needs_whose_follow_up_has_passed(officer, advocate, car):
    victim = make_victim(officer, AllegationFactory(mission=car))

    def need(follow_up_on, status=AssistanceStatus.IDENTIFIED):
        created = need_create(actor=advocate, victim=victim, category="medical", identified_on=datetime.date(2026, 1, 1),
                              follow_up_on=follow_up_on)
        AssistanceNeed.objects.filter(pk=created.pk).update(status=status)
        return created

    with time_machine.travel("2026-03-10 12:00", tick=False):
        late = need(datetime.date(2026, 3, 9))
        late_in_progress = need(datetime.date(2026, 3, 1), AssistanceStatus.IN_PROGRESS)
        need(datetime.date(2026, 3, 10))  # due today: not yet overdue
        need(datetime.date(2026, 3, 1), AssistanceStatus.PROVIDED)  # closed
        need(None)  # no follow-up set
        assert set(AssistanceNeed.objects.follow_up_overdue()) == {late, late_in_progress}
