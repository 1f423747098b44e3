"""The reporting channel: a person reports without an account, gets a receipt, and follows the report
with it; the office's field officers assess each report and decide what becomes of it.

The receipt is 16 digits, shown once; only its scrypt hash is stored (a fixed salt, so the hash is
also how a receipt finds its report: guessing 10^16 receipts at scrypt's cost is out of reach).
A wrong receipt, an expired one and one whose access the person ended get the same answer, after
the same work. Guesses and submissions are counted per address and in total (`core.throttle`)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import unicodedata
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allegations import hooks
from allegations.choices import (
    OPEN_REPORT_STATES,
    ContactWay,
    Milestone,
    ReportCloseReason,
    ReportQueueShow,
    ReportState,
    ReportSubmitter,
    Status,
)
from allegations.models import Allegation, IncomingReport, ReportMessage
from allegations.services import allegation_create
from core.audit import AuditContext, audit_record, get_in_scope_or_404, read_encrypted
from core.locking import lock_current_version
from core.models import Mission
from core.throttle import ALL_ADDRESSES, Throttle

RECEIPT_DIGITS = 16
RECEIPT_SALT = b"sea-cases/report-receipt/v1"
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # about 16 MB and tens of milliseconds a check
ACCESS_DAYS = 90  # after the last visit, the receipt opens nothing

# Submissions: over the soft limit a report is kept and marked as suspected spam; over the hard one the
# form is answered again, with what was typed, and "try again later".
SUBMISSIONS = Throttle("report-submissions", 10, 3600)
SUBMISSIONS_REFUSED = Throttle("report-submissions", 30, 3600)
# Over every address at once: a flood from many addresses is kept and marked, and only far above
# what the office receives in a year is the form closed for the hour.
ALL_SUBMISSIONS = Throttle("report-submissions-all", 500, 3600)
ALL_SUBMISSIONS_REFUSED = Throttle("report-submissions-all", 5000, 3600)
# Receipt checks: 20 wrong ones from an address lock it out for the hour, right receipts included.
# The limit over every address bounds the hashing work (some 40 ms a check: 20,000 an hour is about
# a fifth of a core); guessing one of 10^16 receipts from many addresses is hopeless anyway.
WRONG_RECEIPTS = Throttle("report-wrong-receipts", 20, 3600)
ALL_RECEIPT_CHECKS = Throttle("report-receipt-checks-all", 20_000, 3600)
# Messages from the person: enough for a conversation, not for flooding the officers' queue.
PERSON_MESSAGES = Throttle("report-person-messages", 30, 3600)

MAX_LENGTHS = {"what_happened": 10_000, "place": 500, "happened_when": 200, "unit": 200, "who": 2_000,
               "contact_details": 500, "contact_times": 200}
MESSAGE_MAX_LENGTH = 5_000


class TooManyRequests(Exception):
    """Over a hard limit: nothing is kept; the person is asked to try again later."""


class AlreadySent(Exception):
    """This form was sent before (its page refreshed): the report exists, its receipt was shown then."""


def submission_key_new() -> str:
    return secrets.token_urlsafe(24)


def _submission_hash(key: str) -> str | None:
    return hashlib.sha256(key.encode()).hexdigest() if key else None


# --- receipts ----------------------------------------------------------------------------------

def receipt_new() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def receipt_digits(typed: str) -> str:
    """What a person typed, without spaces or dashes (the slip prints it in groups of four), in ASCII
    digits whatever the keyboard wrote (Arabic-Indic ٠١٢, Eastern Arabic ۰۱۲ and others)."""
    return "".join(str(unicodedata.digit(ch)) for ch in typed if unicodedata.digit(ch, None) is not None)


def receipt_hash(receipt: str) -> str:
    return hashlib.scrypt(receipt.encode(), salt=RECEIPT_SALT, **SCRYPT).hex()


def receipt_in_groups(receipt: str) -> str:
    return " ".join(receipt[i:i + 4] for i in range(0, len(receipt), 4))


# --- submitting --------------------------------------------------------------------------------

def report_missions():
    """The operations a person can report about (the form's "where")."""
    return Mission.objects.filter(active=True).order_by("name")


def _errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (values.get("what_happened") or "").strip():
        errors["what_happened"] = [_("Tell us what happened, in your own words.")]
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name) or "") > limit:
            errors.setdefault(name, []).append(_("Please keep this under %(limit)s characters.") % {"limit": limit})
    way = values.get("contact_way") or ContactWay.NONE
    if way != ContactWay.NONE and not (values.get("contact_details") or "").strip() and way != ContactWay.IN_PERSON:
        errors["contact_details"] = [_("Tell us how to reach you, or choose “Do not contact me”.")]
    if values.get("mission") is None:
        errors["mission"] = [_("Choose the country where it happened.")]
    return errors


