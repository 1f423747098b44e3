"""Retention: erase victims' identity once every case they are part of has been closed for
SEA_RETENTION_DAYS. Statistics (sex, age group per allegation, child flags) are kept, so the
annex tables do not change. Each victim is erased in its own transaction: a crash mid-run loses
nothing and a second run finds only what is left (idempotent)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from allegations.attachments import attachment_delete
from allegations.choices import CLOSED_STATUSES
from allegations.models import Allegation, Attachment
from core.audit import audit_record
from core.identity_parts import identity_parts_erase
from victims.choices import ALL_IDENTITY_FIELDS
from victims.models import AssistanceNeed, Victim, VictimAllegation, VictimContact

# Every identity-bearing field goes; sex, age at incident and age groups stay for the statistics.
# Text is sealed empty; a date cannot be, so it is nulled.
NULLED_FIELDS = ("date_of_birth",)
ERASED_TEXT_FIELDS = tuple(name for name in ALL_IDENTITY_FIELDS if name not in NULLED_FIELDS)
INDEX_FIELDS = ("name_index", "name_dob_index")


def expired_allegations(now: datetime.datetime) -> QuerySet[Allegation]:
    """Allegations closed (last move to a closed status) longer ago than the retention period."""
    cutoff = now - datetime.timedelta(days=settings.SEA_RETENTION_DAYS)
    return (
        Allegation.objects.closed()
        .annotate(closed_at=Max("status_changes__changed_at", filter=Q(status_changes__to_status__in=CLOSED_STATUSES)))
        .filter(closed_at__lt=cutoff)
    )


def retention_candidates(now: datetime.datetime) -> QuerySet[Victim]:
    """Victims not yet erased whose every linked allegation is expired (one open or recent case keeps them)."""
    expired = expired_allegations(now).values("pk")
    return (
        Victim.objects.filter(identity_erased_at__isnull=True, links__isnull=False)
        .exclude(links__in=VictimAllegation.objects.exclude(allegation__in=expired))
        .distinct()
    )


def expired_attachments(now: datetime.datetime) -> QuerySet[Attachment]:
    """Evidence files of expired allegations none of whose victims keeps an identity."""
    keeping = VictimAllegation.objects.filter(victim__identity_erased_at__isnull=True).values("allegation_id")
    return Attachment.objects.filter(allegation__in=expired_allegations(now).values("pk")).exclude(
        allegation__in=keeping
    )


def _mission_of(victim_id) -> str:
    link = VictimAllegation.objects.filter(victim_id=victim_id).select_related("allegation__mission").first()
    return link.allegation.mission.name if link else "—"


def _age_at_first_incident(victim: Victim) -> int:
    first = min((link.allegation.incident_date or link.allegation.date_received
                 for link in victim.links.select_related("allegation")), default=timezone.localdate())
    dob = victim.date_of_birth
    return first.year - dob.year - ((first.month, first.day) < (dob.month, dob.day))


def _erase_one(victim_id, now: datetime.datetime) -> bool:
    """Erase one victim under a row lock; False if it was taken by another run or is no longer due."""
    with transaction.atomic():
        # Lock first, then re-check: a concurrent run skips this row, a changed case (reopened link) is left alone.
        victim = Victim.objects.select_for_update(skip_locked=True).filter(pk=victim_id).first()
        if victim is None or not retention_candidates(now).filter(pk=victim_id).exists():
            return False
        # Stored notices and their e-mails quoted the identity only through sealed parts.
        identity_parts_erase(subject=victim)
        if victim.age_at_incident is None and victim.date_of_birth is not None:
            # The age groups were derived from the date of birth: keep the age itself, so nothing
            # that recomputes them later (an incident date corrected) loses the statistic.
            victim.age_at_incident = _age_at_first_incident(victim)
        for name in ERASED_TEXT_FIELDS:
            setattr(victim, name, "")  # sealed as an empty ciphertext, bound to the row as before
        for name in NULLED_FIELDS:
            setattr(victim, name, None)
        for name in INDEX_FIELDS:
            setattr(victim, name, "")  # no blind index left to match a name against
        victim.identity_erased_at = now
        victim.save(update_fields=[*ERASED_TEXT_FIELDS, *NULLED_FIELDS, *INDEX_FIELDS, "identity_erased_at",
                                   "age_at_incident"])
        # Free text about the person: contact log and assistance notes.
        for contact in VictimContact.objects.filter(victim=victim):
            contact.content = ""
            contact.save(update_fields=["content"])
        for need in AssistanceNeed.objects.filter(victim=victim):
            need.notes = ""
            need.save(update_fields=["notes"])
        audit_record(action="retention_erase_identity", obj=victim,
                     detail={"retention_days": settings.SEA_RETENTION_DAYS})
    return True


def retention_erase(*, dry_run: bool, now: datetime.datetime | None = None) -> dict:
    """Erase (or, dry run, count) what the retention policy makes due. The report has counts only."""
    now = now or timezone.now()
    victims: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for victim_id in list(retention_candidates(now).values_list("pk", flat=True)):
        if dry_run or _erase_one(victim_id, now):
            victims[_mission_of(victim_id)] += 1
    # After the victims: a dry run counts the files their erasure would release.
    if dry_run:
        due = set(retention_candidates(now).values_list("pk", flat=True))
        keeping = VictimAllegation.objects.filter(victim__identity_erased_at__isnull=True).exclude(victim_id__in=due)
        attachments = Attachment.objects.filter(allegation__in=expired_allegations(now).values("pk")).exclude(
            allegation__in=keeping.values("allegation_id"))
    else:
        attachments = expired_attachments(now)
    for attachment in attachments.select_related("allegation__mission"):
        if not dry_run:
            attachment_delete(actor=None, attachment=attachment)
        files[attachment.allegation.mission.name] += 1
    report = {
        "dry_run": dry_run,
        "retention_days": settings.SEA_RETENTION_DAYS,
        "victims": sum(victims.values()),
        "attachments": sum(files.values()),
        "by_mission": {
            mission: {"victims": victims[mission], "attachments": files[mission]}
            for mission in sorted(set(victims) | set(files))
        },
    }
    if not dry_run:
        audit_record(action="retention_erase_run", object_type="victims.victim", detail=report)
    return report
