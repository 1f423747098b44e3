"""Identity is never copied into stored text (DESIGN.md): a stored notice or e-mail holds a
placeholder per person, `[[identity:<uuid>]]`, and the identity it quoted is sealed apart in an
`IdentityPart`. Text is filled at read or send time; after a person's parts are erased, their
placeholders read "identity erased" wherever they stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

from core.models import IdentityPart

PLACEHOLDER = re.compile(r"\[\[identity:([0-9a-f-]{36})\]\]")


def identity_part_seal(*, subject, text: str) -> str:
    """Seal `text` (one person's identity as quoted) and return the placeholder to store instead."""
    part = IdentityPart.objects.create(subject_type=subject._meta.label_lower, subject_id=str(subject.pk), text=text)
    return f"[[identity:{part.pk}]]"


@dataclass(frozen=True)
class Filled:
    text: str
    subjects: frozenset[tuple[str, str]]  # (type, id) of the people whose identity the text now shows


def identity_fill(text: str, *, html: bool = False, shown: Callable[[str, str], bool] | None = None,
                  withheld: str = "") -> Filled:
    """The text with each placeholder replaced by the identity it stands for (escaped for HTML), or
    by a note where that identity was erased. One query, whatever the number of placeholders.
    `shown(subject_type, subject_id)`: whose identity may be filled in now (a consent withdrawn since
    the text was written); the others read `withheld`."""
    ids = set(PLACEHOLDER.findall(text))
    if not ids:
        return Filled(text, frozenset())
    parts = {str(part.pk): part for part in IdentityPart.objects.filter(pk__in=ids)
             if shown is None or shown(part.subject_type, part.subject_id)}
    erased = _("[identity erased]")

    def replace(match: re.Match) -> str:
        part = parts.get(match.group(1))
        if part is None and shown is not None:
            value = withheld  # not shown, or erased: the reader learns neither which nor why
        else:
            value = part.text if part is not None else erased
        return escape(value) if html else value

    return Filled(PLACEHOLDER.sub(replace, text),
                  frozenset((part.subject_type, part.subject_id) for part in parts.values()))


def identity_parts_erase(*, subject) -> int:
    """Every quotation of this person's identity, in every stored text, at once."""
    deleted, _per_model = IdentityPart.objects.filter(subject_type=subject._meta.label_lower,
                                                      subject_id=str(subject.pk)).delete()
    return deleted
