"""Writes and audited reads of victims and consent: validate, save and audit in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allegations.models import Allegation, DatePrecision
from allegations.services import (
    allegation_in_change_scope,
    allegation_in_change_scope_with,
    allegation_set_children_involved,
    next_reference,
)
from core.audit import AuditContext, audit_record, get_in_scope_or_404, require_permission
from core.crypto import DecryptionError, blind_index, normalise_name
from core.errors import NotFound, checked
from core.locking import lock_current_version
from core.models import AuditEvent
from victims.models import (
    ALL_IDENTITY_FIELDS,
    IDENTITY_FIELDS,
    AgeGroup,
    Consent,
    ConsentDecision,
    ConsentGiver,
    ConsentScope,
    Victim,
    VictimAllegation,
)
from victims.querysets import can_view_identity, visible_links

DESCRIPTIVE_FIELDS = ("sex", "age_at_incident")
ADULT_AGE = 18


class PossibleDuplicate(Exception):
    """Existing victims in the user's scope share this name (and date of birth)."""

    def __init__(self, matches: list[Victim]):
        super().__init__(f"{len(matches)} possible existing record(s)")
        self.matches = matches


@dataclass(frozen=True)
class RevealedIdentity:
    full_name: str
    other_names: str
    date_of_birth: datetime.date | None
    contact_details: str
    current_location: str
    guardian_name: str


def access_victim(user, victim_id: Any, *, audit: AuditContext | None = None, for_change: bool = False) -> Victim:
    scope = Victim.objects.editable_by(user) if for_change else Victim.objects.visible_to(user)
    return get_in_scope_or_404(scope, victim_id, user=user, audit=audit, for_change=for_change)


def victim_in_change_scope(*, actor, victim: Victim, audit: AuditContext | None = None, **_rest) -> None:
    """The check of every write service on a victim's file: `NotFound` (audited) unless the actor may change it."""
    access_victim(actor, victim.pk, audit=audit, for_change=True)


def victim_in_change_scope_with(permission: str) -> Callable[..., None]:
    """The check of a service that adds to a victim's file: change scope on it, and `permission`."""

    def check(*, actor, victim: Victim, audit: AuditContext | None = None, **_rest) -> None:
        victim_in_change_scope(actor=actor, victim=victim, audit=audit)
        require_permission(actor, permission, audit=audit, obj=victim)

    return check


# --- age and urgency -------------------------------------------------------------------