def report_submit(*, values: dict[str, Any], language: str, address: str | None, actor=None,
                  submission_key: str = "", audit: AuditContext | None = None) -> tuple[IncomingReport, str]:
    """Keep a report and give its receipt (returned once, never stored). `actor` is the signed-in person
    submitting for someone (assisted mode), None for the person themselves. `submission_key` is the
    form's: the same form sent again is refused as already sent."""
    errors = _errors(values)
    if errors:
        raise ValidationError(errors)
    submission_hash = _submission_hash(submission_key)
    if submission_hash and IncomingReport.objects.filter(submission_hash=submission_hash).exists():
        raise AlreadySent
    if SUBMISSIONS_REFUSED.exceeded(address) or ALL_SUBMISSIONS_REFUSED.exceeded(ALL_ADDRESSES):
        raise TooManyRequests
    suspected = actor is None and (SUBMISSIONS.exceeded(address) or ALL_SUBMISSIONS.exceeded(ALL_ADDRESSES))
    if actor is None:
        SUBMISSIONS.count(address)
        ALL_SUBMISSIONS.count(ALL_ADDRESSES)
    receipt = receipt_new()
    fields = {name: (values.get(name) or "").strip() for name in MAX_LENGTHS}
    try:
        with transaction.atomic():
            report = IncomingReport.objects.create(
                mission=values["mission"], force=values.get("force"),
                person_safe=values.get("person_safe") or "unknown",
                contact_way=values.get("contact_way") or ContactWay.NONE, language=language, suspected_spam=suspected,
                submitted_as=ReportSubmitter.ASSISTED if actor else ReportSubmitter.SELF, submitted_by=actor,
                receipt_hash=receipt_hash(receipt), submission_hash=submission_hash,
                access_until=timezone.now() + datetime.timedelta(days=ACCESS_DAYS), **fields)
            audit_record(action="report_submitted", actor=actor, audit=audit, obj=report,
                         detail={"mission": report.mission_id, "assisted": actor is not None,
                                 "suspected_spam": suspected})
    except IntegrityError:
        if submission_hash and IncomingReport.objects.filter(submission_hash=submission_hash).exists():
            raise AlreadySent from None  # the same form sent twice at once
        raise
    return report, receipt


# --- the person's side: the receipt opens the status page ---------------------------------------

def report_for_receipt(*, typed: str, address: str | None, audit: AuditContext | None = None) -> IncomingReport | None:
    """The report a receipt opens, or None: wrong, expired, ended (one answer, after the same hash and
    the same query), or this address locked out (the same answer at once: a locked-out address costs
    no hashing)."""
    if WRONG_RECEIPTS.exceeded(address) or ALL_RECEIPT_CHECKS.exceeded(ALL_ADDRESSES):
        return None  # the refusals that led to the lock are in the trail: a flood of guesses does not fill it
    ALL_RECEIPT_CHECKS.count(ALL_ADDRESSES)
    report = IncomingReport.objects.filter(receipt_hash=receipt_hash(receipt_digits(typed))).first()
    if report is None or report.access_ended_at is not None or report.access_until <= timezone.now():
        WRONG_RECEIPTS.count(address)
        audit_record(action="report_receipt_refused", audit=audit, outcome="denied",
                     object_type="allegations.incomingreport")
        return None
    return report


def report_visit(*, report: IncomingReport, audit: AuditContext | None = None) -> IncomingReport:
    """A visit with the receipt keeps access open for another 90 days."""
    IncomingReport.objects.filter(pk=report.pk).update(
        access_until=timezone.now() + datetime.timedelta(days=ACCESS_DAYS))
    audit_record(action="report_status_viewed", audit=audit, obj=report)
    return report


def report_still_open_to(report_id) -> IncomingReport | None:
    """The report behind a status session, unless its access has ended or expired since."""
    return IncomingReport.objects.filter(pk=report_id, access_ended_at__isnull=True,
                                         access_until__gt=timezone.now()).first()


