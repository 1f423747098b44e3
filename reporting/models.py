import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.choices import IN_PROGRESS_STATUSES, ExportStatus
from reporting.querysets import ExportJobQuerySet


class ExportJob(models.Model):
    """A large annex export built in the background; only its requester may download it, until it expires."""

    Status = ExportStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_reports", _("Can see the dashboards and export the annex tables"))]

    @property
    def in_progress(self) -> bool:
        """Queued or running: the job page refreshes itself until it is done or failed."""
        return self.status in IN_PROGRESS_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def path(self):
        return settings.SEA_EXPORT_DIR / f"{self.pk}.bin"
