from django.core.checks import Error, register
from django.db import DatabaseError

from core.crypto import keyring
from core.fields import encrypted_fields, key_ids_in_use, models_with_encrypted_fields
from core.rotation import sealed_stores


@register("security")
def encryption_keys_configured(app_configs, **kwargs) -> list[Error]:
    """Stored values under a key that is no longer configured can never be read again."""
    try:
        configured = set(keyring().keys)
    except Exception as exc:  # noqa: BLE001 - reported as a check error, not a crash
        return [Error(f"Encryption keys are not usable: {exc}", id="core.E001")]
    errors = []
    for model in models_with_encrypted_fields():
        for field in encrypted_fields(model):
            try:
                in_use = key_ids_in_use(model, field)
            except DatabaseError:
                return errors  # tables not migrated yet
            for kid in sorted(set(in_use) - configured):
                errors.append(
                    Error(
                        f"{in_use[kid]} value(s) of {model._meta.label}.{field.name} are encrypted under key "
                        f"{kid!r}, which is not configured.",
                        hint="Add the key back to SEA_FIELD_KEYS (after the current one) and run rotate_keys.",
                        id="core.E002",
                    )
                )
    for store in sealed_stores:
        try:
            in_use = store.key_ids_in_use()
        except DatabaseError:
            return errors
        for kid in sorted(set(in_use) - configured):
            errors.append(Error(f"{in_use[kid]} {store.label} are sealed under key {kid!r}, which is not configured.",
                                hint="Add the key back to SEA_FIELD_KEYS (after the current one) and run rotate_keys.",
                                id="core.E003"))
    return errors
