"""Pages and actions of the advocates' assistance work. Thin: access, form, service, answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.audit import audit_context, read_encrypted
from core.forms import add_service_errors
from core.locking import StaleEditError, submitted_version
from victims.assistance import (
    access_claim,
    access_need,
    advocates_for,
    child_safeguarding_update,
    contact_record,
    need_create,
    need_transition,
    need_update,
    paternity_claim_create,
    paternity_claim_update,
    providers_for,
    victim_assign_advocate,
)
from victims.caseload import CaseloadFilters, caseload_for
from victims.forms import (
    AssignAdvocateForm,
    CaseloadFilterForm,
    ContactForm,
    NeedEditForm,
    NeedForm,
    NeedTransitionForm,
    PaternityClaimForm,
    SafeguardingForm,
)
from victims.models import AssistanceStatus, ConsentScope
from victims.querysets import NEED_SORTS, can_view_identity, consent_allows
from victims.services import access_victim
from victims.views import _detail


@require_safe
@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("victims.view_assistanceneed"):
        raise Http404
    form = CaseloadFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = CaseloadFilters(mine_only=bool(data.get("mine")), category=data.get("category") or "",
                              mission_id=data["mission"].pk if data.get("mission") else None)
    sort = NEED_SORTS.from_request(request)
    return render(request, "victims/caseload.html", {
        "filters": form, "sort": sort, "caseload": caseload_for(user=request.user, filters=filters, sort=sort),
    })


def _on_victim_page(request, victim, form_name, form, action, success_message):
    """Shared body of the victim-page actions: run `action` on a valid form; field errors go back
    on the page (400), a stale version becomes a message, success a redirect with a message."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except StaleEditError as stale:
            messages.error(request, str(stale))
            return redirect("victims:detail", victim.pk)
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _detail(request, victim, status=400, **{form_name: form})
    messages.success(request, success_message)
    return redirect("victims:detail", victim.pk)


@require_POST
@login_required
def need_new(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    form = NeedForm(request.POST, providers=providers_for(victim, request.user),
                    advocates=advocates_for(victim, request.user))
    return _on_victim_page(
        request, victim, "need_form", form,
        lambda data: need_create(actor=request.user, victim=victim, audit=audit_context(request), **data),
        _("Assistance need recorded for %(code)s.") % {"code": victim.code})


def _need_page(request, need, *, edit_form=None, transition_form=None, status=200):
    notes, notes_readable = read_encrypted(need, "notes", actor=request.user, audit=audit_context(request))
    providers = providers_for(need.victim, request.user)
    can_change = request.user.has_perm("victims.change_assistanceneed")
    return render(request, "victims/need.html", {
        "need": need,
        "notes": notes,
        "notes_readable": notes_readable,
        "steps": need.steps.select_related("by"),
        "can_change": can_change,
        "edit_form": edit_form or NeedEditForm(providers=providers, advocates=advocates_for(need.victim, request.user), initial={
            "provider": need.provider, "assigned_advocate": need.assigned_advocate,
            "follow_up_on": need.follow_up_on, "notes": notes or ""}),
        "transition_form": transition_form or NeedTransitionForm(providers=providers),
        "AssistanceStatus": AssistanceStatus,
        # Giving the provider the victim's contact details: for who may see identity, with consent to assistance.
        "may_share_contact": can_view_identity(request.user) and need.is_identified,
        "assistance_consent": consent_allows(need.victim, ConsentScope.ASSISTANCE),
    }, status=status)


@require_safe
@login_required
def need_detail(request: HttpRequest, need_id) -> HttpResponse:
    return _need_page(request, access_need(request.user, need_id, audit=audit_context(request)))


@require_POST
@login_required
def need_edit(request: HttpRequest, need_id) -> HttpResponse:
    need = access_need(request.user, need_id, audit=audit_context(request), for_change=True)
    form = NeedEditForm(request.POST, providers=providers_for(need.victim, request.user), advocates=advocates_for(need.victim, request.user))
    if form.is_valid():
        try:
            need_update(actor=request.user, need=need, expected_version=submitted_version(request),
                        values=form.cleaned_data, audit=audit_context(request))
        except StaleEditError as stale:
            messages.error(request, str(stale))
            return _need_page(request, need, edit_form=form, status=409)
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _need_page(request, need, edit_form=form, status=400)
    messages.success(request, _("Assistance need updated."))
    return redirect("victims:need", need.pk)


@require_POST
@login_required
def need_transition_view(request: HttpRequest, need_id) -> HttpResponse:
    need = access_need(request.user, need_id, audit=audit_context(request), for_change=True)
    form = NeedTransitionForm(request.POST, providers=providers_for(need.victim, request.user))
    if form.is_valid():
        try:
            data = form.cleaned_data
            need = need_transition(actor=request.user, need=need, audit=audit_context(request), to_status=data["to_status"],
                                   expected_version=data["version"], on=data["on"], provider=data["provider"],
                                   share_contact_details=data["share_contact_details"])
        except StaleEditError as stale:
            messages.error(request, str(stale))
            return redirect("victims:need", need.pk)
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _need_page(request, need, transition_form=form, status=400)
    messages.success(request, _("Assistance is now “%(status)s”.") % {"status": need.get_status_display()})
    return redirect("victims:need", need.pk)


@require_POST
@login_required
def assign_advocate(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    form = AssignAdvocateForm(request.POST, advocates=advocates_for(victim, request.user))
    return _on_victim_page(
        request, victim, "advocate_form", form,
        lambda data: victim_assign_advocate(actor=request.user, victim=victim, advocate=data["advocate"],
                                            expected_version=submitted_version(request), audit=audit_context(request)),
        _("Advocate assigned."))


@require_POST
@login_required
def safeguarding(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    form = SafeguardingForm(request.POST, with_identity=can_view_identity(request.user))
    return _on_victim_page(
        request, victim, "safeguarding_form", form,
        lambda data: child_safeguarding_update(actor=request.user, victim=victim, values=data, audit=audit_context(request),
                                               expected_version=submitted_version(request)),
        _("Child safeguarding details saved."))


@require_POST
@login_required
def paternity_new(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    return _on_victim_page(
        request, victim, "claim_form", PaternityClaimForm(request.POST),
        lambda data: paternity_claim_create(actor=request.user, victim=victim, values=data, audit=audit_context(request)),
        _("Paternity claim recorded."))


@login_required
def paternity_edit(request: HttpRequest, claim_id) -> HttpResponse:
    claim = access_claim(request.user, claim_id, audit=audit_context(request), for_change=True)
    victim = claim.victim
    form = PaternityClaimForm(request.POST or None, initial={f: getattr(claim, f) for f in PaternityClaimForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            paternity_claim_update(actor=request.user, claim=claim, values=form.cleaned_data, audit=audit_context(request),
                                   expected_version=submitted_version(request))
        except StaleEditError as stale:
            messages.error(request, str(stale))
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Claim %(code)s updated.") % {"code": claim.child_code})
            return redirect("victims:detail", victim.pk)
    return render(request, "victims/claim.html", {"claim": claim, "victim": victim, "form": form},
                  status=400 if form.errors else 200)


@require_POST
@login_required
def contact_new(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    return _on_victim_page(
        request, victim, "contact_form", ContactForm(request.POST),
        lambda data: contact_record(actor=request.user, victim=victim, audit=audit_context(request), **data),
        _("Contact with %(code)s recorded.") % {"code": victim.code})
