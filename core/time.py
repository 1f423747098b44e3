"""Each operation's own "today": validation, dates sent, deadlines and reminders use the local date
of the operation's time zone (`Mission.time_zone`); timestamps stay in UTC.
"""

from __future__ import annotations

import datetime
import operator
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache, reduce

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_time_zone(value: str) -> None:
    # A validator, not choices: the zone database changes without a migration.
    if value not in time_zone_names():
        raise ValidationError(_("%(zone)s is not a time zone such as Africa/Bangui.") % {"zone": value})


def local_today(zone: str) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))


def zones_by_local_date() -> dict[datetime.date, tuple[str, ...]]:
    """Right now, which zones are on which date (at most three dates: the world spans ±14 hours)."""
    now = timezone.now()
    # Every UTC offset is a multiple of 15 minutes, so no local date changes inside a quarter hour.
    return _zones_at(now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0))


@lru_cache(maxsize=4)
def _zones_at(quarter_hour: datetime.datetime) -> dict[datetime.date, tuple[str, ...]]:
    dates: dict[datetime.date, list[str]] = defaultdict(list)
    for name in time_zone_names():
        dates[quarter_hour.astimezone(zoneinfo.ZoneInfo(name)).date()].append(name)
    return {day: tuple(names) for day, names in dates.items()}


def per_local_date(condition: Callable[[datetime.date], Q], *, zone_field: str) -> Q:
    """`condition(today)` where each row's "today" is the local date of the zone in `zone_field`: no
    query of its own, so pages keep their query counts."""
    return reduce(operator.or_, (Q(**{f"{zone_field}__in": zones}) & condition(day)
                                 for day, zones in sorted(zones_by_local_date().items())))
