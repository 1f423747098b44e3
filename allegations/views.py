from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from allegations import hooks
from allegations.attachments import (
    EvidenceIntegrityError,
    access_attachment,
    attachment_add,
    attachment_delete,
    attachment_read,
    attachment_viewed,
)
from allegations.forms import (
    AllegationFilterForm,
    AttachmentForm,
    TransitionForm,
    intake_forms,
    intake_is_valid,
)
from allegations.models import Allegation, Attachment, IncomingReport
from allegations.querysets import ALLEGATION_SORTS, allegation_list, can_read_narrative
from allegations.selectors import attachment_custody_log
from allegations.services import (
    access_allegation,
    allegation_create,
    allegation_transition,
    allegation_update,
)
from core.audit import audit_context, read_encrypted
from accounts.drafts import draft_saved
from core.forms import add_service_errors, with_extra_form
from core.locking import StaleEditError, submitted_version
from core.models import Mission
from core.paging import paginate, shows_operation


@require_safe
@login_required
def allegation_index(request: HttpRequest) -> HttpResponse:
    filters = AllegationFilterForm(request.GET or None, user=request.user)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    sort = ALLEGATION_SORTS.from_request(request)
    allegations = sort.apply(allegation_list(user=request.user, **criteria).with_list_data()
                             .with_next_deadline(request.user).with_clock())
    can_add = Mission.objects.editable_by(request.user).exists() and request.user.has_perm("allegations.add_allegation")
    return render(request, "allegations/list.html", {
        "filters": filters, "can_add": can_add, "filtered": any(criteria.values()), "sort": sort,
        "show_operation": shows_operation(request.user), **paginate(request, allegations),
    })


def _intake_context(form, formset, **extra):
    return {"form": form, "formset": formset, **extra}


def _intake_data(request: HttpRequest) -> tuple[QueryDict, bool]:
    """The submitted intake, and whether it only asks for the page back (another row, updated lists)
    rather than to save."""
    if "add_perpetrator" in request.POST:
        return with_extra_form(request.POST, "perpetrators"), True
    return request.POST, "update_choices" in request.POST


@login_required
def allegation_new(request: HttpRequest) -> HttpResponse:
    if not (request.user.has_perm("allegations.add_allegation") and Mission.objects.editable_by(request.user).exists()):
        raise Http404
    if request.method != "POST":
        return render(request, "allegations/form.html", _intake_context(*intake_forms(user=request.user)))

    data, round_trip = _intake_data(request)
    form, formset = intake_forms(user=request.user, data=data, extra=0, checked=not round_trip)
    if round_trip:
        return render(request, "allegations/form.html", _intake_context(form, formset))
    if not intake_is_valid(form, formset):
        return render(request, "allegations/form.html", _intake_context(form, formset), status=400)
    try:
        allegation = allegation_create(
            actor=request.user,
            mission=form.cleaned_data["mission"],
            values=form.service_values(),
            perpetrators=[row for row in formset.service_rows() if not row["delete"]],
            audit=audit_context(request),
        )
    except ValidationError as error:
        add_service_errors(form, formset, error)
        return render(request, "allegations/form.html", _intake_context(form, formset), status=400)
    messages.success(request, _("Allegation %(reference)s recorded.") % {"reference": allegation.reference})
    draft_saved(request)  # the browser may drop its local draft of this form
    if request.POST.get("then") == "add_victim" and request.user.has_perm("victims.add_victim"):
        return redirect("victims:new", allegation.pk)  # the usual next step, one page load saved
    return redirect("allegations:detail", allegation.pk)


@require_safe
@login_required
def allegation_detail(request: HttpRequest, allegation_id) -> HttpResponse:
    return _detail(request, access_allegation(request.user, allegation_id, audit=audit_context(request)))


def _detail(request: HttpRequest, allegation: Allegation, *, status: int = 200, **overrides) -> HttpResponse:
    can_change = Allegation.objects.editable_by(request.user).filter(pk=allegation.pk).exists()
    show_narrative = can_read_narrative(request.user, allegation)
    narrative, narrative_readable = (
        read_encrypted(allegation, "narrative", actor=request.user, audit=audit_context(request)) if show_narrative else (None, True)
    )
    context = {
        "allegation": allegation,
        "perpetrators": allegation.perpetrators.select_related("force", "nationality"),
        "history": allegation.status_changes.select_related("changed_by"),
        # Its referrals' dates belong to a higher app, which provides the timeline through the hook.
        "clock": hooks.case_clock(allegation, request.user),
        # Victims belong to a higher app: reached through the reverse relation, never imported.
        "victim_links": allegation.victim_links.select_related("victim"),
        "referrals": allegation.referrals.select_related("member_state", "regional_organisation")
        if request.user.has_perm("referrals.view_referral") else None,
        "show_narrative": show_narrative,
        "narrative": narrative,
        "narrative_readable": narrative_readable,
        "can_change": can_change,
        "attachments": Attachment.objects.visible_to(request.user).filter(allegation=allegation)
        .select_related("uploaded_by")
        if show_narrative else None,
        "attachment_form": AttachmentForm() if can_change else None,
        # The reporting channel's reports it was recorded from, for those who may open them.
        "from_reports": IncomingReport.objects.visible_to(request.user).filter(allegation=allegation),
    }
    return render(request, "allegations/detail.html", context | overrides, status=status)


