"""The register of disclosures: every time a victim's identity leaves the office (a notice naming them, a
share with a UN partner, contact details handed to a service provider, an export for the victim), one
entry, written by the disclosing service in its own transaction. The entry names the fields handed over,
the recipient, the consent relied on and who approved; never the identity itself.

Also the two disclosures this app makes on a request decided by a second person: a share with a UN
partner, and an export of the identity for the victim (or their representative)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record, get_in_scope_or_404
from core.crypto import DecryptionError
from core.errors import NotFound, checked
from core.locking import lock_current_version
from core.models import AuditEvent
from core.spreadsheets import to_csv
from victims.choices import (
    DISCLOSURE_CONSENT,
    TWO_PERSON_DISCLOSURES,
    ConsentScope,
    DisclosureKind,
    DisclosureRequestStatus,
    ExportFor,
    IdentityField,
)
from victims.models import Consent, Disclosure, DisclosureRequest, Victim
from victims.querysets import can_view_identity, decision_allows, latest_consent
from victims.services import access_victim

# The kinds a person asks for on the victim's page (the others are written by the services that disclose).
REQUESTED_KINDS = (DisclosureKind.UN_PARTNER_SHARE, DisclosureKind.IDENTITY_EXPORT)


def _user_pk(user) -> Any:
    return getattr(user, "pk", None)


def disclosure_record(
    *, victim: Victim, kind: str, recipient: str, fields: Iterable[str], consent: Consent | None,
    requested_by=None, approved_by=None, approved_at: datetime.datetime | None = None, purpose: str = "",
    actor=None, source_type: str = "", source_id: str = "", source_label: str = "",
    audit: AuditContext | None = None,
) -> Disclosure:
    """Write one register entry (and its audit event) inside the caller's transaction, which is the
    disclosure's own: if the disclosure fails, the entry goes with it. Refuses (`ValidationError`) an
    entry that relies on a consent other than the victim's latest decision of the kind's scope, or on
    one that does not say yes; and, for the kinds that need two people, an approval by nobody or by the
    requester. `actor` is who did it (None: the application, e.g. a notice sent after approval)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("disclosure_record runs inside the disclosing service's transaction")
    if kind not in DisclosureKind.values:
        raise ValueError(f"not a kind of disclosure: {kind!r}")
    given = set(fields)
    fields = [f for f in IdentityField.values if f in given]  # the vocabulary's order, no repeats
    if not fields or given - set(fields):
        raise ValueError("a disclosure names at least one identity field, from IdentityField")
    scope = DISCLOSURE_CONSENT[kind]
    if scope is None:
        if consent is not None:
            raise ValueError(f"a disclosure of kind {kind!r} relies on no consent")
    else:
        latest = latest_consent(victim, scope)
        if consent is None or latest is None or consent.pk != latest.pk or not decision_allows(victim, latest):
            raise ValidationError(_("%(code)s’s latest decision on “%(scope)s” does not allow this disclosure.")
                                  % {"code": victim.code, "scope": ConsentScope(scope).label})
    if approved_by is not None and _user_pk(approved_by) == _user_pk(requested_by):
        raise ValidationError(_("A disclosure of identity must be approved by someone other than the person who "
                                "asked for it."))
    if kind in TWO_PERSON_DISCLOSURES and approved_by is None:
        raise ValidationError(_("A disclosure of identity of this kind needs a second person’s approval."))
    entry = Disclosure.objects.create(
        victim=victim, kind=kind, recipient=recipient.strip()[:300], purpose=purpose.strip()[:300], fields=fields,
        consent=consent, consent_scope=scope or "", requested_by=requested_by, approved_by=approved_by,
        approved_at=approved_at, disclosed_at=timezone.now(), source_type=source_type, source_id=str(source_id)[:64],
        source_label=source_label[:160])
    # The code is victims.choices.IDENTITY_DISCLOSED_ACTION (written as a literal: its label is checked).
    audit_record(action="identity_disclosed", actor=actor, audit=audit, obj=victim,
                 detail={"disclosure": entry.pk, "kind": kind, "fields": fields,
                         **({"source": f"{source_type}:{source_id}"} if source_type else {})})
    return entry


