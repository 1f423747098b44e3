from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from allegations.models import Allegation
from allegations.services import access_allegation
from core.audit import audit_context, read_encrypted
from core.crypto import DecryptionError
from core.forms import add_service_errors
from core.locking import StaleEditError, submitted_version
from core.paging import paginate, shows_operation
from victims.assistance import SAFEGUARDING_FIELDS, advocates_for, providers_for
from victims.forms import (
    AssignAdvocateForm,
    ConsentForm,
    DisclosureRequestForm,
    ContactForm,
    NeedForm,
    PaternityClaimForm,
    SafeguardingForm,
    VictimForm,
)
from victims.models import (
    IDENTITY_FIELDS,
    AgeGroup,
    Consent,
    ConsentGiver,
    ConsentScope,
    DisclosureKind,
    DisclosureRequest,
    DisclosureRequestStatus,
    PaternityClaim,
    Victim,
)
from victims.querysets import VICTIM_SORTS, can_view_identity, consent_allows, victim_list, what_may_be_done
from victims.disclosures import register_rows
from victims.selectors import identity_access_history, may_see_identity_access
from victims.services import (
    PossibleDuplicate,
    access_victim,
    consent_record_many,
    victim_create,
    victim_link,
    victim_reveal_identity,
    victim_update,
)


@require_safe
@login_required
def victim_index(request: HttpRequest) -> HttpResponse:
    age_group = request.GET.get("age_group", "")
    age_group = age_group if age_group in AgeGroup.values else ""
    code = request.GET.get("q", "").strip()
    no_advocate = request.GET.get("no_advocate") == "on"
    sort = VICTIM_SORTS.from_request(request)
    victims = sort.apply(victim_list(user=request.user, q=code, age_group=age_group, no_advocate=no_advocate))
    return render(request, "victims/list.html", {
        "age_groups": AgeGroup.choices, "age_group": age_group, "q": code, "no_advocate": no_advocate,
        "filtered": bool(age_group or code or no_advocate),
        "sort": sort, "show_operation": shows_operation(request.user), **paginate(request, victims),
    })


def _detail(request: HttpRequest, victim: Victim, *, status: int = 200, **overrides) -> HttpResponse:
    user = request.user
    consents = Consent.objects.visible_to(user).filter(victim=victim).select_related("recorded_by")
    latest = consents.latest_per_scope()
    can_change = Victim.objects.editable_by(user).filter(pk=victim.pk).exists()
    providers, advocates = providers_for(victim, user), advocates_for(victim, user)
    may_disclose = can_change and can_view_identity(user)
    context = {
        "victim": victim,
        "links": victim.links.filter(allegation__in=Allegation.objects.visible_to(user))
        .select_related("allegation__mission"),
        "can_view_consent": user.has_perm("victims.view_consent"),
        "consent_rows": [(scope, latest.get(scope.value)) for scope in ConsentScope],
        "consent_history": consents,
        # A child's decision is the guardian's; with the age unknown, only a guardian's counts too.
        "guardian_decides": victim.age_group != AgeGroup.ADULT,
        "consent_form": ConsentForm(
            initial={"given_by": ConsentGiver.VICTIM if victim.age_group == AgeGroup.ADULT else ConsentGiver.GUARDIAN}),
        "allowances": what_may_be_done(victim, latest) if user.has_perm("victims.view_consent") else None,
        "can_reveal": can_view_identity(user),
        "can_change": can_change,
        "can_record_consent": user.has_perm("victims.add_consent"),
        "needs": victim.needs.select_related("provider", "assigned_advocate")
        if user.has_perm("victims.view_assistanceneed") else None,
        "need_form": NeedForm(providers=providers, advocates=advocates, initial={"assigned_advocate": victim.advocate})
        if user.has_perm("victims.add_assistanceneed") else None,
        "advocate_form": AssignAdvocateForm(advocates=advocates, initial={"advocate": victim.advocate})
        if can_change else None,
        "safeguarding_form": SafeguardingForm(with_identity=can_view_identity(user), initial={
            f: getattr(victim, f) for f in SAFEGUARDING_FIELDS}) if can_change and victim.is_child else None,
        "claims": PaternityClaim.objects.visible_to(user).filter(victim=victim).select_related("focal_point")
        if user.has_perm("victims.view_paternityclaim") else None,
        "claim_form": PaternityClaimForm() if user.has_perm("victims.add_paternityclaim") else None,
        "contacts": [(c, *read_encrypted(c, "content", actor=user, audit=audit_context(request)))
                     for c in victim.contacts.select_related("by")]
        if user.has_perm("victims.view_victimcontact") else None,
        "contact_form": ContactForm() if user.has_perm("victims.add_victimcontact") else None,
        "contact_allowed": consent_allows(victim, ConsentScope.CONTACT),
        # From the audit trail; None hides the section (it names who read the identity, never the identity).
        "identity_access": identity_access_history(victim) if may_see_identity_access(user) else None,
        "can_read_audit": user.has_perm("core.view_auditevent"),
        # The register of disclosures: recipients, fields in words, consent, approvers; never identity.
        "disclosures": register_rows(victim) if may_see_identity_access(user) else None,
        "disclosure_requests": DisclosureRequest.objects.visible_to(user).filter(
            victim=victim, status__in=[DisclosureRequestStatus.PENDING, DisclosureRequestStatus.APPROVED])
        .select_related("requested_by"),
        "may_disclose": may_disclose,
        "un_share_form": DisclosureRequestForm(kind=DisclosureKind.UN_PARTNER_SHARE) if may_disclose else None,
        "export_form": DisclosureRequestForm(kind=DisclosureKind.IDENTITY_EXPORT) if may_disclose else None,
    }
    return render(request, "victims/detail.html", context | overrides, status=status)


