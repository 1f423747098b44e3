"""Writing and verifying the append-only, hash-chained audit trail."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.crypto import DecryptionError, audit_keys
from core.errors import NotFound
from core.models import AuditEvent

checkpoint_logger = logging.getLogger("sea.audit.checkpoint")

GENESIS_HASH = "0" * 64
# What `manage.py verify_audit` leaves in the trail, success or failure: the administrators' home
# page tells from it when the chain was last checked and how that went.
CHAIN_VERIFIED = "audit_chain_verified"
# Any constant: serialises chain appends across processes on PostgreSQL.
_CHAIN_LOCK_ID = 0x5EA_A0D1


@dataclass(frozen=True)
class AuditContext:
    """What the audit trail records about where an action came from, beside its actor: services take
    this, never the request (`audit_context(request)` builds it at the page or API edge)."""

    ip_address: str | None = None


def _canonical(address: str | None) -> str | None:
    try:
        return ipaddress.ip_address((address or "").strip()).compressed
    except ValueError:
        return None


@functools.lru_cache(maxsize=4)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def client_ip(request) -> str | None:
    """The client's address in the canonical form the database stores, so the hash matches on
    re-reading. Behind our own proxy (a peer in SEA_TRUSTED_PROXIES), the address the proxy saw, from
    the X-Real-IP it sets; from anyone else the header is ignored (a client could write it)."""
    if request is None:
        return None
    peer = _canonical(request.META.get("REMOTE_ADDR"))
    if peer and any(ipaddress.ip_address(peer) in network
                    for network in _networks(tuple(settings.SEA_TRUSTED_PROXIES))):
        return _canonical(request.META.get("HTTP_X_REAL_IP")) or peer
    return peer


def audit_context(request) -> AuditContext:
    """The one adapter from a Django or DRF request to the audit context services take."""
    return AuditContext(ip_address=client_ip(request))


def event_digest(event: AuditEvent) -> str:
    """HMAC-SHA256 under the audit key named in the event (events written before the chain was keyed
    carry no key id and a plain SHA-256: they stay verifiable, but only keyed events may follow them)."""
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
    if not event.key_id:
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    payload["key"] = event.key_id
    message = b"sea-audit-event\x00" + json.dumps(payload, sort_keys=True, default=str).encode()
    return audit_keys().mac(event.key_id, message)


def audit_record(
    *,
    action: str,
    actor=None,
    audit: AuditContext | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event. Joins the caller's transaction so the change and its audit row commit together."""
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
            ip_address=audit.ip_address if audit else None,
            outcome=outcome,
            detail=detail or {},
            previous_hash=last or GENESIS_HASH,
            key_id=audit_keys().current_id,
        )
        # Round-trip detail through JSON so the digest matches what verification re-reads.
        event.detail = json.loads(json.dumps(event.detail, default=str))
        event.hash = event_digest(event)
        event.save(force_insert=True)
    return event


def read_encrypted(obj: Any, field_name: str, *, actor=None, audit: AuditContext | None = None) -> tuple[Any, bool]:
    """(value, True), or (None, False) when the stored value cannot be authenticated.

    A failure is audited and never rendered as text: the page says the value is unreadable.
    """
    try:
        return getattr(obj, field_name), True
    except DecryptionError:
        audit_record(action="decryption_failed", actor=actor, audit=audit, obj=obj,
                     outcome=AuditEvent.Outcome.FAILURE, detail={"field": field_name})
        return None, False


def first_broken_link() -> tuple[int, str] | None:
    """Walk the chain in order; the first event whose hash or link does not match, and why."""
    expected_previous = GENESIS_HASH
    keyed = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != expected_previous:
            return event.pk, "its link to the previous event is broken (an event was removed or reordered)"
        if keyed and not event.key_id:
            return event.pk, "it is unkeyed after keyed events (written without the audit key)"
        try:
            matches = hmac.compare_digest(event_digest(event), event.hash)
        except DecryptionError:
            return event.pk, f"its audit key {event.key_id!r} is not configured"
        if not matches:
            return event.pk, "its content no longer matches its hash (the event was edited)"
        keyed = keyed or bool(event.key_id)
        expected_previous = event.hash
    return None


def chain_verification_record(*, broken: str = "", events: int) -> AuditEvent:
    """Record one run of the verification (appended after it, so it does not change what was checked)."""
    outcome = AuditEvent.Outcome.FAILURE if broken else AuditEvent.Outcome.SUCCESS
    return audit_record(action=CHAIN_VERIFIED, outcome=outcome,
                        detail={"events": events, **({"reason": broken} if broken else {})})


