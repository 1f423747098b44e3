"""Optimistic locking: an edit applies only to the version the user saw."""

from django.db import models
from django.utils.translation import gettext as _

from core.errors import Conflict


class StaleEditError(Conflict):
    """The record changed since the form was loaded; nothing was written."""


def lock_current_version(model: type[models.Model], pk, expected_version: int, *, label: str = "") -> models.Model:
    """The row, locked until the transaction ends, if nobody saved since `expected_version`."""
    current = model._base_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise StaleEditError(
            _("%(record)s was changed by someone else since you opened it. Reload it, then make your change again.")
            % {"record": label or str(current)}
        )
    return current


def submitted_version(request) -> int:
    """The version a form was rendered with; anything unreadable counts as stale, never as a crash."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1
