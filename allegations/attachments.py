"""Evidence files: checked by content (images also stripped of their metadata; PDFs are kept as
uploaded), sealed with the field keys, stored outside the web root under a random name, and read
back only through a scoped, audited call."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from allegations.choices import IntegrityFailure
from allegations.models import Allegation, Attachment
from allegations.services import allegation_in_change_scope
from core.audit import AuditContext, audit_record, get_in_scope_or_404
from core.crypto import DecryptionError, keyring
from core.errors import Conflict
from core.models import AuditEvent

# Detected from the first bytes, never from the name or the browser's claim.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; anything bigger is refused, not decompressed


@dataclass(frozen=True)
class Evidence:
    attachment: Attachment
    content: bytes


class EvidenceIntegrityError(Conflict):
    """The stored file is not the one uploaded (missing, altered, or replaced): it is never served."""

    def __init__(self, reason: IntegrityFailure) -> None:
        self.reason = reason
        super().__init__(_("This file failed its integrity check, so it is not served. The failure has been "
                           "recorded; tell your administrator."))


def access_attachment(user, allegation_id: Any, attachment_id: Any, *, audit: AuditContext | None = None,
                      for_change: bool = False) -> Attachment:
    scope = (Attachment.objects.editable_by(user) if for_change else Attachment.objects.visible_to(user)).filter(
        allegation_id=allegation_id)
    return get_in_scope_or_404(scope.select_related("allegation"), attachment_id, user=user, audit=audit,
                               for_change=for_change)


def _directory() -> Path:
    directory = Path(settings.SEA_ATTACHMENT_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _associated_data(attachment: Attachment) -> bytes:
    # Bound to the row: a file copied onto another attachment's name fails authentication.
    return f"allegations.attachment:{attachment.pk}:{attachment.allegation_id}".encode()


def safe_display_name(name: str, extension: str) -> str:
    """The uploader's name without any path, control character or misleading extension."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    stem = get_valid_filename(Path(name).stem.strip(". ")) if name.strip(". ") else ""
    return f"{(stem or 'evidence')[:100]}{extension}"


def _detect(head: bytes) -> tuple[str, str]:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise ValidationError({"file": [_("Only PDF documents and PNG or JPEG images can be attached; this file is "
                                      "none of them, whatever its name says.")]})


