"""Working days: Saturdays, Sundays and the configured holidays (`SEA_HOLIDAYS`) are not counted.
Referral deadlines, reminders, queues ("in assessment for more than 10 working days") and the
deadline words on every page count the same way."""

from __future__ import annotations

import datetime

from django.conf import settings

# Within this many working days a deadline is "soon": it goes on the work queues and turns amber.
SOON_WORKING_DAYS = 3


def holidays() -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(d) for d in settings.SEA_HOLIDAYS)


def is_working_day(day: datetime.date, closed: frozenset[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_working_days(start: datetime.date, days: int, closed: frozenset[datetime.date] | None = None) -> datetime.date:
    """`days` working days after `start` (`days` < 0: before it)."""
    closed = holidays() if closed is None else closed
    step = datetime.timedelta(days=1 if days >= 0 else -1)
    current = start
    remaining = abs(days)
    while remaining > 0:
        current += step
        if is_working_day(current, closed):
            remaining -= 1
    return current


def working_days_until(today: datetime.date, due: datetime.date,
                       closed: frozenset[datetime.date] | None = None) -> int:
    """Working days left from `today` to `due` (0 when due today or on the next non-working days)."""
    closed = holidays() if closed is None else closed
    count, current = 0, today
    while current < due:
        current += datetime.timedelta(days=1)
        if is_working_day(current, closed):
            count += 1
    return count
