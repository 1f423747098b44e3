"""Writes to allegations: validate, save and audit in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from allegations import hooks
from allegations.models import (
    ALLOWED_TRANSITIONS,
    SUBTYPES_BY_TYPE,
    Allegation,
    AllegedPerpetrator,
    DatePrecision,
    ReferenceCounter,
    Status,
    StatusChange,
)
from core.audit import AuditContext, audit_record, get_in_scope_or_404, require_permission
from core.errors import checked
from core.locking import lock_current_version
from core.models import Mission

# Fields an officer may set through a form or the API. Everything else (mission after
# creation, status, reference, version, owners, derived flags) is written only here.
EDITABLE_FIELDS = (
    "country",
    "location",
    "date_received",
    "incident_date",
    "incident_date_precision",
    "source",
    "allegation_type",
    "subtype",
    "narrative",
    "narrative_confidential",
    "credibility",
    "paternity_claim",
)
PERPETRATOR_FIELDS = (
    "force",
    "unit",
    "nationality",
    "personnel_category",
    "sex",
    "identified",
    "interim_actions",
    "final_action_category",
    "final_action",
)


def access_allegation(user, allegation_id: Any, *, audit: AuditContext | None = None, for_change: bool = False) -> Allegation:
    """The allegation if `user` may see (or change) it; otherwise a 404, and the attempt audited."""
    scope = Allegation.objects.editable_by(user) if for_change else Allegation.objects.visible_to(user)
    return get_in_scope_or_404(scope.select_related("mission", "country"), allegation_id, user=user, audit=audit,
                               for_change=for_change)


def next_reference(*, country_code: str, year: int) -> str:
    """`CAF-2016-0007`: a gap-free sequence per country and year, safe under concurrent intakes."""
    with transaction.atomic():
        counter = ReferenceCounter.objects.filter(country_code=country_code, year=year)
        if not counter.update(last_value=F("last_value") + 1):
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(country_code=country_code, year=year, last_value=1)
            except IntegrityError:
                # Another intake created the counter first; its row lock now orders us after it.
                counter.update(last_value=F("last_value") + 1)
        value = counter.values_list("last_value", flat=True).get()
    return f"{country_code}-{year}-{value:04d}"


def allegation_problems(
    values: dict[str, Any], perpetrators: list[dict[str, Any]], mission: Mission
) -> tuple[dict[str, list[str]], dict[int, list[str]]]:
    """The rules across an allegation's fields and its perpetrators, checked on whatever is given.

    Returns (messages by field, messages by position in `perpetrators`). The intake form calls it
    with the fields that passed their own checks, so an officer sees every problem after one submit;
    the services call it again before saving, so the API and the demo meet the same rules.
    """
    errors: dict[str, list[str]] = {}
    rows: dict[int, list[str]] = {}
    today = mission.today()  # the operation's local date: at 00:30 in Bangui it is already tomorrow in UTC terms
    received: datetime.date | None = values.get("date_received")
    incident: datetime.date | None = values.get("incident_date")
    precision = values.get("incident_date_precision") or DatePrecision.UNKNOWN

    if received is None:
        errors.setdefault("date_received", []).append(_("The date received is required."))
    elif received > today:
        errors.setdefault("date_received", []).append(_("The date received cannot be in the future."))
    if precision != DatePrecision.UNKNOWN and incident is None:
        errors.setdefault("incident_date", []).append(_("Give the date of the incident, or mark it unknown."))
    if incident is not None and received is not None and precision != DatePrecision.UNKNOWN:
        if precision == DatePrecision.MONTH:
            after = (incident.year, incident.month) > (received.year, received.month)
        else:
            after = incident > received
        if after:
            errors.setdefault("incident_date", []).append(
                _("The incident cannot be after the date the allegation was received.")
            )
    if not subtype_fits_type(values.get("subtype"), values.get("allegation_type")):
        errors.setdefault("subtype", []).append(_("This subtype does not belong to the chosen type."))
    if len(values.get("narrative") or "") > settings.NARRATIVE_MAX_CHARS:
        errors.setdefault("narrative", []).append(
            _("The narrative is too long (at most %(max)d characters). Attach long documents instead.")
            % {"max": settings.NARRATIVE_MAX_CHARS}
        )
    allowed_forces = {f.pk for f in mission.forces.all()}
    for position, row in enumerate(perpetrators):
        if row.get("force") is not None and row["force"].pk not in allowed_forces:
            rows.setdefault(position, []).append(
                _("%(force)s does not operate in %(mission)s.") % {"force": row["force"], "mission": mission}
            )
    return errors, rows


def subtype_fits_type(subtype: str | None, allegation_type: str | None) -> bool:
    """A subtype names a kind of its type (no "rape" under sexual exploitation); either one missing
    is left to the field's own check."""
    if not subtype or allegation_type not in SUBTYPES_BY_TYPE:
        return True
    return subtype in SUBTYPES_BY_TYPE[allegation_type]


