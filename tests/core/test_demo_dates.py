"""The demo is dated from the day it is seeded: a newcomer sees deadlines days away, not years overdue."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from allegations.models import Allegation, Status
from core.working_days import add_working_days, working_days_until
from referrals.models import AuthorityResponse, InvestigationOutcome, Referral, ReferralStatus
from victims.choices import OPEN_ASSISTANCE
from victims.models import AssistanceNeed

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime.date(2026, 3, 11)


@pytest.fixture(autouse=True)
def demo_keys(settings, tmp_path):
    settings.SEA_FIELD_KEYS = ""
    settings.SEA_DEMO = True
    settings.SEA_KEY_FILE = tmp_path / "keys.json"
    settings.SEA_HOLIDAYS = []


def seed_on(day: datetime.date) -> None:
    # Morning UTC: the same date in Bangui and Mogadishu.
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7), tzinfo=datetime.UTC), tick=False):
        call_command("seed_demo", stdout=io.StringIO())


def sent_and_open():
    return Referral.objects.filter(status=ReferralStatus.SENT)


def test_it_shows_a_newcomer_deadlines_days_away():
    today = WEDNESDAY
    seed_on(today)

    unanswered = sent_and_open().filter(response=AuthorityResponse.NONE_YET)
    assert unanswered.filter(response_due__gte=today, response_due__lte=add_working_days(today, 3)).exists()
    overdue = list(unanswered.filter(response_due__lt=today).values_list("response_due", flat=True))
    assert overdue and all((today - due).days < 30 for due in overdue)  # some overdue, none by years
    assert set(Referral.objects.overdue(today).values_list("response_due", flat=True)) == set(overdue)
    investigating = sent_and_open().filter(response=AuthorityResponse.WILL_INVESTIGATE,
                                           outcome=InvestigationOutcome.PENDING)
    assert investigating.filter(investigation_due__gte=today,
                                investigation_due__lte=today + datetime.timedelta(days=30)).exists()

    assert Referral.objects.awaiting_approval().count() == 1
    assert Referral.objects.returned().count() == 1

    follow_ups = AssistanceNeed.objects.filter(status__in=OPEN_ASSISTANCE, follow_up_on__isnull=False)
    late = list(follow_ups.filter(follow_up_on__lt=today).values_list("follow_up_on", flat=True))
    assert late and all((today - day).days < 30 for day in late)
    assert follow_ups.filter(follow_up_on__gte=today, follow_up_on__lte=today + datetime.timedelta(days=6)).exists()

    waited = [working_days_until(received, today) for received in
              Allegation.objects.filter(status=Status.PRELIMINARY_ASSESSMENT).values_list("date_received", flat=True)]
    assert any(days > 10 for days in waited) and any(days <= 5 for days in waited)

    years = set(Allegation.objects.values_list("date_received__year", flat=True))
    assert {today.year - 3, today.year - 2, today.year - 1} <= years
    assert Allegation.objects.filter(date_received__gte=today).count() == 0


def dates_seeded_on(day: datetime.date) -> dict[str, list[datetime.date]]:
    """Seed on `day`, read the dates, and undo the seeding (the next one starts from nothing)."""
    with transaction.atomic():
        seed_on(day)
        dates = {
            "preliminary": sorted(Allegation.objects.filter(status=Status.PRELIMINARY_ASSESSMENT)
                                  .values_list("date_received", flat=True)),
            "sent": sorted(sent_and_open().values_list("sent_on", flat=True)),
            "answers due": sorted(sent_and_open().values_list("response_due", flat=True)),
        }
        transaction.set_rollback(True)
    return dates


def test_it_moves_the_dates_with_the_day_it_is_seeded():
    week_later = WEDNESDAY + datetime.timedelta(days=7)
    before, after = dates_seeded_on(WEDNESDAY), dates_seeded_on(week_later)
    assert all(before.values())
    for name, dates in before.items():
        assert after[name] == [day + datetime.timedelta(days=7) for day in dates], name