def last_chain_verification() -> AuditEvent | None:
    return AuditEvent.objects.filter(action=CHAIN_VERIFIED).order_by("-id").first()


# --- checkpoints: the chain's head, signed, kept outside the database ------------------------

def _checkpoint_mac(body: dict, key_id: str) -> str:
    return audit_keys().mac(key_id, b"sea-audit-checkpoint\x00" + json.dumps(body, sort_keys=True).encode())


def audit_checkpoint_write(path: Path | None = None) -> dict | None:
    """Append a signed line naming the newest event, its hash and the count, to the checkpoint
    file, and log it (sea.audit.checkpoint) for a log shipper. None while the trail is empty."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if head is None:
        return None
    keys = audit_keys()
    body = {"at": timezone.now().isoformat(), "last_id": head["id"], "head": head["hash"],
            "events": AuditEvent.objects.filter(id__lte=head["id"]).count(), "key": keys.current_id}
    checkpoint = {**body, "mac": _checkpoint_mac(body, keys.current_id)}
    path = Path(path or settings.SEA_AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(json.dumps(checkpoint, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    # The same signed line on the log stream: whatever ships the logs keeps a copy elsewhere.
    checkpoint_logger.info("audit checkpoint %s", json.dumps(checkpoint, sort_keys=True))
    return checkpoint


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted (a line edited or forged)."""


def latest_checkpoint(path: Path | None = None) -> dict | None:
    """The last line of the checkpoint file, after checking every line's signature."""
    path = Path(path or settings.SEA_AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return None
    latest = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            checkpoint = json.loads(line)
            body = {k: v for k, v in checkpoint.items() if k != "mac"}
            valid = hmac.compare_digest(_checkpoint_mac(body, checkpoint["key"]), checkpoint["mac"])
        except (ValueError, KeyError, TypeError, DecryptionError):
            valid = False
        if not valid:
            raise CheckpointError(f"line {number} of {path} is not a valid signed checkpoint")
        latest = checkpoint
    return latest


def checkpoint_mismatch(checkpoint: dict) -> str | None:
    """Why the chain in the database does not extend the checkpoint, or None if it does."""
    event = AuditEvent.objects.filter(pk=checkpoint["last_id"]).values("hash").first()
    if event is None:
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        return (f"the checkpoint of {checkpoint['at']} recorded events up to {checkpoint['last_id']}, but the chain "
                f"ends at {newest or 'nothing'}: the newest events were removed")
    if event["hash"] != checkpoint["head"]:
        return (f"event {checkpoint['last_id']} no longer has the hash the checkpoint of {checkpoint['at']} "
                f"recorded: the chain was rewritten")
    count = AuditEvent.objects.filter(id__lte=checkpoint["last_id"]).count()
    if count != checkpoint["events"]:
        return (f"{checkpoint['events']} events up to {checkpoint['last_id']} were checkpointed at "
                f"{checkpoint['at']}, {count} are left")
    return None


def get_in_scope_or_404(scope, pk: Any, *, user, audit: AuditContext | None = None, for_change: bool = False):
    """The record from a scoped queryset; anything else (absent, out of scope, malformed id) is
    `NotFound` (a 404 on pages and in the API), and the attempt goes to the audit trail. Every
    `access_<thing>` function ends here."""
    model = scope.model
    try:
        return scope.get(pk=pk)
    except (model.DoesNotExist, ValidationError, ValueError):
        audit_record(action="access_denied", actor=user, audit=audit, object_type=model._meta.label_lower,
                     object_id=str(pk)[:64], outcome=AuditEvent.Outcome.DENIED, detail={"for_change": for_change})
        raise NotFound(f"No such {model._meta.verbose_name}.") from None


def require_permission(actor, permission: str, *, audit: AuditContext | None = None, obj: Any) -> None:
    """A write of a kind the actor's role may not make is refused like one outside their scope
    (`NotFound`, audited): the answer does not tell the record exists."""
    if not actor.has_perm(permission):
        audit_record(action="access_denied", actor=actor, audit=audit, obj=obj, outcome=AuditEvent.Outcome.DENIED,
                     detail={"for_change": True, "permission": permission})
        raise NotFound(f"No such {obj._meta.verbose_name}.")