def _validate(values: dict[str, Any], perpetrators: list[dict[str, Any]], mission: Mission) -> None:
    errors, rows = allegation_problems(values, perpetrators, mission)
    for messages in rows.values():
        errors.setdefault("perpetrators", []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _normalise_incident_date(values: dict[str, Any]) -> None:
    precision = values.get("incident_date_precision") or DatePrecision.UNKNOWN
    if precision == DatePrecision.UNKNOWN:
        values["incident_date"] = None
    elif precision == DatePrecision.MONTH and values.get("incident_date"):
        values["incident_date"] = values["incident_date"].replace(day=1)


def _may_record_allegation(*, actor, mission: Mission, audit: AuditContext | None = None, **_rest) -> None:
    # Which operations are the actor's is a choice on the form (a field error below); the right to
    # record at all is not.
    require_permission(actor, "allegations.add_allegation", audit=audit, obj=mission)


@checked(_may_record_allegation)
def allegation_create(
    *, actor, mission: Mission, values: dict[str, Any], perpetrators: list[dict[str, Any]], audit: AuditContext | None = None
) -> Allegation:
    if not Mission.objects.editable_by(actor).filter(pk=mission.pk).exists():
        raise ValidationError({"mission": [_("You cannot record allegations for this operation.")]})
    values = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    values.setdefault("country", mission.country)
    if values.get("country") is None:
        values["country"] = mission.country
    _validate(values, perpetrators, mission)
    _normalise_incident_date(values)
    allegation = Allegation(mission=mission, created_by=actor, updated_by=actor, **values)
    allegation.reference = next_reference(country_code=allegation.country.iso3, year=allegation.date_received.year)
    allegation.full_clean(exclude=["reference"])
    allegation.save(force_insert=True)
    for row in perpetrators:
        _save_perpetrator(allegation, row)
    StatusChange.objects.create(allegation=allegation, from_status="", to_status=allegation.status, changed_by=actor)
    audit_record(action="allegation_create", actor=actor, audit=audit, obj=allegation,
                 detail={"reference": allegation.reference})
    return allegation


def _save_perpetrator(allegation: Allegation, row: dict[str, Any]) -> None:
    perpetrator = AllegedPerpetrator(allegation=allegation, **{k: row[k] for k in PERPETRATOR_FIELDS if k in row})
    perpetrator.full_clean()
    perpetrator.save()


def allegation_in_change_scope(*, actor, allegation: Allegation, audit: AuditContext | None = None, **_rest) -> None:
    """The check of every write on an allegation or on what hangs from it (files, victims, referrals):
    `NotFound` (audited) unless the actor may change it."""
    access_allegation(actor, allegation.pk, audit=audit, for_change=True)


def allegation_in_change_scope_with(permission: str) -> Callable[..., None]:
    """The check of a service that adds to an allegation (a victim, a referral): change scope on it,
    and `permission`."""

    def check(*, actor, allegation: Allegation, audit: AuditContext | None = None, **_rest) -> None:
        allegation_in_change_scope(actor=actor, allegation=allegation, audit=audit)
        require_permission(actor, permission, audit=audit, obj=allegation)

    return check


@checked(allegation_in_change_scope)
def allegation_update(
    *,
    actor,
    allegation: Allegation,
    expected_version: int,
    values: dict[str, Any],
    perpetrators: list[dict[str, Any]] | None = None,
    audit: AuditContext | None = None,
) -> Allegation:
    """Apply an edit if nobody saved since `expected_version`; perpetrators given replace the set
    (rows with an `id` are updated, rows without are added, rows marked `delete` are removed)."""
    current = lock_current_version(Allegation, allegation.pk, expected_version)
    values = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    merged = {field: getattr(current, field) for field in EDITABLE_FIELDS} | values
    _validate(merged, [p for p in perpetrators or [] if not p.get("delete")], current.mission)
    _normalise_incident_date(merged)
    changed = sorted(f for f in EDITABLE_FIELDS if merged[f] != getattr(current, f))
    incident_moved = "incident_date" in changed or "incident_date_precision" in changed
    for field in EDITABLE_FIELDS:
        setattr(current, field, merged[field])
    current.updated_by = actor
    current.version = expected_version + 1
    current.full_clean(exclude=["reference"])
    current.save()
    if perpetrators is not None:
        existing = {p.pk: p for p in current.perpetrators.all()}
        for row in perpetrators:
            pk = row.get("id")
            if pk is not None and pk not in existing:
                raise ValidationError({"perpetrators": [_("Unknown perpetrator row.")]})
            if row.get("delete"):
                if pk is not None:
                    existing[pk].delete()
                continue
            if pk is None:
                _save_perpetrator(current, row)
            else:
                perpetrator = existing[pk]
                for field in PERPETRATOR_FIELDS:
                    if field in row:
                        setattr(perpetrator, field, row[field])
                perpetrator.full_clean()
                perpetrator.save()
        changed.append("perpetrators")
    if incident_moved:
        for listener in hooks.incident_date_changed:
            listener(current)
    audit_record(action="allegation_update", actor=actor, audit=audit, obj=current, detail={"fields": changed})
    return current


@checked(allegation_in_change_scope)
def allegation_transition(
    *, actor, allegation: Allegation, to_status: str, expected_version: int, note: str = "", audit: AuditContext | None = None
) -> Allegation:
    if to_status not in Status.values:
        raise ValidationError({"to_status": [_("“%(status)s” is not a status.") % {"status": to_status}]})
    current = lock_current_version(Allegation, allegation.pk, expected_version)
    if to_status not in ALLOWED_TRANSITIONS[current.status]:
        raise ValidationError(
            {
                "to_status": [
                    _("An allegation cannot go from “%(from)s” to “%(to)s”.")
                    % {"from": current.get_status_display(), "to": Status(to_status).label}
                ]
            }
        )
    StatusChange.objects.create(
        allegation=current, from_status=current.status, to_status=to_status, changed_by=actor, note=note[:500]
    )
    previous = current.status
    current.status = to_status
    current.version = expected_version + 1
    current.updated_by = actor
    current.save(update_fields=["status", "version", "updated_by", "updated_at"])
    audit_record(action="allegation_transition", actor=actor, audit=audit, obj=current,
                 detail={"from": previous, "to": to_status})
    return current


def allegation_set_children_involved(*, allegation_id, children_involved: bool) -> None:
    """Kept by the victims app (any victim under 18 at the incident makes the allegation urgent).
    A change reaches what depends on it (open referrals' investigation deadlines) in the same transaction."""
    changed = Allegation.objects.filter(pk=allegation_id).exclude(children_involved=children_involved).update(
        children_involved=children_involved
    )
    if changed:
        for listener in hooks.children_involved_changed:
            listener(allegation_id, children_involved)