@login_required
def allegation_edit(request: HttpRequest, allegation_id) -> HttpResponse:
    allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
    if not read_encrypted(allegation, "narrative", actor=request.user, audit=audit_context(request))[1]:
        messages.error(request, _("The narrative cannot be decrypted, so this allegation cannot be edited. "
                                  "The failure has been recorded; tell your administrator."))
        return redirect("allegations:detail", allegation.pk)
    if request.method != "POST":
        form, formset = intake_forms(user=request.user, instance=allegation, extra=1)
        return render(request, "allegations/form.html", _intake_context(form, formset, allegation=allegation,
                                                                         version=allegation.version))
    data, round_trip = _intake_data(request)
    form, formset = intake_forms(user=request.user, data=data, instance=allegation, extra=0, checked=not round_trip)
    version = submitted_version(request)
    context = _intake_context(form, formset, allegation=allegation, version=version)
    if round_trip:
        return render(request, "allegations/form.html", context)
    if not intake_is_valid(form, formset):
        return render(request, "allegations/form.html", context, status=400)
    try:
        allegation = allegation_update(
            actor=request.user,
            allegation=allegation,
            expected_version=version,
            values=form.service_values(),
            perpetrators=formset.service_rows(),
            audit=audit_context(request),
        )
    except StaleEditError as stale:
        messages.error(request, str(stale))
        return render(request, "allegations/form.html", context | {"stale": True}, status=409)
    except ValidationError as error:
        add_service_errors(form, formset, error)
        return render(request, "allegations/form.html", context, status=400)
    messages.success(request, _("Changes to %(reference)s saved.") % {"reference": allegation.reference})
    draft_saved(request, allegation)
    return redirect("allegations:detail", allegation.pk)


@require_POST
@login_required
def allegation_transition_view(request: HttpRequest, allegation_id) -> HttpResponse:
    allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status change was incomplete; nothing was changed."))
        return redirect("allegations:detail", allegation.pk)
    try:
        allegation = allegation_transition(
            actor=request.user,
            allegation=allegation,
            to_status=form.cleaned_data["to_status"],
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            audit=audit_context(request),
        )
    except StaleEditError as stale:
        # Someone else changed it first: show what it is now, keep the note typed.
        messages.error(request, str(stale))
        fresh = access_allegation(request.user, allegation.pk, audit=audit_context(request), for_change=True)
        return _detail(request, fresh, status=409, transition_note=form.cleaned_data["note"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Status is now “%(status)s”.") % {"status": allegation.get_status_display()})
    return redirect("allegations:detail", allegation.pk)


@require_POST
@login_required
def attachment_upload(request: HttpRequest, allegation_id) -> HttpResponse:
    allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(actor=request.user, allegation=allegation, uploaded=form.cleaned_data["file"],
                           description=form.cleaned_data["description"], audit=audit_context(request))
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _detail(request, allegation, attachment_form=form, status=400)
    messages.success(request, _("File added to %(reference)s.") % {"reference": allegation.reference})
    return redirect("allegations:detail", allegation.pk)


@require_safe
@login_required
def attachment_download(request: HttpRequest, allegation_id, attachment_id) -> HttpResponse:
    attachment = access_attachment(request.user, allegation_id, attachment_id, audit=audit_context(request))
    try:
        evidence = attachment_read(actor=request.user, attachment=attachment, audit=audit_context(request))
    except EvidenceIntegrityError as failure:
        return render(request, "allegations/attachment_refused.html", {"attachment": attachment, "failure": failure},
                      status=409)
    response = HttpResponse(evidence.content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.display_name)
    # Even if a browser tried to render it, it could run nothing and reach nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_safe
@login_required
def attachment_custody(request: HttpRequest, allegation_id, attachment_id) -> HttpResponse:
    attachment = access_attachment(request.user, allegation_id, attachment_id, audit=audit_context(request))
    attachment_viewed(actor=request.user, attachment=attachment, audit=audit_context(request))
    return render(request, "allegations/attachment_custody.html",
                  {"attachment": attachment, "custody_log": attachment_custody_log(attachment)})


@require_POST
@login_required
def attachment_remove(request: HttpRequest, allegation_id, attachment_id) -> HttpResponse:
    attachment = access_attachment(request.user, allegation_id, attachment_id, audit=audit_context(request), for_change=True)
    attachment_delete(actor=request.user, attachment=attachment, audit=audit_context(request))
    messages.success(request, _("File removed."))
    return redirect("allegations:detail", allegation_id)
