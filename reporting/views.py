from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.audit import audit_context, audit_record, get_in_scope_or_404
from reporting.annex import build_annex
from reporting.charts import bar_chart
from reporting.forms import AnnexFilterForm, ExportForm
from reporting.models import ExportJob
from reporting.services import (
    annex_printable,
    dashboard_for,
    export_is_large,
    export_job_start,
    export_now,
    reports_scope,
)


def _require_reports(user) -> None:
    if not user.has_perm("reporting.view_reports"):
        raise Http404


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reports(request.user)
    form = AnnexFilterForm(request.GET or None)
    if not form.is_valid():
        return render(request, "reporting/dashboard.html", {"form": form}, status=400)
    data = dashboard_for(user=request.user, year=form.cleaned_data["year"], filters=form.filters())
    year = {"year": data.year}
    charts = [
        bar_chart("per-year", _("Allegations received per year"), data.per_year),
        bar_chart("per-quarter", _("Allegations received in %(year)s, per quarter") % year, data.per_quarter),
        bar_chart("by-type", _("Allegations received in %(year)s, by type") % year, data.by_type),
        bar_chart("by-status", _("Allegations received in %(year)s, by status") % year, data.by_status),
        bar_chart("victims", _("Victims in the allegations of %(year)s") % year, data.victims),
    ]
    return render(request, "reporting/dashboard.html", {"form": form, "data": data, "charts": charts,
                                                         "query": request.GET.urlencode()})


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
    return render(request, template, {"form": form, "annex": annex, "query": request.GET.urlencode()})


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
