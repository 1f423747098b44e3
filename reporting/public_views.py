"""The published statistics at /statistics/: no sign-in, no cookie, no script; English or French
(`?lang=fr`, else the browser's language). Releases never change, so each page and file is rendered
once per language and kept in the cache."""

from __future__ import annotations

import functools
import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from core.middleware import mark_published
from core.public import in_public_language
from core.spreadsheets import to_csv
from reporting.charts import bar_chart
from reporting.models import StatisticsRelease
from reporting.selectors import latest_releases, release_of, served_release
from reporting.statistics import NOTES, disclosure_report, release_csv_rows, shown_tables

MAX_AGE_SECONDS = 300  # what a browser or proxy may keep; a new release shows within five minutes
CACHE_SECONDS = 24 * 3600


def public_statistics(view):
    """Run the view in the asked language and let browsers and proxies keep the answer."""

    @functools.wraps(view)
    @in_public_language()
    def run(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        patch_vary_headers(response, ["Accept-Language"])
        return mark_published(response, max_age=MAX_AGE_SECONDS)

    return require_safe(run)


def _render(template: str, context: dict) -> str:
    """Without the request: nothing of the visitor (account, token, messages) can reach a shared page."""
    return render_to_string(template, context)


def _cached(key: str, build) -> tuple[bytes, str]:
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found


def _page(request: HttpRequest, release: StatisticsRelease, releases: list[StatisticsRelease], language: str) -> HttpResponse:
    newest_of_year = next((r for r in releases if r.year == release.year), release)

    def build() -> tuple[bytes, str]:
        data = release.data
        chart = bar_chart("per-year", gettext("Allegations received per year"),
                          [(str(r.year), r.allegations) for r in sorted(releases, key=lambda r: r.year)
                           if isinstance(r.allegations, int)])
        others = list(StatisticsRelease.objects.filter(year=release.year).exclude(pk=release.pk)
                      .order_by("-number").only("year", "number", "published_at"))
        page = _render("statistics/release.html", {
            "release": release, "tables": shown_tables(data), "report": disclosure_report(data),
            "rules": data["rules"], "years": releases, "chart": chart, "others": others,
            "replaced_by": newest_of_year if newest_of_year.pk != release.pk else None,
            "notes": [gettext(n) for n in NOTES], "language": language,
            "language_links": request.language_links,
        })
        return page.encode(), "text/html; charset=utf-8"

    # Any new release (of any year: the chart and the years list show them all) makes a new page.
    newest = max(r.pk for r in releases)
    content, content_type = _cached(f"statistics:page:{request.path}:{release.pk}:{newest}:{language}", build)
    return HttpResponse(content, content_type=content_type)


@public_statistics
def statistics_index(request: HttpRequest, *, language: str) -> HttpResponse:
    releases = latest_releases()
    if not releases:
        return HttpResponse(_render("statistics/none.html", {"language": language,
                                                             "language_links": request.language_links}))
    return _page(request, releases[0], releases, language)


@public_statistics
def statistics_year(request: HttpRequest, year: int, number: int | None = None, *, language: str) -> HttpResponse:
    release = release_of(year, number)
    return _page(request, release, latest_releases(), language)


@public_statistics
def statistics_csv(request: HttpRequest, year: int, number: int, *, language: str) -> HttpResponse:
    release = served_release(year, number)

    def build() -> tuple[bytes, str]:
        return to_csv(*release_csv_rows(release.year, release.number, release.data)), "text/csv; charset=utf-8"

    content, content_type = _cached(f"statistics:csv:{release.pk}:{language}", build)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="sea-statistics-{year}-{number}-{language}.csv"'
    return response


@public_statistics
def statistics_json(request: HttpRequest, year: int, number: int, *, language: str) -> HttpResponse:
    release = served_release(year, number)
    document = {"year": release.year, "release": release.number, "published_at": release.published_at.isoformat(),
                **{k: release.data[k] for k in ("rules", "tables", "withheld", "forces", "states", "suppressions")}}
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json")