def report_access_end(*, report: IncomingReport, audit: AuditContext | None = None) -> None:
    IncomingReport.objects.filter(pk=report.pk).update(access_ended_at=timezone.now())
    audit_record(action="report_access_ended", audit=audit, obj=report)


def _message_errors(body: str) -> None:
    if not body.strip():
        raise ValidationError({"body": [_("Write your message first.")]})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"body": [_("Please keep this under %(limit)s characters.") % {"limit": MESSAGE_MAX_LENGTH}]})


def report_message_from_person(*, report: IncomingReport, body: str, audit: AuditContext | None = None) -> ReportMessage:
    _message_errors(body)
    if PERSON_MESSAGES.exceeded(str(report.pk)):
        raise ValidationError({"body": [_("You have sent many messages in the last hour. Please wait a little: "
                                          "the Office reads them all.")]})
    PERSON_MESSAGES.count(str(report.pk))
    with transaction.atomic():
        message = ReportMessage.objects.create(report=report, from_office=False, body=body.strip())
        audit_record(action="report_message", audit=audit, obj=report, detail={"from_office": False})
    return message


@dataclass(frozen=True)
class Step:
    milestone: Milestone
    reached: bool
    current: bool


def _allegation_milestones(allegation: Allegation) -> set[str]:
    reached = set()
    if allegation.status in (Status.UNDER_INVESTIGATION, Status.SUBSTANTIATED, Status.NOT_SUBSTANTIATED):
        reached.add(Milestone.INVESTIGATION)
    if allegation.status in (Status.SUBSTANTIATED, Status.NOT_SUBSTANTIATED):
        reached.add(Milestone.OUTCOME)
    if allegation.status == Status.CLOSED_OTHER:
        reached.add(Milestone.CLOSED)
    return reached | hooks.report_milestones(allegation)


def report_milestones(report: IncomingReport) -> list[Step]:
    """The six plain steps, each reached or not. The steps of progress up to the furthest one reached
    count as passed (an investigation under way means the authority was informed); "closed" is its
    own end, which passes nothing it did not reach (a report closed at assessment was never referred).
    Once the report is an allegation, the steps follow the allegation and its referrals."""
    reached = {Milestone.RECEIVED}
    if report.state != ReportState.RECEIVED:
        reached.add(Milestone.ASSESSED)
    if report.state == ReportState.CLOSED:
        reached.add(Milestone.CLOSED)
    if report.allegation is not None:
        reached |= _allegation_milestones(report.allegation)
    progress = [m for m in Milestone if m != Milestone.CLOSED]
    furthest = max(progress.index(m) for m in reached if m in progress)
    closed = Milestone.CLOSED in reached
    steps = [Step(m, progress.index(m) <= furthest, not closed and progress.index(m) == furthest) for m in progress]
    return [*steps, Step(Milestone.CLOSED, closed, closed)]


# --- the office's side ----------------------------------------------------------------------------

def access_report(user, report_id, *, audit: AuditContext | None = None) -> IncomingReport:
    return get_in_scope_or_404(IncomingReport.objects.visible_to(user).select_related(
        "mission", "force", "allegation", "submitted_by", "assessed_by", "closed_by"), report_id, user=user, audit=audit)


def report_queue(user, *, show: str = ReportQueueShow.OPEN):
    """The incoming reports of the user's operations: by default those still to deal with; suspected
    spam last, newest first, with their message counts (one query for any number of reports)."""
    reports = IncomingReport.objects.visible_to(user).with_queue_data()
    if show == ReportQueueShow.OPEN:
        return reports.open()
    if show == ReportQueueShow.CONVERTED:
        return reports.filter(state=ReportState.CONVERTED).select_related("allegation")
    if show == ReportQueueShow.CLOSED:
        return reports.filter(state=ReportState.CLOSED)
    return reports.select_related("allegation")