def _age_on(day: datetime.date, date_of_birth: datetime.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_group_at(*, date_of_birth: datetime.date | None, age_at_incident: int | None, allegation: Allegation) -> str:
    """Child if under 18 at the incident. With only the month of the incident known, a victim who
    may have been 17 counts as a child: the protective reading. With the incident date unknown, a
    victim under 18 on the date received was certainly under 18 at the incident (DESIGN.md)."""
    incident = allegation.incident_date if allegation.incident_date_precision != DatePrecision.UNKNOWN else None
    if date_of_birth is not None and incident is not None:
        if allegation.incident_date_precision == DatePrecision.MONTH:
            # earliest possible age: the first day of the month
            incident = incident.replace(day=1)
        return AgeGroup.CHILD if _age_on(incident, date_of_birth) < ADULT_AGE else AgeGroup.ADULT
    received = allegation.date_received
    if date_of_birth is not None and received is not None and _age_on(received, date_of_birth) < ADULT_AGE:
        return AgeGroup.CHILD
    if age_at_incident is not None:
        return AgeGroup.CHILD if age_at_incident < ADULT_AGE else AgeGroup.ADULT
    return AgeGroup.UNKNOWN


def _refresh_age_groups(victim: Victim) -> None:
    groups = []
    for link in victim.links.select_related("allegation"):
        link.age_group = age_group_at(
            date_of_birth=victim.date_of_birth, age_at_incident=victim.age_at_incident, allegation=link.allegation
        )
        link.save(update_fields=["age_group"])
        groups.append(link.age_group)
        _refresh_children_flag(link.allegation_id)
    victim.age_group = (
        AgeGroup.CHILD if AgeGroup.CHILD in groups else AgeGroup.ADULT if AgeGroup.ADULT in groups else AgeGroup.UNKNOWN
    )
    Victim.objects.filter(pk=victim.pk).update(age_group=victim.age_group)


def _refresh_children_flag(allegation_id) -> None:
    has_child = VictimAllegation.objects.filter(allegation_id=allegation_id, age_group=AgeGroup.CHILD).exists()
    allegation_set_children_involved(allegation_id=allegation_id, children_involved=has_child)


def refresh_age_groups_for_allegation(allegation: Allegation) -> None:
    """The incident date moved: every victim's age at that incident may have changed."""
    for victim in Victim.objects.filter(links__allegation=allegation):
        _refresh_age_groups(victim)


# --- duplicates --------------------------------------------------------------------------

def _indexes(full_name: str, date_of_birth: datetime.date | None) -> tuple[str, str]:
    name = normalise_name(full_name or "")
    if not name:
        return "", ""
    with_dob = blind_index(name, date_of_birth.isoformat()) if date_of_birth else ""
    return blind_index(name), with_dob


def possible_duplicates(*, user, full_name: str, date_of_birth: datetime.date | None, exclude: Victim | None = None) -> list[Victim]:
    """Victims in the user's scope with the same normalised name (or name and birth date), found by
    blind index: nothing is decrypted."""
    name_index, name_dob_index = _indexes(full_name, date_of_birth)
    if not name_index:
        return []
    matches = Victim.objects.visible_to(user).filter(name_index=name_index)
    if exclude is not None:
        matches = matches.exclude(pk=exclude.pk)
    found = list(matches.prefetch_related(visible_links(user)).order_by("code"))
    for match in found:
        match.same_birth_date = bool(name_dob_index) and match.name_dob_index == name_dob_index
    return found


# --- writes --------------------------------------------------------------------------------

def _validate(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    dob = values.get("date_of_birth")
    if dob is not None and dob > timezone.localdate():
        errors["date_of_birth"] = [_("The date of birth cannot be in the future.")]
    age = values.get("age_at_incident")
    if age is not None and age > 120:
        errors["age_at_incident"] = [_("Enter an age in years.")]
    if errors:
        raise ValidationError(errors)


@checked(allegation_in_change_scope_with("victims.add_victim"), atomic=False)
def victim_create(
    *, actor, allegation: Allegation, values: dict[str, Any], confirm_not_duplicate: bool = False,
    audit: AuditContext | None = None,
) -> Victim:
    values = {k: v for k, v in values.items() if k in IDENTITY_FIELDS + DESCRIPTIVE_FIELDS}
    _validate(values)
    if not confirm_not_duplicate:
        matches = possible_duplicates(user=actor, full_name=values.get("full_name", ""),
                                      date_of_birth=values.get("date_of_birth"))
        if matches:
            # A match tells the user that someone of that name is on file: audited like a reveal
            # (outside the creation's transaction, which is not going to happen).
            audit_record(action="duplicate_check", actor=actor, audit=audit, object_type="victims.victim",
                         detail={"matches": [m.code for m in matches]})
            raise PossibleDuplicate(matches)
    with transaction.atomic():
        victim = Victim(created_by=actor, updated_by=actor, **values)
        victim.name_index, victim.name_dob_index = _indexes(victim.full_name, victim.date_of_birth)
        victim.code = next_reference(country_code="V", year=allegation.date_received.year)
        victim.full_clean(exclude=["code"])
        victim.save(force_insert=True)
        VictimAllegation.objects.create(victim=victim, allegation=allegation, linked_by=actor)
        _refresh_age_groups(victim)
        audit_record(action="victim_create", actor=actor, audit=audit, obj=victim,
                     detail={"code": victim.code, "allegation": allegation.reference})
    return victim


@checked(victim_in_change_scope)
def victim_update(
    *, actor, victim: Victim, expected_version: int, values: dict[str, Any], audit: AuditContext | None = None
) -> Victim:
    current = lock_current_version(Victim, victim.pk, expected_version)
    allowed = DESCRIPTIVE_FIELDS + (IDENTITY_FIELDS if can_view_identity(actor) else ())
    values = {k: v for k, v in values.items() if k in allowed}
    _validate(values)
    changed = sorted(k for k, v in values.items() if getattr(current, k) != v)
    for field, value in values.items():
        setattr(current, field, value)
    current.name_index, current.name_dob_index = _indexes(current.full_name, current.date_of_birth)
    current.updated_by = actor
    current.version = expected_version + 1
    current.full_clean(exclude=["code"])
    current.save()
    _refresh_age_groups(current)
    # Field names only: which identity fields changed is useful, their values never go in the trail.
    audit_record(action="victim_update", actor=actor, audit=audit, obj=current, detail={"fields": changed})
    return current


def _may_link(*, actor, victim: Victim, allegation: Allegation, audit: AuditContext | None = None, **_rest) -> None:
    allegation_in_change_scope(actor=actor, allegation=allegation, audit=audit)
    victim_in_change_scope(actor=actor, victim=victim, audit=audit)


@checked(_may_link)
def victim_link(*, actor, victim: Victim, allegation: Allegation, audit: AuditContext | None = None) -> VictimAllegation:
    """The same person in another allegation: one record, several links. Linking opens the file to
    the other operation, so it needs change scope on both sides."""
    link, created = VictimAllegation.objects.get_or_create(victim=victim, allegation=allegation,
                                                           defaults={"linked_by": actor})
    if created:
        _refresh_age_groups(victim)
        audit_record(action="victim_link", actor=actor, audit=audit, obj=victim,
                     detail={"allegation": allegation.reference})
    return link


def victim_reveal_identity(*, actor, victim: Victim, audit: AuditContext | None = None) -> RevealedIdentity:
    """Decrypt identity for a user allowed to see it; every reveal (and every refusal) is audited."""
    if not can_view_identity(actor):
        audit_record(action="identity_reveal", actor=actor, audit=audit, obj=victim,
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound
    try:
        identity = RevealedIdentity(**{field: getattr(victim, field) for field in ALL_IDENTITY_FIELDS})
    except DecryptionError:
        audit_record(action="decryption_failed", actor=actor, audit=audit, obj=victim,
                     outcome=AuditEvent.Outcome.FAILURE)
        raise
    audit_record(action="identity_reveal", actor=actor, audit=audit, obj=victim)
    return identity


@checked(victim_in_change_scope_with("victims.add_consent"))
def consent_record(
    *, actor, victim: Victim, scope: str, decision: str, given_by: str, guardian_relationship: str = "",
    audit: AuditContext | None = None,
) -> Consent:
    errors: dict[str, list[str]] = {}
    if scope not in ConsentScope.values:
        errors["scope"] = [_("Choose what the consent is for.")]
    if decision not in ConsentDecision.values:
        errors["decision"] = [_("Choose given, refused or withdrawn.")]
    if victim.is_child and given_by != ConsentGiver.GUARDIAN:
        errors["given_by"] = [_("For a child, consent is given by a parent or guardian.")]
    if given_by == ConsentGiver.GUARDIAN and not guardian_relationship.strip():
        errors["guardian_relationship"] = [_("Say who the guardian is to the child (no names).")]
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(victim=victim, scope=scope, decision=decision, given_by=given_by,
                                     guardian_relationship=guardian_relationship.strip(), recorded_by=actor)
    audit_record(action="consent_record", actor=actor, audit=audit, obj=victim,
                 detail={"scope": scope, "decision": decision, "given_by": given_by})
    return consent


@checked(victim_in_change_scope_with("victims.add_consent"))
def consent_record_many(
    *, actor, victim: Victim, decisions: dict[str, str], given_by: str, guardian_relationship: str = "",
    audit: AuditContext | None = None,
) -> list[Consent]:
    """Several scopes decided at one meeting: one Consent row (and one audit row) per scope decided,
    all or none (one transaction). Same checks as consent_record; a scope left out is not asked now."""
    errors: dict[str, list[str]] = {}
    decided = {scope: decision for scope, decision in decisions.items() if decision}
    for scope, decision in decided.items():
        if scope not in ConsentScope.values:
            errors.setdefault("__all__", []).append(_("Choose what the consent is for."))
        elif decision not in ConsentDecision.values:
            errors[scope] = [_("Choose given, refused or withdrawn.")]
    if not decided:
        errors.setdefault("__all__", []).append(_("Record a decision for at least one purpose."))
    if victim.is_child and given_by != ConsentGiver.GUARDIAN:
        errors["given_by"] = [_("For a child, consent is given by a parent or guardian.")]
    if given_by not in ConsentGiver.values:
        errors["given_by"] = [_("Say who decided.")]
    if given_by == ConsentGiver.GUARDIAN and not guardian_relationship.strip():
        errors["guardian_relationship"] = [_("Say who the guardian is to the child (no names).")]
    if errors:
        raise ValidationError(errors)
    consents = []
    for scope in ConsentScope.values:  # the vocabulary's order, whatever the caller's
        if scope not in decided:
            continue
        consents.append(Consent.objects.create(
            victim=victim, scope=scope, decision=decided[scope], given_by=given_by,
            guardian_relationship=guardian_relationship.strip(), recorded_by=actor))
        audit_record(action="consent_record", actor=actor, audit=audit, obj=victim,
                     detail={"scope": scope, "decision": decided[scope], "given_by": given_by})
    return consents
