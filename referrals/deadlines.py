"""Working days and the deadlines of a referral."""

from __future__ import annotations

import datetime

from django.conf import settings


def holidays() -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(d) for d in settings.SEA_HOLIDAYS)


def add_working_days(start: datetime.date, days: int, closed: frozenset[datetime.date] | None = None) -> datetime.date:
    """`days` working days after `start` (Saturdays, Sundays and the configured holidays skipped)."""
    closed = holidays() if closed is None else closed
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            remaining -= 1
    return current


def response_due(sent_on: datetime.date) -> datetime.date:
    return add_working_days(sent_on, settings.SEA_RESPONSE_WORKING_DAYS)


def investigation_due(sent_on: datetime.date, *, children_involved: bool) -> datetime.date:
    days = settings.SEA_INVESTIGATION_DAYS_CHILDREN if children_involved else settings.SEA_INVESTIGATION_DAYS
    return sent_on + datetime.timedelta(days=days)