def first_line(text: str, limit: int = 80) -> str:
    """The start of what the person wrote, for the queue: its first line, cut at a word near `limit`."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(" ,.;:") + "…"


SEALED_REPORT_FIELDS = ("what_happened", "place", "happened_when", "unit", "who", "contact_details", "contact_times")


@dataclass(frozen=True)
class Opened:
    """A sealed value as a page shows it: the text, or `readable=False` (the failure is audited, never shown)."""

    text: str
    readable: bool


@dataclass(frozen=True)
class ReportReading:
    fields: dict[str, Opened]
    messages: list[tuple[ReportMessage, Opened]]


def report_read(*, actor, report: IncomingReport, audit: AuditContext | None = None) -> ReportReading:
    """An officer opens a report: its sealed words and its messages, in order; the viewing is audited."""
    fields = {name: Opened(*_opened(report, name, actor, audit)) for name in SEALED_REPORT_FIELDS}
    messages = [(message, Opened(*_opened(message, "body", actor, audit)))
                for message in report.messages.select_related("author").order_by("sent_at")]
    audit_record(action="report_view", actor=actor, audit=audit, obj=report)
    return ReportReading(fields=fields, messages=messages)


def _opened(obj, name: str, actor, audit) -> tuple[str, bool]:
    value, readable = read_encrypted(obj, name, actor=actor, audit=audit)
    return (value or "", True) if readable else ("", False)


def report_assess(*, actor, report: IncomingReport, expected_version: int, audit: AuditContext | None = None) -> IncomingReport:
    with transaction.atomic():  # the row lock (select_for_update) needs one, and the audit row joins it
        current = _lock_open(report, expected_version)
        current.state, current.assessed_by, current.assessed_at = ReportState.ASSESSING, actor, timezone.now()
        current.version += 1
        current.save()
        audit_record(action="report_assess", actor=actor, audit=audit, obj=current)
    return current


def _lock_open(report: IncomingReport, expected_version: int) -> IncomingReport:
    current = lock_current_version(IncomingReport, report.pk, expected_version, label=str(report))
    if current.state not in OPEN_REPORT_STATES:
        raise ValidationError(_("This report has already been dealt with."))
    return current


def report_message_from_office(*, actor, report: IncomingReport, body: str,
                               audit: AuditContext | None = None) -> ReportMessage:
    _message_errors(body)
    with transaction.atomic():
        message = ReportMessage.objects.create(report=report, from_office=True, author=actor, body=body.strip())
        audit_record(action="report_message", actor=actor, audit=audit, obj=report, detail={"from_office": True})
    return message


def report_close(*, actor, report: IncomingReport, expected_version: int, reason: str,
                 audit: AuditContext | None = None) -> IncomingReport:
    if reason not in ReportCloseReason.values:
        raise ValidationError({"reason": [_("Choose the reason the person will read.")]})
    with transaction.atomic():
        current = _lock_open(report, expected_version)
        current.state, current.close_reason = ReportState.CLOSED, reason
        current.closed_by, current.closed_at = actor, timezone.now()
        current.assessed_by, current.assessed_at = current.assessed_by or actor, current.assessed_at or timezone.now()
        current.version += 1
        current.save()
        audit_record(action="report_close", actor=actor, audit=audit, obj=current, detail={"reason": reason})
    return current


def report_prefill(report: IncomingReport) -> dict[str, Any]:
    """What the allegation form starts from: the operation, the day received, the source, the force,
    and the person's words as the narrative (the officer edits them)."""
    words = [report.what_happened]
    for label, text in ((_("Where"), report.place), (_("When"), report.happened_when), (_("Unit"), report.unit),
                        (_("Who"), report.who)):
        if text:
            words.append(f"{label}: {text}")
    received = timezone.localdate(report.received_at, timezone=zoneinfo.ZoneInfo(report.mission.time_zone))
    return {"mission": report.mission, "date_received": received,
            "narrative": "\n\n".join(words), "force": report.force}


def report_convert(*, actor, report: IncomingReport, expected_version: int, values: dict[str, Any],
                   perpetrators: list[dict[str, Any]], audit: AuditContext | None = None) -> Allegation:
    """Record the allegation an officer made from the report, and link them, in one transaction: from
    then on the person's milestones follow the allegation."""
    with transaction.atomic():
        current = _lock_open(report, expected_version)
        allegation = allegation_create(actor=actor, mission=current.mission, values=values, perpetrators=perpetrators,
                                       audit=audit)
        current.state, current.allegation = ReportState.CONVERTED, allegation
        current.assessed_by, current.assessed_at = current.assessed_by or actor, current.assessed_at or timezone.now()
        current.version += 1
        current.save()
        audit_record(action="report_convert", actor=actor, audit=audit, obj=current,
                     detail={"allegation": allegation.reference})
    return allegation
