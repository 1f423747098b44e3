"""Exports of the annex: audited, scoped to the user, in the background when large."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext

from allegations.models import Allegation, AllegationType, Status
from core.audit import AuditContext, audit_record
from core.queue import enqueue_on_commit
from referrals.querysets import pending_referrals
from reporting.annex import SUMMARY_COLUMNS, Annex, AnnexFilters, annex_allegations, build_annex
from reporting.choices import PRINT, ExportFormat
from reporting.exports import render
from reporting.models import ExportJob, StatisticsRelease
from reporting.statistics import gated_statistics, release_data
from reporting.stages import (
    StageMedian,
    StallRow,
    stage_medians,
    stage_medians_by_force,
    stage_medians_by_member_state,
)


def reports_scope(user):
    """What a report may count: the allegations the user may see (all of them for headquarters)."""
    return Allegation.objects.visible_to(user)


def annex_file(base, *, year: int, fmt: str, table: str = "", filters: AnnexFilters = AnnexFilters(),
               language: str | None = None) -> tuple[Annex, bytes, str, str]:
    """Build and write one export: (annex, content, content type, file name). CSV and XLSX are in
    `language` (default: the active one); JSON always in English, keys and values, for programs."""
    with translation.override("en" if fmt == ExportFormat.JSON else language or translation.get_language()):
        annex = build_annex(base, year=year, filters=filters)
        return (annex, *render(annex, fmt, table))


def export_audit(*, actor, annex: Annex, year: int, fmt: str, table: str = "", filters: AnnexFilters = AnnexFilters(),
                 via: str, audit: AuditContext | None = None, obj=None) -> None:
    """The one audit event of an export, whatever its format (csv, xlsx, json, print) and its way out
    (page, API, background job, command line)."""
    audit_record(action="export", actor=actor, audit=audit, obj=obj,
                 object_type="" if obj is not None else "reporting.annex", object_id="" if obj is not None else str(year),
                 detail={"year": year, "format": fmt, "table": table, "filters": filters.as_dict(),
                         "rows": len(annex.allegations), "via": via})


def export_now(*, user, year: int, fmt: str, table: str = "", filters: AnnexFilters, audit: AuditContext | None = None,
               via: str = "page") -> tuple[bytes, str, str]:
    annex, content, content_type, name = annex_file(reports_scope(user), year=year, fmt=fmt, table=table,
                                                    filters=filters)
    export_audit(actor=user, annex=annex, year=year, fmt=fmt, table=table, filters=filters, via=via, audit=audit)
    return content, content_type, name


def annex_printable(*, user, year: int, filters: AnnexFilters, audit: AuditContext | None = None) -> Annex:
    """The printable annex page: what leaves on paper is an export like any file, and audited as one."""
    annex = build_annex(reports_scope(user), year=year, filters=filters)
    export_audit(actor=user, annex=annex, year=year, fmt=PRINT, filters=filters, via="page", audit=audit)
    return annex


def export_is_large(*, user, year: int, filters: AnnexFilters) -> bool:
    return annex_allegations(reports_scope(user), year=year, filters=filters).count() > settings.SEA_EXPORT_BACKGROUND_ROWS


def export_job_start(*, user, year: int, fmt: str, table: str, filters: AnnexFilters,
                     audit: AuditContext | None = None) -> ExportJob:
    job = ExportJob.objects.create(
        requested_by=user,
        # The worker has no request: the file is written in the language of the page that asked.
        params={"year": year, "format": fmt, "table": table, "filters": filters.as_dict(),
                "language": translation.get_language() or settings.LANGUAGE_CODE},
        expires_at=timezone.now() + datetime.timedelta(hours=settings.SEA_EXPORT_TTL_HOURS),
    )
    audit_record(action="export_requested", actor=user, audit=audit, obj=job, detail=job.params)
    enqueue_on_commit("reporting.build_export", str(job.pk))  # broker down: the job waits, a sweep queues it again
    return job


def exports_to_requeue() -> list:
    """Export jobs still queued a while after they were asked for: their publish failed (broker down)
    or their worker was lost."""
    stale = timezone.now() - datetime.timedelta(minutes=settings.SEA_REMINDER_REQUEUE_MINUTES)
    return list(ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=stale,
                                         expires_at__gt=timezone.now()).values_list("pk", flat=True))


def export_job_build(job_id) -> None:
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return
    try:
        _build(job)
    except Exception:
        # The page must stop waiting; the error itself goes to the worker's log.
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)
        raise


def _build(job: ExportJob) -> None:
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=10)
    params = job.params
    annex, content, content_type, name = annex_file(
        reports_scope(job.requested_by), year=params["year"], fmt=params["format"], table=params["table"],
        filters=AnnexFilters(**params["filters"]), language=params.get("language", settings.LANGUAGE_CODE))
    settings.SEA_EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    job.path.write_bytes(content)
    job.path.chmod(0o600)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, progress=100, file_name=name,
                                               content_type=content_type, finished_at=timezone.now())
    export_audit(actor=job.requested_by, annex=annex, year=params["year"], fmt=params["format"], table=params["table"],
                 filters=AnnexFilters(**params["filters"]), via="background", obj=job)


def delete_expired_exports() -> int:
    expired = list(ExportJob.objects.expired())
    for job in expired:
        job.path.unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[j.pk for j in expired]).delete()
    return len(expired)


@dataclass
class Dashboard:
    year: int
    annex: Annex
    per_year: list[tuple[int, int]]  # (year, allegations), every year from the first to the last with data
    per_quarter: list[tuple[str, int]]
    by_type: list[tuple[str, str, int]]  # (code, label, allegations)
    by_status: list[tuple[str, str, int]]  # (code, label, allegations)
    victims: list[tuple[str, int]]
    referrals_pending: int
    referrals_overdue: int
    stages: list[StageMedian]  # receipt → referral → answer → outcome, for the year's allegations
    stall_by_force: list[StallRow]
    stall_by_member_state: list[StallRow]


def dashboard_year(user) -> int:
    """The year the dashboard opens on: the latest year with an allegation received in the user's scope
    (an office's new year starts empty), else this year."""
    latest = reports_scope(user).aggregate(latest=Max("date_received"))["latest"]
    return latest.year if latest else timezone.localdate().year


def per_year_counts(scope) -> list[tuple[int, int]]:
    """Allegations received per year, from the first year with data to the last: a year without any is a 0,
    not a gap the reader would not notice."""
    counts = dict(scope.annotate(y=ExtractYear("date_received")).values("y").annotate(n=Count("pk"))
                  .order_by().values_list("y", "n"))
    if not counts:
        return []
    return [(y, counts.get(y, 0)) for y in range(min(counts), max(counts) + 1)]


def dashboard_for(*, user, year: int, filters: AnnexFilters) -> Dashboard:
    scope = reports_scope(user)
    selected = annex_allegations(scope, year=year, filters=filters)
    annex = build_annex(scope, year=year, filters=filters)
    total = annex.summary[-1]
    quarters = dict(selected.annotate(q=ExtractQuarter("date_received")).values("q").annotate(n=Count("pk"))
                    .values_list("q", "n"))
    types = dict(selected.values("allegation_type").annotate(n=Count("pk")).values_list("allegation_type", "n"))
    statuses = dict(selected.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    # Counted as the pending page lists them (every year): the tiles link there.
    pending = pending_referrals(user=user)
    return Dashboard(
        year=year,
        annex=annex,
        per_year=per_year_counts(scope),
        per_quarter=[(gettext("Q%(quarter)d") % {"quarter": q}, quarters.get(q, 0)) for q in range(1, 5)],
        by_type=[(value, str(label), types.get(value, 0)) for value, label in AllegationType.choices],
        by_status=[(value, str(label), statuses.get(value, 0)) for value, label in Status.choices],
        victims=list(zip([gettext(c) for c in SUMMARY_COLUMNS[5:10]], total[5:10], strict=True)),
        referrals_pending=pending.count(),
        referrals_overdue=pending.overdue().count(),
        stages=stage_medians(selected),
        stall_by_force=stage_medians_by_force(selected),
        stall_by_member_state=stage_medians_by_member_state(selected),
    )


class ReleaseConflict(Exception):
    """Someone published the same year at the same moment: nothing was kept; publish again."""


def statistics_preview(year: int) -> dict:
    """What a release of the year would publish today (nothing is kept)."""
    return release_data(*gated_statistics(year))


def statistics_release_publish(*, actor, year: int, audit: AuditContext | None = None) -> StatisticsRelease:
    """Count the year, pass it through the disclosure gate and keep it as the year's next release, audited
    in the same transaction. Earlier releases stay as they were published, but only the newest is
    served: two releases of a year side by side would give away, cell by cell, what changed between
    them ("one more girl, Force A, third quarter"). For the same reason a year is published once it
    is over, so that a second release is a correction, not the next quarter."""
    if year >= timezone.localdate().year:
        raise ValidationError({"year": [gettext("%(year)s is not over yet: publish a year once it has ended.")
                                        % {"year": year}]})
    data = statistics_preview(year)
    try:
        with transaction.atomic():
            number = (StatisticsRelease.objects.filter(year=year).aggregate(Max("number"))["number__max"] or 0) + 1
            release = StatisticsRelease.objects.create(year=year, number=number, published_by=actor, data=data)
            audit_record(action="statistics_published", actor=actor, audit=audit, obj=release,
                         detail={"year": year, "number": number, "suppressed": len(data["suppressions"]),
                                 "withheld": data["withheld"]})
    except IntegrityError:
        raise ReleaseConflict from None
    return release
