"""Demo statistics: each past year of the demo's allegations published once, through the gate, so
/statistics/ has something to show."""

from __future__ import annotations

from django.utils import timezone

from allegations.models import Allegation
from reporting.models import StatisticsRelease
from reporting.services import statistics_release_publish


def seed_statistics() -> int:
    if StatisticsRelease.objects.exists():
        return 0
    this_year = timezone.localdate().year
    years = sorted({d.year for d in Allegation.objects.values_list("date_received", flat=True)} - {this_year})
    for year in years:
        statistics_release_publish(actor=None, year=year)
    return len(years)