def _strip_image(data: bytes, content_type: str) -> bytes:
    """Re-encode the pixels only: EXIF (GPS position, camera, date) and text chunks are dropped."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ValidationError({"file": [_("This image is too large (more than 40 megapixels).")]})
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the photo the right way up without its EXIF
                if upright.mode not in ("RGB", "L", "RGBA", "LA", "P"):
                    upright = upright.convert("RGB")
                if content_type == "image/jpeg" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                upright.save(out, format=IMAGE_FORMATS[content_type], **({"quality": 92} if content_type == "image/jpeg" else {}))
                return out.getvalue()
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 (Pillow raises many kinds for a broken or hostile image)
        raise ValidationError({"file": [_("This image could not be read; it may be damaged.")]}) from exc


def _read_checked(uploaded: UploadedFile) -> tuple[bytes, str, str]:
    limit = settings.SEA_ATTACHMENT_MAX_BYTES
    if uploaded.size is None or uploaded.size > limit:
        raise ValidationError({"file": [_("The file is too large: at most %(mb)s MB.") % {"mb": f"{limit / 1_000_000:g}"}]})
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": [_("The file is too large: at most %(mb)s MB.") % {"mb": f"{limit / 1_000_000:g}"}]})
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]})
    content_type, extension = _detect(data[:16])
    if content_type in IMAGE_FORMATS:
        data = _strip_image(data, content_type)
    return data, content_type, extension


def attachment_add(*, actor, allegation: Allegation, uploaded: UploadedFile, description: str = "",
                   audit: AuditContext | None = None) -> Attachment:
    """Refused (`NotFound`, audited) unless the actor may change the allegation. The sealed file is
    written before the row commits and removed again if the row does not."""
    allegation_in_change_scope(actor=actor, allegation=allegation, audit=audit)
    if len(description) > 300:
        raise ValidationError({"description": [_("At most 300 characters.")]})
    data, content_type, extension = _read_checked(uploaded)
    ring = keyring()
    attachment = Attachment(allegation=allegation, display_name=safe_display_name(uploaded.name, extension),
                            content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                            key_id=ring.current_id, stored_name=secrets.token_hex(16),
                            description=description.strip(), uploaded_by=actor)
    path = _directory() / attachment.stored_name
    partial = path.with_suffix(".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(ring.seal_bytes(data, _associated_data(attachment)))
    try:
        with transaction.atomic():
            attachment.save(force_insert=True)
            audit_record(action="attachment_add", actor=actor, audit=audit, obj=attachment,
                         detail={"allegation": allegation.reference, "type": content_type, "size": len(data)})
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return attachment


def _verified_content(attachment: Attachment) -> bytes:
    """The decrypted bytes, only if they are the bytes uploaded: AES-GCM refuses an altered
    ciphertext, and the SHA-256 taken at upload refuses a validly sealed substitute."""
    try:
        blob = (_directory() / attachment.stored_name).read_bytes()
    except OSError as exc:
        raise EvidenceIntegrityError(IntegrityFailure.MISSING) from exc
    try:
        content = keyring().open_bytes(blob, _associated_data(attachment))
    except DecryptionError as exc:
        raise EvidenceIntegrityError(IntegrityFailure.UNDECRYPTABLE) from exc
    if not hmac.compare_digest(hashlib.sha256(content).hexdigest(), attachment.sha256):
        raise EvidenceIntegrityError(IntegrityFailure.HASH_MISMATCH)
    return content


def attachment_read(*, actor, attachment: Attachment, audit: AuditContext | None = None) -> Evidence:
    """The decrypted bytes, audited. A file that fails its integrity check raises
    `EvidenceIntegrityError` after the refusal is audited (it commits on its own: no outer transaction)."""
    try:
        content = _verified_content(attachment)
    except EvidenceIntegrityError as failure:
        audit_record(action="attachment_integrity_failed", actor=actor, audit=audit, obj=attachment,
                     outcome=AuditEvent.Outcome.FAILURE,
                     detail={"allegation": attachment.allegation.reference, "reason": failure.reason.value})
        raise
    audit_record(action="attachment_download", actor=actor, audit=audit, obj=attachment,
                 detail={"allegation": attachment.allegation.reference})
    return Evidence(attachment=attachment, content=content)


def attachment_viewed(*, actor, attachment: Attachment, audit: AuditContext | None = None) -> None:
    """Opening a file's custody page (its hash and its log) is itself part of its custody."""
    audit_record(action="attachment_view", actor=actor, audit=audit, obj=attachment,
                 detail={"allegation": attachment.allegation.reference})


def attachment_delete(*, actor, attachment: Attachment, audit: AuditContext | None = None) -> None:
    """Remove the file and its record. `actor=None` is the retention run, deleting as the system."""
    if actor is not None:
        access_attachment(actor, attachment.allegation_id, attachment.pk, audit=audit, for_change=True)
    path = _directory() / attachment.stored_name
    with transaction.atomic():
        audit_record(action="attachment_delete", actor=actor, audit=audit, obj=attachment,
                     detail={"allegation": attachment.allegation.reference, "name_sha256":
                             hashlib.sha256(attachment.display_name.encode()).hexdigest()[:16]})
        attachment.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


def attachment_key_ids() -> dict[str, int]:
    rows = Attachment.objects.values("key_id").annotate(n=Count("pk")).order_by()
    return {row["key_id"]: row["n"] for row in rows}


def attachments_reseal(current: str) -> int:
    """Re-seal files under the current key, one at a time. The file's own header names its key, so
    swapping the file before the row commits is safe: an interruption leaves a readable file whose
    row still says the old key, and the next run re-seals it again."""
    done = 0
    for pk in list(Attachment.objects.exclude(key_id=current).values_list("pk", flat=True)):
        with transaction.atomic():
            attachment = Attachment.objects.select_for_update().filter(pk=pk).exclude(key_id=current).first()
            if attachment is None:
                continue
            path = _directory() / attachment.stored_name
            ring = keyring()
            content = _verified_content(attachment)  # never re-seal a file that is not the one uploaded
            partial = path.with_suffix(".part")
            partial.write_bytes(ring.seal_bytes(content, _associated_data(attachment)))
            os.replace(partial, path)
            attachment.key_id = current
            attachment.save(update_fields=["key_id"])
        done += 1
    return done


def attachments_unreadable() -> tuple[int, list[str]]:
    """Every evidence file opened with the configured keys and checked against its SHA-256:
    (how many, ids of those that fail)."""
    checked, failed = 0, []
    for attachment in Attachment.objects.iterator(chunk_size=200):
        checked += 1
        try:
            _verified_content(attachment)
        except EvidenceIntegrityError:
            failed.append(str(attachment.pk))
    return checked, failed
