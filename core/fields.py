"""Model fields whose values are stored encrypted (see core.crypto).

Values are decrypted lazily, on attribute access, because the associated data needs the
row's primary key (which `from_db_value` cannot see) and because list pages should never
pay for, or risk, decrypting identity they do not show. Models using these fields must
have their primary key assigned before the first save (a UUID default).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from core.crypto import keyring


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

    def open(self, instance: models.Model, sealed: str) -> str:
        return keyring().decrypt(sealed, self.associated_data(instance))

    def seal(self, instance: models.Model, plaintext: str) -> Sealed:
        return Sealed(keyring().encrypt(plaintext, self.associated_data(instance)))

    def from_db_value(self, value: str | None, expression, connection) -> Sealed | None:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            # Unchanged ciphertext is written back as it is (same row, same binding).
            return value
        return self.seal(model_instance, str(value))

    def sealed_value(self, instance: models.Model) -> str | None:
        """The stored ciphertext, decrypting nothing (for rotation and dumps)."""
        value = instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        return self.seal(instance, str(value))

    def value_to_string(self, obj: models.Model) -> str | None:
        # Serialisers (dumpdata) get ciphertext, never plaintext.
        return self.sealed_value(obj)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return str(value)
        raise TypeError("encrypted fields are written through model.save(), never compared or updated in SQL")

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # searching ciphertext is meaningless; use a blind index
