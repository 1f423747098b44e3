"""Sending e-mail through Django's backend and recording it in the outbox, in the caller's transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from core.models import Mission, OutboundEmail


def message_id_for(kind: str, key: str) -> str:
    """A stable Message-ID: a message re-sent after a crash carries the same id, so mail
    systems can recognise the copy."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1] or "sea-cases.local"
    return f"<{kind}.{key}@{domain}>"


def send_and_record(
    *, to: list[str], subject: str, text: str, html: str = "", message_id: str, mission: Mission | None = None,
    related=None, related_label: str = "",
) -> OutboundEmail:
    """Send, then record. Raises whatever the backend raises (SMTP down): nothing is recorded then,
    and the caller's transaction (which marks its own row sent) rolls back with it."""
    if not to:
        raise ValueError("no recipient: nothing is sent or recorded")
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers={"Message-ID": message_id})
    if html:
        message.attach_alternative(html, "text/html")
    with transaction.atomic():
        record = OutboundEmail(
            message_id=message_id, recipients=to, subject=subject, body=text, mission=mission,
            related_type=related._meta.label_lower if related is not None else "",
            related_id=str(related.pk) if related is not None else "", related_label=related_label,
        )
        record.save(force_insert=True)  # unique message_id: a second send of the same message fails here
        message.send()
    return record