@require_safe
@login_required
def victim_detail(request: HttpRequest, victim_id) -> HttpResponse:
    return _detail(request, access_victim(request.user, victim_id, audit=audit_context(request)))


@require_POST
@login_required
def victim_reveal(request: HttpRequest, victim_id) -> HttpResponse:
    """A POST, so identity never sits in a URL, a history entry or a cache."""
    victim = access_victim(request.user, victim_id, audit=audit_context(request))
    try:
        identity = victim_reveal_identity(actor=request.user, victim=victim, audit=audit_context(request))
    except DecryptionError:
        return _detail(request, victim, identity_error=True, status=500)
    return _detail(request, victim, identity=identity)


@login_required
def victim_new(request: HttpRequest, allegation_id) -> HttpResponse:
    allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
    form = VictimForm(request.POST or None, with_identity=True)
    context = {"form": form, "allegation": allegation}
    if request.method != "POST":
        return render(request, "victims/form.html", context)
    if not form.is_valid():
        return render(request, "victims/form.html", context, status=400)
    try:
        victim = victim_create(actor=request.user, allegation=allegation, values=form.service_values(),
                               confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"], audit=audit_context(request))
    except PossibleDuplicate as duplicate:
        return render(request, "victims/form.html", context | {
            "duplicates": duplicate.matches, "can_see_duplicates": can_view_identity(request.user)}, status=409)
    except ValidationError as error:
        add_service_errors(form, None, error)
        return render(request, "victims/form.html", context, status=400)
    messages.success(request, _("Victim %(code)s added to %(reference)s.") % {"code": victim.code,
                                                                               "reference": allegation.reference})
    return redirect("allegations:detail", allegation.pk)


@login_required
def victim_edit(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    with_identity = can_view_identity(request.user)
    if request.method != "POST":
        initial = {"sex": victim.sex, "age_at_incident": victim.age_at_incident}
        if with_identity:
            # Pre-filling the form shows identity: it is a reveal like any other.
            try:
                identity = victim_reveal_identity(actor=request.user, victim=victim, audit=audit_context(request))
            except DecryptionError:
                messages.error(request, _("This identity cannot be decrypted, so it cannot be edited. "
                                          "The failure has been recorded; tell your administrator."))
                return redirect("victims:detail", victim.pk)
            initial |= {field: getattr(identity, field) for field in IDENTITY_FIELDS}
        form = VictimForm(initial=initial, with_identity=with_identity)
        return render(request, "victims/form.html", {"form": form, "victim": victim, "version": victim.version})
    form = VictimForm(request.POST, with_identity=with_identity)
    version = submitted_version(request)
    context = {"form": form, "victim": victim, "version": version}
    if not form.is_valid():
        return render(request, "victims/form.html", context, status=400)
    try:
        victim = victim_update(actor=request.user, victim=victim, expected_version=version,
                               values=form.service_values(), audit=audit_context(request))
    except StaleEditError as stale:
        messages.error(request, str(stale))
        return render(request, "victims/form.html", context, status=409)
    except ValidationError as error:
        add_service_errors(form, None, error)
        return render(request, "victims/form.html", context, status=400)
    messages.success(request, _("Changes to %(code)s saved.") % {"code": victim.code})
    return redirect("victims:detail", victim.pk)


@require_POST
@login_required
def victim_link_view(request: HttpRequest, victim_id, allegation_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
    victim_link(actor=request.user, victim=victim, allegation=allegation, audit=audit_context(request))
    messages.success(request, _("%(code)s is now linked to %(reference)s.") % {"code": victim.code,
                                                                                 "reference": allegation.reference})
    return redirect("allegations:detail", allegation.pk)


@require_POST
@login_required
def consent_new(request: HttpRequest, victim_id) -> HttpResponse:
    victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent_record_many(actor=request.user, victim=victim, audit=audit_context(request),
                                **form.service_values())
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _detail(request, victim, consent_form=form, status=400)
    messages.success(request, _("Consent decision recorded for %(code)s.") % {"code": victim.code})
    return redirect("victims:detail", victim.pk)