# --- reading the register ---------------------------------------------------------------------

def disclosure_register(victim: Victim):
    """The victim's register, newest first, with who asked and approved and the consent (one query)."""
    return (Disclosure.objects.filter(victim=victim)
            .select_related("consent", "requested_by", "approved_by").order_by("-disclosed_at", "-id"))


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def recipient_in_words(entry: Disclosure | DisclosureRequest) -> str:
    """An export for the victim names no recipient: the victim is."""
    if entry.kind == DisclosureKind.IDENTITY_EXPORT and not entry.recipient:
        return str(ExportFor.VICTIM.label)
    return entry.recipient


def consent_in_words(entry: Disclosure) -> str:
    if entry.kind == DisclosureKind.IDENTITY_EXPORT:
        return _("None needed: the victim’s own request to know what the office holds")
    if entry.consent is None:
        return "—"
    day = date_format(timezone.localtime(entry.consent.recorded_at).date(), "j F Y")
    return _("%(scope)s: %(decision)s by %(giver)s on %(date)s") % {
        "scope": entry.consent.get_scope_display(), "decision": entry.consent.get_decision_display().lower(),
        "giver": entry.consent.get_given_by_display().lower(), "date": day}


@dataclass(frozen=True)
class RegisterRow:
    """One entry in the reader's language: what the victim's page, the printable page and the CSV show."""

    disclosed_at: datetime.datetime  # UTC
    kind: str
    what: str
    recipient: str
    purpose: str
    fields: str
    consent: str
    requested_by: str
    approved_by: str
    approved_at: datetime.datetime | None


def register_rows(victim: Victim) -> list[RegisterRow]:
    return [RegisterRow(disclosed_at=e.disclosed_at, kind=e.kind, what=e.get_kind_display(),
                        recipient=recipient_in_words(e), purpose=e.purpose, fields=", ".join(e.fields_in_words),
                        consent=consent_in_words(e), requested_by=_name(e.requested_by) or _("the application"),
                        approved_by=_name(e.approved_by) or "—", approved_at=e.approved_at)
            for e in disclosure_register(victim)]


def _may_export_register(*, actor, victim: Victim, audit: AuditContext | None = None, **_rest) -> None:
    access_victim(actor, victim.pk, audit=audit)
    if not can_view_identity(actor):
        audit_record(action="access_denied", actor=actor, audit=audit, obj=victim, outcome=AuditEvent.Outcome.DENIED,
                     detail={"register_of_disclosures": True})
        raise NotFound(_("No such victim."))


@checked(_may_export_register)
def disclosure_register_export(*, actor, victim: Victim, file_format: str,
                               audit: AuditContext | None = None) -> tuple[bytes | list[RegisterRow], str]:
    """The register for the victim (their right to know who holds their data): CSV, or the rows of the
    printable page; audited. Never an identity value: recipients, fields in words, consent, approvers."""
    if file_format not in ("csv", "print"):
        raise ValidationError({"format": [_("Choose CSV or the printable page.")]})
    rows = register_rows(victim)
    audit_record(action="disclosure_register_export", actor=actor, audit=audit, obj=victim,
                 detail={"format": file_format, "entries": len(rows)})
    if file_format == "print":
        return rows, ""
    columns = [_("Disclosed at (UTC)"), _("What"), _("Recipient"), _("Purpose"), _("Fields disclosed"),
               _("Consent relied on"), _("Requested by"), _("Approved by"), _("Approved at (UTC)")]
    table = [[r.disclosed_at.strftime("%Y-%m-%d %H:%M"), r.what, r.recipient, r.purpose, r.fields, r.consent,
              r.requested_by, r.approved_by, r.approved_at.strftime("%Y-%m-%d %H:%M") if r.approved_at else ""]
             for r in rows]
    notes = [_("Register of disclosures of %(code)s: every time the office gave the identity outside, "
               "who received which fields, on which consent, approved by whom. It holds no identity.")
             % {"code": victim.code}]
    return to_csv(columns, table, notes), f"disclosures-{victim.code}.csv"


# --- requests decided by a second person: a share with a UN partner, an export --------------------

