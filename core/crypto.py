"""AES-256-GCM field encryption with a key ring, and the HMAC blind-index key.

Token format (ASCII, stored in a text column):  ``sea1:<key id>:<base64url(nonce || ciphertext+tag)>``.
The associated data names the table, column and row, so a ciphertext copied to another
row or field fails authentication instead of decrypting into the wrong record.

Keys come from ``SEA_FIELD_KEYS`` ("kid:base64key,..." first = current) or from the key
file ``SEA_KEY_FILE``; the audit chain's HMAC keys from ``SEA_AUDIT_KEYS`` (same form) or the
key file's ``audit_keys``. They are never derived from SECRET_KEY. Only the embedded demo
creates a key file on first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

FORMAT_VERSION = "sea1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be authenticated: wrong key, wrong row, or tampered."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]
    blind_index_key: bytes

    def encrypt(self, plaintext: str, associated_data: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current_id]).encrypt(nonce, plaintext.encode("utf-8"), associated_data)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{FORMAT_VERSION}:{self.current_id}:{body}"

    def seal_bytes(self, data: bytes, associated_data: bytes) -> bytes:
        """Files: `sea1:<key id>:` then the raw nonce and ciphertext (no base64 for megabytes)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current_id]).encrypt(nonce, data, associated_data)
        return f"{FORMAT_VERSION}:{self.current_id}:".encode("ascii") + nonce + sealed

    def open_bytes(self, blob: bytes, associated_data: bytes) -> bytes:
        try:
            version, key_id, raw = blob.split(b":", 2)
            key = self.keys[key_id.decode("ascii")]
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            raise DecryptionError("unreadable file header or unknown key") from exc
        if version.decode("ascii", "replace") != FORMAT_VERSION:
            raise DecryptionError(f"unknown ciphertext format {version!r}")
        try:
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data)
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("file failed authentication (tampered, moved, or wrong key)") from exc

    def decrypt(self, token: str, associated_data: bytes) -> str:
        version, key_id, body = parse_token(token)
        if version != FORMAT_VERSION:
            raise DecryptionError(f"unknown ciphertext format {version!r}")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"key {key_id!r} is not configured")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data)
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("ciphertext failed authentication (tampered, moved, or wrong key)") from exc
        return plaintext.decode("utf-8")


_APOSTROPHES = frozenset("'’‘ʼ`´")


def normalise_name(name: str) -> str:
    """Case, accents, punctuation, spacing and word order do not make a different person."""
    decomposed = unicodedata.normalize("NFKD", name)
    # Apostrophes join (N'Dongo = Ndongo); any other punctuation separates words.
    decomposed = "".join(c for c in decomposed if c not in _APOSTROPHES)
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(sorted(letters.casefold().split()))


def blind_index(*parts: str) -> str:
    """HMAC-SHA256 over normalised parts: equal inputs match, the index reveals nothing else."""
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()


def parse_token(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3:
        raise DecryptionError("value is not a ciphertext")
    return parts[0], parts[1], parts[2]


def key_id_of(token: str) -> str:
    return parse_token(token)[1]


def _decode_key(kid: str, encoded: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(encoded.strip().encode("ascii") + b"==")
    except ValueError as exc:
        raise ImproperlyConfigured(f"field key {kid!r} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"field key {kid!r} must be 32 bytes (AES-256), got {len(key)}")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


def _parse_field_keys(spec: str) -> list[tuple[str, bytes]]:
    pairs = []
    for item in spec.split(","):
        if not item.strip():
            continue
        kid, sep, encoded = item.strip().partition(":")
        if not sep or not kid:
            raise ImproperlyConfigured("SEA_FIELD_KEYS entries look like 'kid:base64key'")
        pairs.append((kid, _decode_key(kid, encoded)))
    return pairs


def _create_demo_key_file() -> None:
    path = settings.SEA_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"field_keys": [{"id": "demo1", "key": new_key()}], "blind_index_key": new_key(),
               "audit_keys": [{"id": "demo-audit1", "key": new_key()}]}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle, indent=2)
    logger.warning("Demo mode: created a new local encryption key file at %s (keep it with any backup).", path)


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    field_keys: list[tuple[str, bytes]] = []
    blind = settings.SEA_BLIND_INDEX_KEY
    if settings.SEA_FIELD_KEYS:
        field_keys = _parse_field_keys(settings.SEA_FIELD_KEYS)
    else:
        path = settings.SEA_KEY_FILE
        if not path.exists():
            if not settings.SEA_DEMO:
                raise ImproperlyConfigured("No encryption keys: set SEA_FIELD_KEYS or SEA_KEY_FILE.")
            try:
                _create_demo_key_file()
            except FileExistsError:  # another process created it first
                pass
        data = json.loads(path.read_text())
        field_keys = [(item["id"], _decode_key(item["id"], item["key"])) for item in data["field_keys"]]
        blind = blind or data.get("blind_index_key", "")
    if not field_keys:
        raise ImproperlyConfigured("No field encryption key configured.")
    if not blind:
        raise ImproperlyConfigured("SEA_BLIND_INDEX_KEY is not configured.")
    return KeyRing(current_id=field_keys[0][0], keys=dict(field_keys), blind_index_key=_decode_key("blind", blind))


@dataclass(frozen=True)
class AuditKeys:
    """HMAC keys of the audit chain and its checkpoints: apart from the database, like the field
    keys, so whoever can write the database alone cannot forge or re-chain events."""

    current_id: str
    keys: dict[str, bytes]

    def mac(self, key_id: str, message: bytes) -> str:
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"audit key {key_id!r} is not configured")
        return hmac.new(key, message, hashlib.sha256).hexdigest()


def _demo_audit_key(path) -> list[tuple[str, bytes]]:
    """Demo key files made before the audit chain was keyed get an audit key added."""
    data = json.loads(path.read_text())
    if not data.get("audit_keys"):
        data["audit_keys"] = [{"id": "demo-audit1", "key": new_key()}]
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=2)
        os.replace(temporary, path)
    return [(item["id"], _decode_key(item["id"], item["key"])) for item in data["audit_keys"]]


@lru_cache(maxsize=1)
def audit_keys() -> AuditKeys:
    if settings.SEA_AUDIT_KEYS:
        pairs = _parse_field_keys(settings.SEA_AUDIT_KEYS)
    else:
        keyring()  # the demo creates the key file on first use
        path = settings.SEA_KEY_FILE
        pairs = [(item["id"], _decode_key(item["id"], item["key"]))
                 for item in json.loads(path.read_text()).get("audit_keys", [])]
        if not pairs and settings.SEA_DEMO:
            pairs = _demo_audit_key(path)
    if not pairs:
        raise ImproperlyConfigured("No audit key: set SEA_AUDIT_KEYS (or audit_keys in SEA_KEY_FILE).")
    return AuditKeys(current_id=pairs[0][0], keys=dict(pairs))


@receiver(setting_changed)
def _reset_keyring(*, setting: str, **kwargs) -> None:
    if setting in {"SEA_FIELD_KEYS", "SEA_BLIND_INDEX_KEY", "SEA_KEY_FILE", "SEA_DEMO", "SEA_AUDIT_KEYS"}:
        keyring.cache_clear()
        audit_keys.cache_clear()
