"""Reads of the published statistics (public: no user, no scope; only what the gate let out)."""

from __future__ import annotations

from django.db.models import Max
from django.http import Http404

from reporting.models import StatisticsRelease


def latest_releases() -> list[StatisticsRelease]:
    """Each year's newest release, newest year first, each with `allegations`: its published grand
    total (a number, or the mark that hides it)."""
    newest = StatisticsRelease.objects.values("year").annotate(number=Max("number"))
    wanted = {(row["year"], row["number"]) for row in newest}
    releases = [r for r in StatisticsRelease.objects.order_by("-year", "-number") if (r.year, r.number) in wanted]
    for release in releases:
        release.allegations = release.grand_total("allegations_by_quarter_and_type")
    return releases


def release_of(year: int, number: int | None = None) -> StatisticsRelease:
    """A year's release (its newest when no number is given); 404 if there is none."""
    releases = StatisticsRelease.objects.filter(year=year).order_by("-number")
    release = (releases.filter(number=number) if number is not None else releases).first()
    if release is None:
        raise Http404
    return release


def served_release(year: int, number: int) -> StatisticsRelease:
    """A release whose tables are still served: the newest of its year (a replaced one is kept, as
    published, but no longer given out, so that two releases cannot be subtracted one from the other)."""
    release = release_of(year, number)
    if StatisticsRelease.objects.filter(year=year, number__gt=number).exists():
        raise Http404
    return release
