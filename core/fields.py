"""Model fields whose values are stored encrypted (see core.crypto).

Values are decrypted lazily, on attribute access, because the associated data needs the
row's primary key (which `from_db_value` cannot see) and because list pages should never
pay for, or risk, decrypting identity they do not show. Models using these fields must
have their primary key assigned before the first save (a UUID default).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.functions import StrIndex, Substr
from django.db.models.query_utils import DeferredAttribute

from core.crypto import FORMAT_VERSION, keyring


class Sealed(str):
    """A ciphertext loaded from the database and not yet opened."""


class EncryptedAttribute(DeferredAttribute):
    """A data descriptor (it defines __set__), so reads always pass through __get__ and get opened."""

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedTextField(models.TextField):
    descriptor_class = EncryptedAttribute

    def associated_data(self, instance: models.Model) -> bytes:
        if instance.pk is None:
            raise ImproperlyConfigured(f"{instance.__class__.__name__} needs its primary key before encryption")
        return f"{self.model._meta.db_table}|{self.column}|{instance.pk}".encode()

    # Subclasses store other Python types as text inside the ciphertext.
    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> Any:
        return text

    def open(self, instance: models.Model, sealed: str) -> Any:
        return self.from_plaintext(keyring().decrypt(sealed, self.associated_data(instance)))

    def seal(self, instance: models.Model, value: Any) -> Sealed:
        return Sealed(keyring().encrypt(self.to_plaintext(value), self.associated_data(instance)))

    def from_db_value(self, value: str | None, expression, connection) -> Sealed | None:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            # Unchanged ciphertext is written back as it is (same row, same binding).
            return value
        return self.seal(model_instance, value)

    def sealed_value(self, instance: models.Model) -> str | None:
        """The stored ciphertext, decrypting nothing (for rotation and dumps)."""
        value = instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        return self.seal(instance, value)

    def value_to_string(self, obj: models.Model) -> str | None:
        # Serialisers (dumpdata) get ciphertext, never plaintext.
        return self.sealed_value(obj)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return str(value)
        raise TypeError(
            "encrypted fields are written through model.save(), never compared or updated in SQL "
            "(a new encrypted column on an existing table must be null=True: no SQL default can be encrypted per row)"
        )

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # searching ciphertext is meaningless; use a blind index


class EncryptedDateField(EncryptedTextField):
    """A date kept as ISO text inside the ciphertext (a date of birth is identity)."""

    def to_plaintext(self, value: datetime.date) -> str:
        return value.isoformat()

    def from_plaintext(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)

    def formfield(self, **kwargs):
        from django import forms

        return forms.DateField(required=not self.blank, label=self.verbose_name, **kwargs)

    def to_python(self, value: Any) -> Any:
        return value


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def models_with_encrypted_fields() -> list[type[models.Model]]:
    from django.apps import apps

    return [m for m in apps.get_models() if encrypted_fields(m)]


def key_id_expression(field: EncryptedTextField):
    """SQL for the key id inside `sea1:<kid>:<body>`, so key usage is counted without decrypting."""
    after_version = Substr(field.attname, len(FORMAT_VERSION) + 2)
    return Substr(after_version, 1, StrIndex(after_version, models.Value(":")) - 1)


def key_ids_in_use(model: type[models.Model], field: EncryptedTextField) -> dict[str, int]:
    rows = (
        model._base_manager.filter(**{f"{field.attname}__isnull": False})
        .annotate(kid=key_id_expression(field))
        .values("kid")
        .annotate(n=models.Count("pk"))
        .order_by()
    )
    return {row["kid"]: row["n"] for row in rows}
