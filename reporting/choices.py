"""The reporting app's vocabulary: export formats, the annex tables a CSV can hold, export job states.
Below the models: imports nothing of the project."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


# Not a choice anyone makes: the file several CSV tables arrive in, and the printed page's audit label.
ZIP = "zip"
PRINT = "print"

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ZIP: "application/zip",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.JSON: "application/json",
}


class AnnexTable(models.TextChoices):
    """One table alone in a CSV; none chosen means both, in a zip."""

    ALLEGATIONS = "allegations", "allegations"
    SUMMARY = "summary", "summary"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


# A job in these states is still being worked on: its page refreshes itself.
IN_PROGRESS_STATUSES = frozenset({ExportStatus.QUEUED, ExportStatus.RUNNING})


# The actions this app writes to the audit trail, in words (registered with core.audit_actions at start-up).
AUDIT_ACTIONS = {
    "export": _("Report exported"),
    "export_requested": _("Report export requested"),
    "export_download": _("Exported report downloaded"),
    "statistics_published": _("Statistics published"),
}


# --- the published statistics (reporting/statistics.py): the groups the annex Summary counts by ---


class TypeGroup(models.TextChoices):
    SE = "SE", _("Sexual exploitation")
    SA = "SA", _("Sexual abuse")
    OTHER = "OTHER", _("Other or unknown type")


class StatusGroup(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    PRELIMINARY = "preliminary", _("Preliminary assessment or under review")
    CLOSED_OTHER = "closed_other", _("Closed (other)")


class VictimGroup(models.TextChoices):
    WOMEN = "women", _("Women")
    GIRLS = "girls", _("Girls")
    MEN = "men", _("Men")
    BOYS = "boys", _("Boys")
    UNKNOWN = "unknown", _("Victims of unknown sex or age")
