"""Sending e-mail through Django's backend and recording it in the outbox, in the caller's transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import transaction

from core.identity_parts import identity_fill
from core.models import Mission, OutboundEmail


def message_id_for(kind: str, key: str) -> str:
    """A stable Message-ID: a message re-sent after a crash carries the same id, so mail
    systems can recognise the copy."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1] or "sea-cases.local"
    return f"<{kind}.{key}@{domain}>"


def send_and_record(
    *, to: list[str], subject: str, text: str, html: str = "", message_id: str, mission: Mission | None = None,
    related=None, related_label: str = "", personal: dict[str, tuple[str, str]] | None = None,
) -> OutboundEmail:
    """Send, then record. Raises whatever the backend raises (SMTP down): nothing is recorded then,
    and the caller's transaction (which marks its own row sent) rolls back with it.

    `text` and `html` may hold identity placeholders (`core.identity_parts`): the recipient gets
    them filled, the outbox keeps the placeholders, never the identity. `personal` maps a marker in
    the texts to (what the recipient gets, what the outbox keeps): a secret such as an answer link
    or a one-time code goes out but is never stored."""
    if not to:
        raise ValueError("no recipient: nothing is sent or recorded")
    sent_text, sent_html = _personalised(text, personal, sent=True), _personalised(html, personal, sent=True)
    text, html = _personalised(text, personal, sent=False), _personalised(html, personal, sent=False)
    message = _message(subject, identity_fill(sent_text).text, identity_fill(sent_html, html=True).text, to, message_id)
    message.stored_copy = _message(subject, text, html, to, message_id)
    with transaction.atomic():
        record = OutboundEmail(
            message_id=message_id, recipients=to, subject=subject, body=text, mission=mission,
            related_type=related._meta.label_lower if related is not None else "",
            related_id=str(related.pk) if related is not None else "", related_label=related_label,
        )
        record.save(force_insert=True)  # unique message_id: a second send of the same message fails here
        message.send()
    return record


def _personalised(text: str, personal: dict[str, tuple[str, str]] | None, *, sent: bool) -> str:
    for marker, (sent_value, stored_value) in (personal or {}).items():
        text = text.replace(marker, sent_value if sent else stored_value)
    return text


def _message(subject: str, text: str, html: str, to: list[str], message_id: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers={"Message-ID": message_id})
    if html:
        message.attach_alternative(html, "text/html")
    return message


class OutboxFileBackend(FileBackend):
    """The demo's stand-in for a mail server: one file per message under EMAIL_FILE_PATH, written
    as the outbox keeps it (identity as placeholders), so the demo's folder never holds identity."""

    def write_message(self, message) -> None:
        super().write_message(getattr(message, "stored_copy", message))
