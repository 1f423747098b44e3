"""The field officers' side of the reporting channel: the queue of incoming reports of their
operations, one report with its messages, and what an officer decides about it (take it for
assessment, write to the person, close it with a reason the person reads, or record it as an
allegation through the intake form). Nothing here decides on its own: every change is a button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from allegations.choices import ReportCloseReason, ReportQueueShow
from allegations.forms import ReportCloseForm, OfficeMessageForm, ReportQueueForm, intake_forms, intake_is_valid
from allegations.models import IncomingReport
from allegations.reports import (
    access_report,
    first_line,
    report_assess,
    report_close,
    report_convert,
    report_message_from_office,
    report_milestones,
    report_prefill,
    report_queue,
    report_read,
)
from allegations.views import _intake_context, _intake_data
from core.audit import audit_context, read_encrypted
from core.forms import add_service_errors
from core.locking import StaleEditError, submitted_version
from core.paging import paginate, shows_operation


def _may_assess(user) -> bool:
    """Who has a queue at all: officers who record allegations (the records are scoped per operation)."""
    return user.has_perm("allegations.add_allegation")


@require_safe
@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    if not _may_assess(request.user):
        raise Http404
    filters = ReportQueueForm(request.GET or None)
    show = filters.show_value()
    context = paginate(request, report_queue(request.user, show=show))
    rows = []
    for report in context["page"].object_list:
        text, readable = read_encrypted(report, "what_happened", actor=request.user, audit=audit_context(request))
        rows.append((report, first_line(text) if readable else None))
    return render(request, "allegations/reports/list.html", {
        "filters": filters, "show": show, "showing_open": show == ReportQueueShow.OPEN, "rows": rows,
        "show_operation": shows_operation(request.user), **context,
    })


def _close_reasons(report: IncomingReport) -> list[tuple[str, str, str]]:
    """Each reason as (value, in the officer's language, in the person's): the exact words they will read."""
    with translation.override(report.language or None):
        theirs = {value: str(label) for value, label in ReportCloseReason.choices}
    return [(value, str(label), theirs[value]) for value, label in ReportCloseReason.choices]


def _language_name(code: str) -> str:
    try:
        return translation.get_language_info(code)["name_local"]
    except KeyError:
        return code


def _report_page(request: HttpRequest, report: IncomingReport, *, status: int = 200, **overrides) -> HttpResponse:
    reading = report_read(actor=request.user, report=report, audit=audit_context(request))
    context = {
        "report": report,
        "fields": reading.fields,
        "thread": reading.messages,
        "milestones": report_milestones(report),
        "message_form": OfficeMessageForm(),
        "close_form": ReportCloseForm(),
        "close_reasons": _close_reasons(report),
        "person_language": _language_name(report.language),
        "other_language": (report.language or "").split("-")[0] != (translation.get_language() or "").split("-")[0],
    }
    return render(request, "allegations/reports/detail.html", context | overrides, status=status)


@require_safe
@login_required
def report_detail(request: HttpRequest, report_id) -> HttpResponse:
    return _report_page(request, access_report(request.user, report_id, audit=audit_context(request)))


@require_POST
@login_required
def report_assess_view(request: HttpRequest, report_id) -> HttpResponse:
    report = access_report(request.user, report_id, audit=audit_context(request))
    try:
        report_assess(actor=request.user, report=report, expected_version=submitted_version(request),
                      audit=audit_context(request))
    except StaleEditError as stale:
        messages.error(request, str(stale))
        return _report_page(request, access_report(request.user, report_id), status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _report_page(request, report, status=400)
    messages.success(request, _("You are assessing this report. Record it as an allegation or close it when you have decided."))
    return redirect("allegations:report", report.pk)


@require_POST
@login_required
def report_message_view(request: HttpRequest, report_id) -> HttpResponse:
    report = access_report(request.user, report_id, audit=audit_context(request))
    form = OfficeMessageForm(request.POST)
    if form.is_valid():
        try:
            report_message_from_office(actor=request.user, report=report, body=form.cleaned_data["body"],
                                       audit=audit_context(request))
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _report_page(request, report, status=400, message_form=form)
    messages.success(request, _("Message kept for the person: they will see it when they next open their status page."))
    return redirect("allegations:report", report.pk)


@require_POST
@login_required
def report_close_view(request: HttpRequest, report_id) -> HttpResponse:
    report = access_report(request.user, report_id, audit=audit_context(request))
    form = ReportCloseForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, status=400, close_form=form)
    try:
        report = report_close(actor=request.user, report=report, expected_version=submitted_version(request),
                              reason=form.cleaned_data["reason"], audit=audit_context(request))
    except StaleEditError as stale:
        messages.error(request, str(stale))
        return _report_page(request, access_report(request.user, report_id), status=409, close_form=form)
    except ValidationError as error:
        add_service_errors(form, None, error)
        return _report_page(request, report, status=400, close_form=form)
    messages.success(request, _("Report closed. The person reads the reason on their status page."))
    return redirect("allegations:report", report.pk)


def _convert_context(report: IncomingReport, form, formset, version: int, **extra) -> dict:
    return _intake_context(form, formset, report=report, version=version, **extra)


@login_required
def report_convert_view(request: HttpRequest, report_id) -> HttpResponse:
    """The intake form, started from the report; only the officer's submit records the allegation."""
    report = access_report(request.user, report_id, audit=audit_context(request))
    if not report.is_open:
        messages.error(request, _("This report has already been dealt with."))
        return redirect("allegations:report", report.pk)
    prefill = report_prefill(report)
    if request.method != "POST":
        form, formset = intake_forms(user=request.user, prefill=prefill)
        return render(request, "allegations/form.html", _convert_context(report, form, formset, report.version))

    data, round_trip = _intake_data(request)
    form, formset = intake_forms(user=request.user, data=data, extra=0, checked=not round_trip, prefill=prefill)
    context = _convert_context(report, form, formset, submitted_version(request))
    if round_trip:
        return render(request, "allegations/form.html", context)
    if not intake_is_valid(form, formset):
        return render(request, "allegations/form.html", context, status=400)
    try:
        allegation = report_convert(
            actor=request.user, report=report, expected_version=submitted_version(request),
            values=form.service_values(), perpetrators=[row for row in formset.service_rows() if not row["delete"]],
            audit=audit_context(request))
    except StaleEditError as stale:
        messages.error(request, str(stale))
        return render(request, "allegations/form.html", context | {"stale": True}, status=409)
    except ValidationError as error:
        add_service_errors(form, formset, error)
        return render(request, "allegations/form.html", context, status=400)
    messages.success(request, _("Allegation %(reference)s recorded from the incoming report.")
                     % {"reference": allegation.reference})
    if request.POST.get("then") == "add_victim" and request.user.has_perm("victims.add_victim"):
        return redirect("victims:new", allegation.pk)
    return redirect("allegations:detail", allegation.pk)
