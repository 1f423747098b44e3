"""The reporting channel's public pages (/report/): no account, no script, no third-party file, and no
cookie until the form is sent but the CSRF one. Pages are in English, French, Sango, Somali or Arabic.

A receipt that opens a report puts the report's id in the session (never the receipt); every other
receipt gets one page, whatever the reason."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allegations.forms import PublicReportForm, ReceiptForm, ReportMessageForm
from allegations.reports import (
    AlreadySent,
    TooManyRequests,
    receipt_in_groups,
    report_access_end,
    report_for_receipt,
    report_message_from_person,
    report_milestones,
    report_missions,
    report_still_open_to,
    report_submit,
    report_visit,
    submission_key_new,
)
from core.audit import audit_context
from core.forms import add_service_errors
from core.models import Force
from core.public import in_public_language

STATUS_KEY = "report_status"  # the session holds the opened report's id (never its receipt) and when last seen
STATUS_IDLE_SECONDS = 15 * 60  # on a shared phone, the next person finds the status page closed


# In the visitor's language among the channel's five; forms post back to the same language.
report_page = in_public_language(settings.PUBLIC_LANGUAGES)


def _context(request: HttpRequest, language: str, **more) -> dict:
    # Who is signed in (assisted mode) is said on the form, nothing else of the account.
    assisted = request.user.is_authenticated
    return {"language": language, "language_links": request.language_links, "assisted": assisted, **more}


def _report_form(request: HttpRequest, data=None) -> PublicReportForm:
    initial = {"submission_key": submission_key_new()}
    return PublicReportForm(data, initial=initial, missions=report_missions(), forces=Force.objects.order_by("name"))


@require_http_methods(["GET", "POST"])
@report_page
def report_new(request: HttpRequest, *, language: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "report/form.html", _context(request, language, form=_report_form(request)))
    form = _report_form(request, request.POST)
    status = 400
    if form.is_valid():
        audit = audit_context(request)
        actor = request.user if request.user.is_authenticated else None
        try:
            _report, receipt = report_submit(values=form.cleaned_data, language=language, address=audit.ip_address,
                                             actor=actor, submission_key=form.cleaned_data["submission_key"],
                                             audit=audit)
        except AlreadySent:
            return render(request, "report/already_sent.html", _context(request, language))
        except ValidationError as error:
            add_service_errors(form, None, error)
        except TooManyRequests:
            status = 429
            form.add_error(None, _("Too many reports are arriving from here just now. Please send it again in "
                                   "an hour: what you typed is still below."))
        else:
            # Shown once: the page is not kept (no-store) and the receipt is nowhere else.
            return render(request, "report/receipt.html",
                          _context(request, language, receipt=receipt_in_groups(receipt)))
    return render(request, "report/form.html", _context(request, language, form=form), status=status)


def _opened(request: HttpRequest):
    """The report this browser opened with its receipt, unless it has been idle too long since."""
    opened = request.session.get(STATUS_KEY)
    if not isinstance(opened, dict) or time.time() - opened.get("seen", 0) > STATUS_IDLE_SECONDS:
        request.session.pop(STATUS_KEY, None)
        return None
    report = report_still_open_to(opened["id"])
    if report is not None:
        request.session[STATUS_KEY] = {"id": opened["id"], "seen": time.time()}
    return report


@require_http_methods(["GET", "POST"])
@report_page
def report_status(request: HttpRequest, *, language: str) -> HttpResponse:
    if request.method == "POST":
        form = ReceiptForm(request.POST)
        audit = audit_context(request)
        report = report_for_receipt(typed=form.data.get("receipt", ""), address=audit.ip_address, audit=audit)
        if report is None:
            return render(request, "report/status_open.html",
                          _context(request, language, form=ReceiptForm(), refused=True))
        request.session.cycle_key()
        request.session[STATUS_KEY] = {"id": str(report.pk), "seen": time.time()}
        report_visit(report=report, audit=audit)
        return redirect(f"{request.path}?lang={language}")
    report = _opened(request)
    if report is None:
        return render(request, "report/status_open.html", _context(request, language, form=ReceiptForm()))
    return _status_page(request, report, language, ReportMessageForm())


def _status_page(request, report, language: str, message_form, status: int = 200) -> HttpResponse:
    messages = list(report.messages.all())
    last_from_person = max((m.sent_at for m in messages if not m.from_office), default=None)
    unanswered = [m for m in messages if m.from_office and (last_from_person is None or m.sent_at > last_from_person)]
    return render(request, "report/status.html", _context(
        request, language, report=report, steps=report_milestones(report), messages=messages,
        new_message=bool(unanswered), message_form=message_form), status=status)


@require_POST
@report_page
def report_message(request: HttpRequest, *, language: str) -> HttpResponse:
    report = _opened(request)
    if report is None:
        return render(request, "report/status_open.html", _context(request, language, form=ReceiptForm()))
    form = ReportMessageForm(request.POST)
    if form.is_valid():
        try:
            report_message_from_person(report=report, body=form.cleaned_data["body"], audit=audit_context(request))
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            return redirect(f"{reverse('report:status')}?lang={language}#messages")
    return _status_page(request, report, language, form, status=400)


@require_POST
@report_page
def report_end(request: HttpRequest, *, language: str) -> HttpResponse:
    report = _opened(request)
    if report is not None:
        report_access_end(report=report, audit=audit_context(request))
    request.session.flush()
    return render(request, "report/ended.html", _context(request, language))
