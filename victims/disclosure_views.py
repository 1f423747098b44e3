"""The register of disclosures on the victim's page and for the victim, and the requests a second person
decides (a share with a UN partner, an export of the identity). Thin: access, form, service, answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.audit import audit_context
from core.crypto import DecryptionError
from core.forms import add_service_errors
from core.locking import StaleEditError
from victims.disclosures import (
    access_disclosure_request,
    disclosure_register_export,
    disclosure_request_create,
    disclosure_request_decide,
    identity_export_produce,
    victim_in_disclosure_scope,
)
from victims.forms import DisclosureDecisionForm, DisclosureRequestForm
from victims.models import DisclosureKind
from victims.services import access_victim
from victims.views import _detail


@require_safe
@login_required
def register_printable(request: HttpRequest, victim_id) -> HttpResponse:
    """The register for the victim, to print or save as PDF in the reader's language; audited."""
    victim = access_victim(request.user, victim_id, audit=audit_context(request))
    rows, _name = disclosure_register_export(actor=request.user, victim=victim, file_format="print",
                                             audit=audit_context(request))
    return render(request, "victims/disclosures_print.html", {"victim": victim, "rows": rows})


@require_safe
@login_required
def register_csv(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request))
    content, name = disclosure_register_export(actor=request.user, victim=victim, file_format="csv",
                                               audit=audit_context(request))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


FORM_NAMES = {DisclosureKind.UN_PARTNER_SHARE: "un_share_form", DisclosureKind.IDENTITY_EXPORT: "export_form"}


@require_POST
@login_required
def request_new(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    victim_in_disclosure_scope(actor=request.user, victim=victim, audit=audit_context(request))
    kind = request.POST.get("kind", "")
    kind = kind if kind in FORM_NAMES else DisclosureKind.UN_PARTNER_SHARE
    form = DisclosureRequestForm(request.POST, kind=kind)
    if form.is_valid():
        try:
            disclosure_request_create(actor=request.user, victim=victim, audit=audit_context(request),
                                      **form.service_values())
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _detail(request, victim, status=400, **{FORM_NAMES[kind]: form})
    messages.success(request, _("Request recorded. Someone else who may see identity must now approve it."))
    return redirect("victims:detail", victim.pk)


@require_POST
@login_required
def request_decide(request: HttpRequest, request_id) -> HttpResponse:
    asked = access_disclosure_request(request.user, request_id, audit=audit_context(request), for_change=True)
    form = DisclosureDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or refuse the request."))
        return _detail(request, asked.victim, status=400)
    try:
        decided = disclosure_request_decide(actor=request.user, request=asked, audit=audit_context(request),
                                            approve=form.cleaned_data["decision"] == "approve",
                                            expected_version=form.cleaned_data["version"])
    except StaleEditError as stale:
        messages.error(request, str(stale))
        return redirect("victims:detail", asked.victim_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, asked.victim, status=400)
    messages.success(request, _("Decision recorded: %(status)s.") % {"status": decided.get_status_display()})
    return redirect("victims:detail", asked.victim_id)


@require_POST
@login_required
def export_file(request: HttpRequest, request_id) -> HttpResponse:
    """A POST: the file holds identity, so it is never a link that a history or a cache keeps."""
    asked = access_disclosure_request(request.user, request_id, audit=audit_context(request), for_change=True)
    try:
        export = identity_export_produce(actor=request.user, request=asked, audit=audit_context(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, asked.victim, status=400)
    except DecryptionError:
        return _detail(request, asked.victim, identity_error=True, status=500)
    response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response
