"""The scope of export jobs: an export is its requester's alone, and only until it expires."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExportJobQuerySet:
        if not (user.is_authenticated and user.is_active and user.has_perm("reporting.view_reports")):
            return self.none()
        return self.filter(requested_by=user).exclude(expires_at__lte=timezone.now())

    def expired(self) -> ExportJobQuerySet:
        return self.filter(expires_at__lte=timezone.now())
