"""Writing and verifying the append-only, hash-chained audit trail."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from core.models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant: serialises chain appends across processes on PostgreSQL.
_CHAIN_LOCK_ID = 0x5EA_A0D1


def client_ip(request: HttpRequest | None) -> str | None:
    """The address in the canonical form the database stores, so the hash matches on re-reading."""
    if request is None or not request.META.get("REMOTE_ADDR"):
        return None
    try:
        return ipaddress.ip_address(request.META["REMOTE_ADDR"]).compressed
    except ValueError:
        return None


def event_digest(event: AuditEvent) -> str:
    payload = {
        "previous": event.previous_hash,
        "at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "username": event.actor_username,
        "action": event.action,
        "type": event.object_type,
        "id": event.object_id,
        "ip": event.ip_address,
        "outcome": event.outcome,
        "detail": event.detail,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def audit_record(
    *,
    action: str,
    actor=None,
    request: HttpRequest | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event. Joins the caller's transaction so the change and its audit row commit together."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            ip_address=client_ip(request),
            outcome=outcome,
            detail=detail or {},
            previous_hash=last or GENESIS_HASH,
        )
        # Round-trip detail through JSON so the digest matches what verification re-reads.
        event.detail = json.loads(json.dumps(event.detail, default=str))
        event.hash = event_digest(event)
        event.save(force_insert=True)
    return event


def read_encrypted(obj: Any, field_name: str, *, actor=None, request: HttpRequest | None = None) -> tuple[Any, bool]:
    """(value, True), or (None, False) when the stored value cannot be authenticated.

    A failure is audited and never rendered as text: the page says the value is unreadable.
    """
    from core.crypto import DecryptionError

    try:
        return getattr(obj, field_name), True
    except DecryptionError:
        audit_record(action="decryption_failed", actor=actor, request=request, obj=obj,
                     outcome=AuditEvent.Outcome.FAILURE, detail={"field": field_name})
        return None, False


def first_broken_link() -> tuple[int, str] | None:
    """Walk the chain in order; the first event whose hash or link does not match, and why."""
    expected_previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != expected_previous:
            return event.pk, "its link to the previous event is broken (an event was removed or reordered)"
        if event_digest(event) != event.hash:
            return event.pk, "its content no longer matches its hash (the event was edited)"
        expected_previous = event.hash
    return None


def get_in_scope_or_404(scope, pk: Any, *, user, request: HttpRequest | None = None, for_change: bool = False):
    """The record from a scoped queryset; anything else (absent, out of scope, malformed id) is a
    404, and the attempt goes to the audit trail. Every `access_<thing>` function ends here."""
    model = scope.model
    try:
        return scope.get(pk=pk)
    except (model.DoesNotExist, ValidationError, ValueError):
        audit_record(action="access_denied", actor=user, request=request, object_type=model._meta.label_lower,
                     object_id=str(pk)[:64], outcome=AuditEvent.Outcome.DENIED, detail={"for_change": for_change})
        raise Http404(f"No such {model._meta.verbose_name}.") from None
