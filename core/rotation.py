"""Re-encrypting stored values under the current key, in small resumable batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, models, transaction

from core.crypto import key_id_of, keyring
from core.fields import (
    Sealed,
    encrypted_fields,
    key_id_expression,
    key_ids_in_use,
    models_with_encrypted_fields,
)


@dataclass(frozen=True)
class SealedStore:
    """Something sealed with the field keys outside an encrypted column (evidence files): which keys
    it uses, and how to re-seal under the current one. Higher apps register theirs at start-up,
    so the check and `rotate_keys` cover them without core importing upwards."""

    label: str
    key_ids_in_use: Callable[[], dict[str, int]]
    reseal: Callable[[str], int]  # current key id -> how many items were re-sealed
    unreadable: Callable[[], tuple[int, list[str]]]  # -> (how many checked, ids that fail to open)


sealed_stores: list[SealedStore] = []


@dataclass
class RotationProgress:
    model: str
    done: int
    remaining: int


def stale_count(model: type[models.Model], current: str) -> int:
    return sum(n for field in encrypted_fields(model) for kid, n in key_ids_in_use(model, field).items() if kid != current)


def _stale_rows(model: type[models.Model], current: str) -> models.QuerySet:
    fields = encrypted_fields(model)
    queryset = model._base_manager.annotate(**{f"_kid_{f.attname}": key_id_expression(f) for f in fields})
    stale = models.Q()
    for field in fields:
        stale |= models.Q(**{f"{field.attname}__isnull": False}) & ~models.Q(**{f"_kid_{field.attname}": current})
    return queryset.filter(stale)


def _write_ciphertexts(model: type[models.Model], rows: list[models.Model], attnames: list[str]) -> None:
    """Write the new ciphertexts directly (Model.save and bulk_update would decrypt them again).

    executemany is pipelined by psycopg 3: one round trip for the batch.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(a)} = %s" for a in attnames)
    # Names come from the model schema (quoted), values are bound parameters (bandit B608: false positive).
    sql = f"UPDATE {table} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608  # nosec B608
    pk_field = model._meta.pk
    params = [
        [None if row.__dict__.get(a) is None else str(row.__dict__[a]) for a in attnames]
        + [pk_field.get_db_prep_value(row.pk, connection)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def rotate_model(model: type[models.Model], *, batch_size: int = 500) -> Iterator[RotationProgress]:
    """Each batch locks its rows, re-encrypts what is not under the current key, and commits.

    Writes that happen meanwhile use the current key already, and the row locks stop a
    batch from overwriting a concurrent edit; an interrupted run simply starts again
    where values are still stale.
    """
    current = keyring().current_id
    fields = encrypted_fields(model)
    remaining = stale_count(model, current)  # counted once: a count per batch would rescan the table
    done = 0
    last_pk = None
    while True:
        with transaction.atomic():
            batch = _stale_rows(model, current).select_for_update(of=("self",)).order_by("pk")
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            rows = list(batch.only("pk", *[f.attname for f in fields])[:batch_size])
            if not rows:
                break
            changed: set[str] = set()
            rotated = 0
            for row in rows:
                for field in fields:
                    sealed = row.__dict__.get(field.attname)
                    if isinstance(sealed, Sealed) and key_id_of(sealed) != current:
                        # Store the new ciphertext itself, so one bulk UPDATE writes the batch.
                        row.__dict__[field.attname] = field.seal(row, field.open(row, sealed))
                        changed.add(field.attname)
                        rotated += 1
            if changed:
                _write_ciphertexts(model, rows, sorted(changed))
            remaining -= rotated
            done += len(rows)
            last_pk = rows[-1].pk
        yield RotationProgress(model=model._meta.label, done=done, remaining=max(remaining, 0))


def unreadable_values() -> tuple[int, list[str]]:
    """Decrypt every stored value and sealed file: (how many were checked, `label:id` of each failure).
    After a restore, this proves the keys and the data belong together."""
    from core.crypto import DecryptionError

    checked, failures = 0, []
    for model in models_with_encrypted_fields():
        names = [field.name for field in encrypted_fields(model)]
        for row in model._base_manager.only("pk", *names).iterator(chunk_size=500):
            for name in names:
                checked += 1
                try:
                    getattr(row, name)
                except DecryptionError:
                    failures.append(f"{model._meta.label}.{name}:{row.pk}")
    for store in sealed_stores:
        count, failed = store.unreadable()
        checked += count
        failures += [f"{store.label}:{item}" for item in failed]
    return checked, failures


def rotate_all(*, batch_size: int = 500, report: Callable[[RotationProgress], None] = lambda p: None) -> int:
    """Rotate every encrypted column; returns how many values are still under another key (0 when done)."""
    for model in models_with_encrypted_fields():
        for progress in rotate_model(model, batch_size=batch_size):
            report(progress)
    current = keyring().current_id
    for store in sealed_stores:
        done = store.reseal(current)
        report(RotationProgress(model=store.label, done=done, remaining=0))
    stale_files = sum(n for store in sealed_stores for kid, n in store.key_ids_in_use().items() if kid != current)
    return sum(stale_count(model, current) for model in models_with_encrypted_fields()) + stale_files