def access_disclosure_request(user, request_id: Any, *, audit: AuditContext | None = None,
                              for_change: bool = False) -> DisclosureRequest:
    scope = (DisclosureRequest.objects.editable_by(user) if for_change
             else DisclosureRequest.objects.visible_to(user))
    return get_in_scope_or_404(scope.select_related("victim", "requested_by", "decided_by"), request_id, user=user,
                               audit=audit, for_change=for_change)


def victim_in_disclosure_scope(*, actor, victim: Victim, audit: AuditContext | None = None, **_rest) -> None:
    """Change scope on the victim, and identity access: who asks to disclose an identity, or decides
    on it, may read what is disclosed. Anyone else: `NotFound`, audited."""
    access_victim(actor, victim.pk, audit=audit, for_change=True)
    if not can_view_identity(actor):
        audit_record(action="access_denied", actor=actor, audit=audit, obj=victim, outcome=AuditEvent.Outcome.DENIED,
                     detail={"for_change": True, "permission": "victims.view_identity"})
        raise NotFound(_("No such victim."))


def _request_in_scope(*, actor, request: DisclosureRequest, audit: AuditContext | None = None, **_rest) -> None:
    access_disclosure_request(actor, request.pk, audit=audit, for_change=True)


def _checked_fields(fields: Iterable[str], errors: dict) -> list[str]:
    chosen = set(fields or ())
    if not chosen or chosen - set(IdentityField.values):
        errors["fields"] = [_("Choose which parts of the identity are disclosed.")]
    return [f for f in IdentityField.values if f in chosen]


@checked(victim_in_disclosure_scope)
def disclosure_request_create(
    *, actor, victim: Victim, kind: str, fields: Iterable[str], recipient: str = "", purpose: str = "",
    export_for: str = "", audit: AuditContext | None = None,
) -> DisclosureRequest:
    """Ask to share the identity with a UN partner (its name, the purpose, the fields), or to export it for
    the victim or their representative. Someone else decides."""
    errors: dict[str, list[str]] = {}
    recipient, purpose = (recipient or "").strip(), (purpose or "").strip()
    if kind not in REQUESTED_KINDS:
        raise ValidationError({"kind": [_("Choose a share with a UN partner or an export for the victim.")]})
    fields = _checked_fields(fields, errors)
    if kind == DisclosureKind.UN_PARTNER_SHARE:
        export_for = ""
        if not recipient:
            errors["recipient"] = [_("Name the UN partner (the entity, and the person if known).")]
        if not purpose:
            errors["purpose"] = [_("Say what the partner needs the identity for.")]
        if not decision_allows(victim, latest_consent(victim, DISCLOSURE_CONSENT[kind])):
            errors["__all__"] = [_("%(code)s has not consented to share their identity with UN partners (or the "
                                   "consent was withdrawn). Record their decision first.") % {"code": victim.code}]
    else:
        if export_for not in ExportFor.values:
            errors["export_for"] = [_("Say who the export is for.")]
        elif export_for == ExportFor.REPRESENTATIVE and not recipient:
            errors["recipient"] = [_("Name the representative (and how they represent the victim).")]
        elif export_for == ExportFor.VICTIM:
            recipient = ""
    if errors:
        raise ValidationError(errors)
    request = DisclosureRequest.objects.create(victim=victim, kind=kind, recipient=recipient[:300],
                                               purpose=purpose[:300], export_for=export_for, fields=fields,
                                               requested_by=actor)
    audit_record(action="disclosure_request", actor=actor, audit=audit, obj=victim,
                 detail={"request": str(request.pk), "kind": kind, "fields": fields})
    return request


