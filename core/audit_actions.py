"""The audit trail in words: every action code the application writes, with its label, and the records
the audit page can be narrowed to (an allegation, a victim).

Core names no app above it: it holds the registries and its own actions; each app adds the labels of
the actions it writes and the records it can be searched by, from its `AppConfig.ready()`
(`audit_actions_register`, `audit_subject_register`). tests/core/test_audit_action_labels.py fails on
an action code written anywhere without a label here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import CharField, Q, QuerySet, UUIDField, Value
from django.db.models.functions import Cast, Concat, Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# code -> label. Core's own actions; the apps' are added at start-up.
AUDIT_ACTIONS: dict[str, Promise] = {
    "access_denied": _("Access refused"),
    "access_granted": _("Access granted"),
    "access_requested": _("Access requested"),
    "access_request_rejected": _("Access request rejected"),
    "access_revoked": _("Access revoked"),
    "audit_chain_verified": _("Audit trail checked (verify_audit)"),
    "decryption_failed": _("Encrypted data could not be read"),
    "password_reset_link_sent": _("Password-reset link sent"),
    "user_create": _("User account created"),
}


def audit_actions_register(labels: dict[str, Promise]) -> None:
    """An app's actions and their labels, from its `AppConfig.ready()`. One code, one meaning: a code
    registered twice with another label is a mistake."""
    for code, label in labels.items():
        if code in AUDIT_ACTIONS and AUDIT_ACTIONS[code] != label:
            raise ValueError(f"audit action {code!r} is already labelled {AUDIT_ACTIONS[code]!r}")
        AUDIT_ACTIONS[code] = label


def action_label(code: str) -> str:
    """The action in words; an unknown code (an old event, a removed action) reads as itself."""
    label = AUDIT_ACTIONS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


def action_choices() -> list[tuple[str, str]]:
    """Every known action, by label in the active language (what the audit page's select lists)."""
    return sorted(((code, str(label)) for code, label in AUDIT_ACTIONS.items()), key=lambda c: c[1].casefold())


@dataclass
class AuditSubject:
    """A record the audit page can be narrowed to, by the number people know it by (`?allegation=
    CAF-2016-0007`, `?victim=V-2016-0001`). `find(number)` is that record (one query) or None; each app
    that keeps something belonging to it adds a part, `part(record) -> Q` on AuditEvent, the events about
    what it keeps (subqueries, no query of its own): the page's query count does not grow with the record."""

    name: str
    label: Promise
    help_text: Promise
    unknown: Promise  # the field's error when no record has that number
    find: Callable[[str], Any | None]
    parts: list[Callable[[Any], Q]] = field(default_factory=list)

    def events(self, number: str) -> Q | None:
        record = self.find(number)
        if record is None:
            return None
        return reduce(operator.or_, (part(record) for part in self.parts), Q(pk__in=[]))


AUDIT_SUBJECTS: dict[str, AuditSubject] = {}


def audit_subject_register(subject: AuditSubject) -> None:
    """The app that owns the record, from its `AppConfig.ready()` (the parts it keeps included)."""
    AUDIT_SUBJECTS[subject.name] = subject


def audit_subject_part_register(name: str, part: Callable[[Any], Q]) -> None:
    """An app above the owner adds the events about what it keeps of that record (a referral of an
    allegation, a notice naming a victim)."""
    AUDIT_SUBJECTS[name].parts.append(part)


def events_on(obj) -> Q:
    """Events whose object is this record."""
    return Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def events_about(records: QuerySet) -> Q:
    """Events whose object is one of these records: their ids as text (the trail's `object_id`), in a
    subquery, so no query here."""
    return Q(object_type=records.model._meta.label_lower,
             object_id__in=records.order_by().annotate(_text_id=_pk_as_text(records.model)).values("_text_id"))


def _pk_as_text(model):
    """The primary key as `str(pk)` writes it into the trail, in SQL. SQLite (the embedded default)
    keeps a UUID as 32 hex digits, without the dashes `str()` puts in: they are put back."""
    as_text = Cast("pk", CharField())
    if not isinstance(model._meta.pk, UUIDField) or connection.vendor == "postgresql":
        return as_text
    pieces = [Substr(as_text, start, length) for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
    dashed = [pieces[0]]
    for piece in pieces[1:]:
        dashed += [Value("-"), piece]
    return Concat(*dashed, output_field=CharField())
