from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.audit import audit_context, audit_record, get_in_scope_or_404
from core.forms import add_service_errors
from reporting.annex import INTERNAL_NOTE, AnnexFilters, build_annex
from reporting.charts import bar_chart
from reporting.forms import AnnexFilterForm, ExportForm, PublishForm
from reporting.models import ExportJob, StatisticsRelease
from reporting.services import (
    Dashboard,
    ReleaseConflict,
    annex_printable,
    dashboard_for,
    dashboard_year,
    export_is_large,
    export_job_start,
    export_now,
    reports_scope,
    statistics_preview,
    statistics_release_publish,
)
from reporting.stages import STAGE_MEDIAN_LABELS, STAGES
from reporting.statistics import disclosure_report, shown_tables


def _require_reports(user) -> None:
    if not user.has_perm("reporting.view_reports"):
        raise Http404


def _url(route: str, **params) -> str:
    """A list page's address with its filters (only those set), a plain link: no script needed."""
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse(route) + (f"?{query}" if query else "")


def _dashboard_charts(data: Dashboard, filters: AnnexFilters) -> tuple[list, dict]:
    """The charts and the tiles' links. Bars and tiles open the allegations list narrowed to what they count;
    the list has no country, force or nationality filter, so under those filters the bars are not links
    (a list showing more than the bar would mislead)."""
    year = {"year": data.year}
    linked = not (filters.country_id or filters.force_id or filters.nationality_id)

    def listed(**params) -> str:
        if not linked:
            return ""
        return _url("allegations:list", **{"year": data.year, "status": filters.status,
                                           "allegation_type": filters.allegation_type, **params})

    per_year = [(str(y), n, _url("allegations:list", year=y)) for y, n in data.per_year]
    by_type = [(label, n, listed(allegation_type=code)) for code, label, n in data.by_type]
    by_status = [(label, n, listed(status=code)) for code, label, n in data.by_status]
    # Girls and boys: the list's "children involved" filter (it lists allegations, the bar counts victims).
    victims = [(label, n, listed(children="on") if i in (1, 3) else "") for i, (label, n) in enumerate(data.victims)]
    charts = [
        bar_chart("per-year", _("Allegations received per year"), per_year),
        bar_chart("per-quarter", _("Allegations received in %(year)s, per quarter") % year, data.per_quarter),
        bar_chart("by-type", _("Allegations received in %(year)s, by type") % year, by_type),
        bar_chart("by-status", _("Allegations received in %(year)s, by status") % year, by_status),
        bar_chart("victims", _("Victims in the allegations of %(year)s") % year, victims),
    ]
    links = {
        "allegations": listed(),
        "pending": _url("referrals:pending"),
        "overdue": _url("referrals:pending", overdue="on"),
    }
    return charts, links


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reports(request.user)
    form = AnnexFilterForm(request.GET or None, default_year=dashboard_year(request.user))
    if not form.is_valid():
        return render(request, "reporting/dashboard.html", {"form": form}, status=400)
    filters = form.filters()
    data = dashboard_for(user=request.user, year=form.cleaned_data["year"], filters=filters)
    charts, links = _dashboard_charts(data, filters)
    # The annex link keeps the year shown, even when the page opened on its default.
    query = urlencode({key: value for key, value in form.data.items() if value})
    return render(request, "reporting/dashboard.html", {"form": form, "data": data, "charts": charts, "links": links,
                                                         "stages": STAGES, "stage_tiles": list(zip(STAGE_MEDIAN_LABELS, data.stages, strict=True)),
                                                         "query": query})


@require_safe
@login_required
def annex_preview(request: HttpRequest) -> HttpResponse:
    _require_reports(request.user)
    form = AnnexFilterForm(request.GET or None)
    if not form.is_valid():
        return render(request, "reporting/annex.html", {"form": form}, status=400)
    year, filters = form.cleaned_data["year"], form.filters()
    if request.GET.get("print"):
        annex, template = annex_printable(user=request.user, year=year, filters=filters, audit=audit_context(request)), \
            "reporting/annex_print.html"
    else:
        annex, template = build_annex(reports_scope(request.user), year=year, filters=filters), "reporting/annex.html"
    return render(request, template, {"form": form, "annex": annex, "query": request.GET.urlencode(),
                                      "internal_note": _(INTERNAL_NOTE)})


@require_safe
@login_required
def annex_download(request: HttpRequest) -> HttpResponse:
    _require_reports(request.user)
    form = ExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "reporting/annex.html", {"form": form}, status=400)
    year, fmt, table, filters = (form.cleaned_data["year"], form.cleaned_data["format"], form.cleaned_data["table"],
                                 form.filters())
    if export_is_large(user=request.user, year=year, filters=filters):
        job = export_job_start(user=request.user, year=year, fmt=fmt, table=table, filters=filters, audit=audit_context(request))
        return redirect("reporting:job", job.pk)
    content, content_type, name = export_now(user=request.user, year=year, fmt=fmt, table=table, filters=filters,
                                             audit=audit_context(request))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own_job(request: HttpRequest, job_id) -> ExportJob:
    """Only the person who asked may follow or download an export; for anyone else it does not exist."""
    return get_in_scope_or_404(ExportJob.objects.visible_to(request.user), job_id, user=request.user,
                               audit=audit_context(request))


@require_safe
@login_required
def export_job(request: HttpRequest, job_id) -> HttpResponse:
    _require_reports(request.user)
    return render(request, "reporting/job.html", {"job": _own_job(request, job_id)})


@require_safe
@login_required
def export_job_file(request: HttpRequest, job_id) -> HttpResponse:
    _require_reports(request.user)
    job = _own_job(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.path.exists():
        raise Http404
    audit_record(action="export_download", actor=request.user, audit=audit_context(request), obj=job, detail=job.params)
    return FileResponse(job.path.open("rb"), as_attachment=True, filename=job.file_name, content_type=job.content_type)


def _require_publisher(user) -> None:
    if not user.has_perm("reporting.publish_statistics"):
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def statistics_publish(request: HttpRequest) -> HttpResponse:
    """What the year's release would show, through the gate, and the button that publishes it."""
    _require_publisher(request.user)
    form = PublishForm(request.POST if request.method == "POST" else {"year": request.GET.get(
        "year", timezone.localdate().year - 1)})
    if not form.is_valid():
        return render(request, "reporting/statistics.html", {"form": form}, status=400)
    year = form.cleaned_data["year"]
    if request.method == "POST":
        try:
            release = statistics_release_publish(actor=request.user, year=year, audit=audit_context(request))
        except ValidationError as error:
            add_service_errors(form, None, error)
            return render(request, "reporting/statistics.html", {"form": form}, status=400)
        except ReleaseConflict:
            messages.error(request, _("Someone published this year at the same moment. Look at the newest release, "
                                      "then publish again if needed."))
            return redirect(f"{reverse('reporting:statistics')}?year={year}")
        messages.success(request, _("Release %(number)s of %(year)s is published.") % {"number": release.number,
                                                                                        "year": year})
        return redirect("statistics:release", year, release.number)
    data = statistics_preview(year)
    return render(request, "reporting/statistics.html", {
        "form": form, "year": year, "tables": shown_tables(data), "report": disclosure_report(data),
        "rules": data["rules"], "releases": StatisticsRelease.objects.filter(year=year).order_by("-number")})
