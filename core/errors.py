"""The domain's refusals, raised by services and selectors and mapped to answers in one place per
interface: pages by `core.middleware.DomainErrorMiddleware`, the API by `core.api.exception_handler`.

- `NotFound`: absent, or not the actor's to see or change: outside their operations, or of a kind
  their role may not change (`<Model>.objects.editable_by`); the two are not told apart: 404.
- `NotPermitted`: the record is the actor's to change, but the action needs a right of its own
  that they lack (approving a referral): 403.
- `Conflict`: the record's state does not allow it now (`core.locking.StaleEditError`): 409.
- Invalid input stays Django's `ValidationError` (messages per field, shown by forms through
  `core.forms.add_service_errors`, 400 in the API).
"""

from __future__ import annotations

import functools

from django.db import OperationalError, transaction

# PostgreSQL aborts one of two transactions that wait on each other (deadlock_detected) or that a
# serializable schedule cannot order (serialization_failure); either succeeds if run again.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
TRANSACTION_ATTEMPTS = 3


def _retryable(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


def _retried(service):
    """The service's transaction, run again when the database aborted it only to break a deadlock:
    the person's action is saved rather than answered with the outage page. Not inside an outer
    transaction (which is aborted as a whole, and is its owner's to retry)."""

    @functools.wraps(service)
    def run(**kwargs):
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return service(**kwargs)
            except OperationalError as error:
                if attempt == TRANSACTION_ATTEMPTS or not _retryable(error) or transaction.get_connection().in_atomic_block:
                    raise
        raise AssertionError("unreachable")

    return run


class DomainError(Exception):
    """Base of the refusals below; the message is safe to show."""


class NotFound(DomainError):
    """No such record for this actor."""


class NotPermitted(DomainError):
    """The actor may see the record but not do this."""


class Conflict(DomainError):
    """The record changed, or is in a state that does not allow this."""


def checked(check, *, atomic: bool = True):
    """Decorate a write service: `check(**kwargs)` (the actor's scope and rights, raising the errors
    above) runs first, outside the transaction, so the audit row of a refused access is kept; then
    the service runs in one transaction (`atomic=False` for a service that opens its own, because
    something it audits before refusing must survive the refusal)."""

    def decorate(service):
        body = _retried(service) if atomic else service

        @functools.wraps(service)
        def run(**kwargs):
            check(**kwargs)
            return body(**kwargs)

        return run

    return decorate
