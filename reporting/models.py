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


class StatisticsRelease(models.Model):
    """The statistics of a year as the office published them, through the disclosure gate: kept as
    they were, never edited (a correction is a new release of the same year)."""

    year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()  # 1 for a year's first release, then 2, ...
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    data = models.JSONField()  # reporting.statistics.release_data: shown values, names, the disclosure report

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="one_release_number_per_year")]
        permissions = [("publish_statistics", _("Can publish the statistics of a year"))]

    def __str__(self) -> str:
        return f"{self.year} release {self.number}"

    def grand_total(self, table_name: str):
        """The bottom-right cell of a published table (a count, or the mark hiding it); None if withheld."""
        found = next((t for t in self.data["tables"] if t["name"] == table_name), None)
        return found["cells"][-1][-1] if found else None