@checked(_request_in_scope)
def disclosure_request_decide(
    *, actor, request: DisclosureRequest, approve: bool, expected_version: int, audit: AuditContext | None = None,
) -> DisclosureRequest:
    """A second person approves or refuses. Approving a share with a UN partner is the disclosure: the
    register entry and its audit are written now, with the request's state (the identity is handed over
    by the office's usual channel, never by e-mail from here). Approving an export lets the requester
    download the file once."""
    current = lock_current_version(DisclosureRequest, request.pk, expected_version, label=_("request"))
    if current.status != DisclosureRequestStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    if current.requested_by_id == actor.pk:
        raise ValidationError(_("A disclosure of identity must be approved by someone other than the person who "
                                "asked for it."))
    victim = Victim.objects.get(pk=current.victim_id)
    now = timezone.now()
    current.decided_by, current.decided_at, current.version = actor, now, expected_version + 1
    if not approve:
        current.status = DisclosureRequestStatus.REFUSED
        current.save()
        audit_record(action="disclosure_request_refuse", actor=actor, audit=audit, obj=victim,
                     detail={"request": str(current.pk), "kind": current.kind})
        return current
    if current.kind == DisclosureKind.UN_PARTNER_SHARE:
        consent = latest_consent(victim, DISCLOSURE_CONSENT[current.kind])
        current.disclosure = disclosure_record(
            victim=victim, kind=current.kind, recipient=current.recipient, purpose=current.purpose,
            fields=current.fields, consent=consent, requested_by=current.requested_by, approved_by=actor,
            approved_at=now, actor=actor, source_type="victims.disclosurerequest", source_id=str(current.pk),
            source_label=_request_label(current), audit=audit)
        current.status = DisclosureRequestStatus.DISCLOSED
    else:
        current.status = DisclosureRequestStatus.APPROVED
    current.save()
    audit_record(action="disclosure_request_approve", actor=actor, audit=audit, obj=victim,
                 detail={"request": str(current.pk), "kind": current.kind})
    return current


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes  # produced now, never stored


def _identity_value(victim: Victim, field: str) -> str:
    value = getattr(victim, field)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value or ""


@checked(_request_in_scope, atomic=False)
def identity_export_produce(*, actor, request: DisclosureRequest, audit: AuditContext | None = None) -> ExportFile:
    """The approved export, downloaded once by who asked for it (to hand to the victim or their
    representative): the file is made here and returned, never kept; the register entry and its audit are
    written in the same transaction. Undecryptable identity: nothing is produced or recorded but the
    failure (audited)."""
    try:
        with transaction.atomic():
            return _export(actor=actor, request=request, audit=audit)
    except DecryptionError:
        audit_record(action="decryption_failed", actor=actor, audit=audit, object_type="victims.victim",
                     object_id=str(request.victim_id), outcome=AuditEvent.Outcome.FAILURE,
                     detail={"request": str(request.pk)})
        raise


def _export(*, actor, request: DisclosureRequest, audit: AuditContext | None) -> ExportFile:
    current = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if current.kind != DisclosureKind.IDENTITY_EXPORT or current.status != DisclosureRequestStatus.APPROVED:
        raise ValidationError(_("This export is not approved, or its file was already downloaded."))
    if current.requested_by_id != actor.pk:
        raise ValidationError(_("Only the person who asked for the export downloads it (the approver was the "
                                "second person)."))
    victim = Victim.objects.get(pk=current.victim_id)
    labels = dict(IdentityField.choices)
    rows = [[str(labels[f]).capitalize(), _identity_value(victim, f)] for f in current.fields]
    entry = disclosure_record(
        victim=victim, kind=current.kind, recipient=current.recipient, purpose=current.purpose, fields=current.fields,
        consent=None, requested_by=current.requested_by, approved_by=current.decided_by,
        approved_at=current.decided_at, actor=actor, source_type="victims.disclosurerequest",
        source_id=str(current.pk), source_label=_request_label(current), audit=audit)
    current.disclosure, current.status, current.version = entry, DisclosureRequestStatus.DISCLOSED, current.version + 1
    current.save()
    notes = [_("What the office holds of the identity of %(code)s, produced on %(date)s for %(whom)s. Keep it "
               "safe: the office keeps no copy of this file.") % {
                   "code": victim.code, "date": timezone.now().date().isoformat(), "whom": recipient_in_words(current)}]
    return ExportFile(filename=f"identity-{victim.code}.csv", content=to_csv([_("Field"), _("Value")], rows, notes))


def _request_label(request: DisclosureRequest) -> str:
    return f"{request.get_kind_display()} {request.requested_at.date().isoformat()}"[:160]
