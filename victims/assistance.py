"""Services for the advocates' work: assistance needs, children's safeguards, paternity claims,
and keeping victims informed. Each validates, saves and audits in one transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from allegations.services import next_reference
from core.audit import AuditContext, audit_record, get_in_scope_or_404
from core.errors import checked
from core.locking import lock_current_version
from core.models import FocalPoint, Mission
from core.querysets import users_with_mission_perm
from core.roles import VICTIMS_RIGHTS_ADVOCATE
from victims.models import (
    ASSISTANCE_TRANSITIONS,
    AssistanceNeed,
    AssistanceStatus,
    AssistanceStep,
    ConsentScope,
    PaternityClaim,
    ServiceProvider,
    Victim,
    VictimContact,
)
from victims.choices import DISCLOSURE_CONSENT, PROVIDER_REFERRAL_FIELDS, DisclosureKind
from victims.disclosures import disclosure_record
from victims.querysets import can_view_identity, consent_allows, decision_allows, latest_consent
from victims.services import victim_in_change_scope, victim_in_change_scope_with


def access_need(user, need_id: Any, *, audit: AuditContext | None = None, for_change: bool = False) -> AssistanceNeed:
    scope = AssistanceNeed.objects.editable_by(user) if for_change else AssistanceNeed.objects.visible_to(user)
    return get_in_scope_or_404(scope.select_related("victim", "provider", "assigned_advocate"), need_id, user=user,
                               audit=audit, for_change=for_change)


def _need_in_change_scope(*, actor, need: AssistanceNeed, audit: AuditContext | None = None, **_rest) -> None:
    access_need(actor, need.pk, audit=audit, for_change=True)


def _claim_in_change_scope(*, actor, claim: PaternityClaim, audit: AuditContext | None = None, **_rest) -> None:
    access_claim(actor, claim.pk, audit=audit, for_change=True)


def access_claim(user, claim_id: Any, *, audit: AuditContext | None = None, for_change: bool = False) -> PaternityClaim:
    """A paternity claim is in scope through its victim (and the role's claim permission)."""
    scope = PaternityClaim.objects.editable_by(user) if for_change else PaternityClaim.objects.visible_to(user)
    return get_in_scope_or_404(scope.select_related("victim"), claim_id, user=user, audit=audit,
                               for_change=for_change)


def _victim_missions(victim: Victim, user=None):
    """The victim's operations; for a user, only those they may see (the others stay unnamed)."""
    missions = Mission.objects.filter(allegations__victim_links__victim=victim)
    return missions.filter(pk__in=Mission.objects.visible_to(user).values("pk")) if user is not None else missions


def providers_for(victim: Victim, user=None):
    """Providers of the operations the victim's allegations belong to."""
    return ServiceProvider.objects.filter(active=True, mission__in=_victim_missions(victim, user)).distinct()


def advocates_for(victim: Victim, user=None):
    """Advocates who may be assigned: those with view scope on an operation of the victim (one query)."""
    return users_with_mission_perm(_victim_missions(victim, user)).filter(groups__name=VICTIMS_RIGHTS_ADVOCATE).order_by("username")


def _check_provider(victim: Victim, provider: ServiceProvider | None, category: str, errors: dict, *, actor) -> None:
    """The provider must work in one of the victim's operations that the actor may see."""
    if provider is None:
        return
    if not providers_for(victim, actor).filter(pk=provider.pk).exists():
        errors.setdefault("provider", []).append(_("This provider does not work in the victim's operation."))
    elif provider.categories and category not in provider.categories:
        errors.setdefault("provider", []).append(
            _("%(provider)s does not offer this kind of assistance.") % {"provider": provider.name})


def _check_advocate(victim: Victim, advocate, errors: dict) -> None:
    if advocate is not None and not Victim.objects.visible_to(advocate).filter(pk=victim.pk).exists():
        errors.setdefault("assigned_advocate", []).append(_("This person cannot see this victim's file."))


@checked(victim_in_change_scope_with("victims.add_assistanceneed"))
def need_create(
    *, actor, victim: Victim, category: str, identified_on: datetime.date | None = None,
    provider: ServiceProvider | None = None, assigned_advocate=None, follow_up_on: datetime.date | None = None,
    notes: str = "", audit: AuditContext | None = None,
) -> AssistanceNeed:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    identified_on = identified_on or today
    if identified_on > today:
        errors["identified_on"] = [_("This date cannot be in the future.")]
    _check_provider(victim, provider, category, errors, actor=actor)
    _check_advocate(victim, assigned_advocate, errors)
    if errors:
        raise ValidationError(errors)
    need = AssistanceNeed(victim=victim, category=category, identified_on=identified_on, provider=provider,
                          assigned_advocate=assigned_advocate or victim.advocate, follow_up_on=follow_up_on,
                          notes=notes, created_by=actor)
    need.full_clean()
    need.save(force_insert=True)
    AssistanceStep.objects.create(need=need, from_status="", to_status=need.status, on=identified_on, by=actor)
    audit_record(action="assistance_need_create", actor=actor, audit=audit, obj=need,
                 detail={"victim": victim.code, "category": category})
    _first_advocate_follows_the_victim(actor=actor, victim=victim, advocate=assigned_advocate, audit=audit)
    return need


def _first_advocate_follows_the_victim(*, actor, victim: Victim, advocate, audit: AuditContext | None) -> None:
    """A victim nobody follows yet gets, as their advocate, the first advocate given one of their needs:
    the page and the caseload would otherwise say "nobody" while someone is working for them."""
    if advocate is not None and not Victim.objects.filter(pk=victim.pk, advocate__isnull=False).exists():
        victim_assign_advocate(actor=actor, victim=Victim.objects.get(pk=victim.pk), advocate=advocate,
                               audit=audit)


@checked(_need_in_change_scope)
def need_update(
    *, actor, need: AssistanceNeed, expected_version: int, values: dict[str, Any], audit: AuditContext | None = None
) -> AssistanceNeed:
    current = lock_current_version(AssistanceNeed, need.pk, expected_version, label=str(need))
    values = {k: v for k, v in values.items() if k in {"provider", "assigned_advocate", "follow_up_on", "notes"}}
    errors: dict[str, list[str]] = {}
    if "provider" in values:
        _check_provider(current.victim, values["provider"], current.category, errors, actor=actor)
    _check_advocate(current.victim, values.get("assigned_advocate"), errors)
    if errors:
        raise ValidationError(errors)
    for field, value in values.items():
        setattr(current, field, value)
    current.version = expected_version + 1
    current.save()
    audit_record(action="assistance_need_update", actor=actor, audit=audit, obj=current,
                 detail={"fields": sorted(values)})
    _first_advocate_follows_the_victim(actor=actor, victim=current.victim, advocate=values.get("assigned_advocate"),
                                       audit=audit)
    return current


@checked(_need_in_change_scope)
def need_transition(
    *, actor, need: AssistanceNeed, to_status: str, expected_version: int, on: datetime.date | None = None,
    provider: ServiceProvider | None = None, share_contact_details: bool = False, audit: AuditContext | None = None,
) -> AssistanceNeed:
    """identified → referred → in progress → provided | declined | not available (assistance never
    waits for the investigation). Referring may give the provider the victim's name and contact details
    (`share_contact_details`): only by someone who may see identity, only with the victim's latest
    consent to assistance given, and written in the register of disclosures."""
    if to_status not in AssistanceStatus.values:
        raise ValidationError({"to_status": [_("“%(status)s” is not an assistance status.") % {"status": to_status}]})
    current = lock_current_version(AssistanceNeed, need.pk, expected_version, label=str(need))
    if to_status not in ASSISTANCE_TRANSITIONS[current.status]:
        raise ValidationError({"to_status": [
            _("Assistance cannot go from “%(from)s” to “%(to)s”.")
            % {"from": current.get_status_display(), "to": AssistanceStatus(to_status).label}
        ]})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": [_("This date cannot be in the future.")]})
    if share_contact_details and to_status != AssistanceStatus.REFERRED:
        raise ValidationError({"share_contact_details": [
            _("Contact details are given to a provider only when referring the need.")]})
    if to_status == AssistanceStatus.REFERRED:
        provider = provider or current.provider
        if provider is None:
            raise ValidationError({"provider": [_("Choose the provider the need is referred to.")]})
        errors: dict[str, list[str]] = {}
        _check_provider(current.victim, provider, current.category, errors, actor=actor)
        if errors:
            raise ValidationError(errors)
        consent = None
        if share_contact_details:
            consent = latest_consent(current.victim, DISCLOSURE_CONSENT[DisclosureKind.SERVICE_PROVIDER_REFERRAL])
            if not can_view_identity(actor):
                raise ValidationError({"share_contact_details": [
                    _("Only someone allowed to see victims' identity can give a provider their contact details.")]})
            if not decision_allows(current.victim, consent):
                raise ValidationError({"share_contact_details": [
                    _("%(code)s has not consented to assistance (or withdrew consent): their contact details cannot "
                      "be given to a provider. Record their decision first.") % {"code": current.victim.code}]})
        current.provider, current.referred_on = provider, on
    elif to_status == AssistanceStatus.IN_PROGRESS:
        current.started_on = on
    else:
        current.closed_on = on
        current.follow_up_on = None  # nothing left to chase
    AssistanceStep.objects.create(need=current, from_status=current.status, to_status=to_status, on=on, by=actor)
    previous, current.status = current.status, to_status
    current.version = expected_version + 1
    current.save()
    audit_record(action="assistance_need_transition", actor=actor, audit=audit, obj=current,
                 detail={"from": previous, "to": to_status, **({"contact_details_shared": True}
                                                                  if share_contact_details else {})})
    if share_contact_details:
        disclosure_record(
            victim=current.victim, kind=DisclosureKind.SERVICE_PROVIDER_REFERRAL, recipient=current.provider.name,
            purpose=current.get_category_display(), fields=PROVIDER_REFERRAL_FIELDS, consent=consent,
            requested_by=actor, actor=actor, source_type="victims.assistanceneed", source_id=str(current.pk),
            source_label=str(current.get_category_display()), audit=audit)
    return current


@checked(victim_in_change_scope)
def victim_assign_advocate(
    *, actor, victim: Victim, advocate, expected_version: int | None = None, audit: AuditContext | None = None
) -> Victim:
    errors: dict[str, list[str]] = {}
    _check_advocate(victim, advocate, errors)
    if errors:
        raise ValidationError({"advocate": errors["assigned_advocate"]})
    victim = lock_current_version(Victim, victim.pk, victim.version if expected_version is None else expected_version,
                                  label=victim.code)
    victim.advocate, victim.version = advocate, victim.version + 1
    victim.save(update_fields=["advocate", "version", "updated_at"])
    audit_record(action="victim_assign_advocate", actor=actor, audit=audit, obj=victim,
                 detail={"advocate": advocate.get_username() if advocate else ""})
    return victim


SAFEGUARDING_FIELDS = ("guardian_relationship", "best_interests_assessed_on", "child_protection_referred_on",
                       "child_protection_agency")


@checked(victim_in_change_scope)
def child_safeguarding_update(
    *, actor, victim: Victim, expected_version: int, values: dict[str, Any], audit: AuditContext | None = None
) -> Victim:
    current = lock_current_version(Victim, victim.pk, expected_version, label=victim.code)
    if not current.is_child:
        raise ValidationError(_("Safeguarding details are recorded for child victims."))
    allowed = SAFEGUARDING_FIELDS + (("guardian_name",) if can_view_identity(actor) else ())
    # The name is never pre-filled (that would be an unaudited reveal): empty means unchanged.
    values = {k: v for k, v in values.items() if k in allowed and not (k == "guardian_name" and not v)}
    today = timezone.localdate()
    errors = {f: [_("This date cannot be in the future.")] for f in ("best_interests_assessed_on",
              "child_protection_referred_on") if values.get(f) and values[f] > today}
    if errors:
        raise ValidationError(errors)
    for field, value in values.items():
        setattr(current, field, value)
    current.version = expected_version + 1
    current.updated_by = actor
    current.save()
    audit_record(action="child_safeguarding_update", actor=actor, audit=audit, obj=current,
                 detail={"fields": sorted(values)})
    return current


CLAIM_FIELDS = ("claim_date", "focal_point", "focal_point_notified_on", "dna_status", "outcome", "support_status")


def _validate_claim(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    for field in ("claim_date", "focal_point_notified_on"):
        if values.get(field) and values[field] > today:
            errors[field] = [_("This date cannot be in the future.")]
    focal_point = values.get("focal_point")
    if focal_point is not None and focal_point.role != FocalPoint.Role.PATERNITY:
        errors["focal_point"] = [_("Choose a paternity focal point.")]
    if values.get("focal_point_notified_on") and not focal_point:
        errors["focal_point"] = [_("Say which focal point was notified.")]
    if errors:
        raise ValidationError(errors)


@checked(victim_in_change_scope_with("victims.add_paternityclaim"))
def paternity_claim_create(*, actor, victim: Victim, values: dict[str, Any], audit: AuditContext | None = None) -> PaternityClaim:
    values = {k: v for k, v in values.items() if k in CLAIM_FIELDS}
    _validate_claim(values)
    claim = PaternityClaim(victim=victim, created_by=actor, **values)
    claim.child_code = next_reference(country_code="C", year=claim.claim_date.year)
    claim.full_clean(exclude=["child_code"])
    claim.save()
    audit_record(action="paternity_claim_create", actor=actor, audit=audit, obj=claim,
                 detail={"victim": victim.code, "child": claim.child_code})
    return claim


@checked(_claim_in_change_scope)
def paternity_claim_update(
    *, actor, claim: PaternityClaim, expected_version: int, values: dict[str, Any], audit: AuditContext | None = None
) -> PaternityClaim:
    current = lock_current_version(PaternityClaim, claim.pk, expected_version, label=claim.child_code)
    values = {k: v for k, v in values.items() if k in CLAIM_FIELDS}
    _validate_claim(values)
    for field, value in values.items():
        setattr(current, field, value)
    current.version = expected_version + 1
    current.full_clean(exclude=["child_code"])
    current.save()
    audit_record(action="paternity_claim_update", actor=actor, audit=audit, obj=current,
                 detail={"fields": sorted(values)})
    return current


@checked(victim_in_change_scope_with("victims.add_victimcontact"))
def contact_record(
    *, actor, victim: Victim, contacted_on: datetime.date, channel: str, content: str, audit: AuditContext | None = None
) -> VictimContact:
    """Informing the victim about the case, only with their (or their guardian's) consent to be contacted."""
    if not consent_allows(victim, ConsentScope.CONTACT):
        raise ValidationError(_(
            "%(code)s has not consented to be contacted (or withdrew consent). Record the consent decision "
            "first; until then, do not contact them."
        ) % {"code": victim.code})
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": [_("This date cannot be in the future.")]})
    contact = VictimContact(victim=victim, contacted_on=contacted_on, channel=channel, content=content, by=actor)
    contact.full_clean()
    contact.save(force_insert=True)
    audit_record(action="victim_contact_record", actor=actor, audit=audit, obj=victim,
                 detail={"channel": channel})
    return contact
