"""The ledger's rules: what a step needs, what must come before it, and the referral's summary it yields.

The rules themselves are data in `referrals.choices` (RESULTS_OF, REQUIRES, ONCE, ...); this module
applies them to the steps recorded so far, so the office's form, the API and the focal point's
answer link refuse the same things with the same words.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields, replace

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from referrals.choices import (
    ANSWERS,
    ONCE,
    OFFICE_ONLY,
    PATERNITY_STEPS,
    REQUIRES,
    RESULTS_OF,
    VICTIM_INFORMED,
    AuthorityResponse,
    InvestigationOutcome,
    StepKind,
    StepResult,
    StepSource,
)

OUTCOME_OF_FINDINGS = {StepResult.SUBSTANTIATED: InvestigationOutcome.SUBSTANTIATED,
                       StepResult.NOT_SUBSTANTIATED: InvestigationOutcome.NOT_SUBSTANTIATED}


@dataclass(frozen=True)
class StepEntry:
    """A step as typed into the office's form, the API or the answer link, before it is recorded."""

    kind: str
    occurred_on: datetime.date | None
    source: str
    source_reference: str = ""
    result: str = ""
    officer_name: str = ""
    informed_by: str = ""
    informed_how: str = ""
    paternity_claim_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Summary:
    """What the referral's own columns say once the ledger is read (`summarise`)."""

    response: str = AuthorityResponse.NONE_YET
    response_on: datetime.date | None = None
    investigation_officer: str = ""
    outcome: str = InvestigationOutcome.PENDING
    outcome_on: datetime.date | None = None


SUMMARY_FIELDS = tuple(f.name for f in fields(Summary))


def summarise(steps) -> Summary:
    """The answer, the officer and the outcome, from the current steps in date order. "No answer"
    recorded, then an answer: the answer counts."""
    response, response_on, officer, outcome, outcome_on = AuthorityResponse.NONE_YET, None, "", \
        InvestigationOutcome.PENDING, None
    for step in sorted(steps, key=lambda s: (s.occurred_on, s.recorded_at)):
        if step.kind in ANSWERS:
            response, response_on = AuthorityResponse(step.kind), step.occurred_on
        elif step.kind == StepKind.NO_ANSWER and response == AuthorityResponse.NONE_YET:
            response, response_on = AuthorityResponse.NO_RESPONSE, step.occurred_on
        elif step.kind == StepKind.OFFICER_APPOINTED:
            officer = step.officer_name
        elif step.kind == StepKind.FINDINGS:
            outcome, outcome_on = OUTCOME_OF_FINDINGS[step.result], step.occurred_on
    return Summary(response, response_on, officer, outcome, outcome_on)


def step_errors(entry: StepEntry, *, steps, sent_on: datetime.date, today: datetime.date, response_due: datetime.date,
                claim_ids: set[int], by_focal_point: bool) -> dict[str, list[str]]:
    """Everything wrong with `entry` against the current `steps` of its referral, every field at once.
    `claim_ids`: the paternity claims of the referred allegation's victims."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    known = entry.kind in StepKind.values and not (by_focal_point and entry.kind in OFFICE_ONLY)
    if not known:
        add("kind", _("Choose a step from the list."))
    if entry.source not in StepSource.values:
        add("source", _("Say how the office learnt of this step."))
    day = entry.occurred_on
    if day is None:
        add("occurred_on", _("Give the date of this step."))
    elif day < sent_on:
        add("occurred_on", _("This date is before the referral was sent (%(sent)s).") % {"sent": date_format(sent_on)})
    elif day > today:
        add("occurred_on", _("This date cannot be in the future."))
    if not known:
        return errors
    kind = StepKind(entry.kind)
    allowed = RESULTS_OF.get(kind, ())
    if allowed and entry.result not in allowed:
        add("result", _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(str(StepResult(r).label) for r in allowed)})
    if kind == StepKind.OFFICER_APPOINTED and not entry.officer_name.strip():
        add("officer_name", _("Give the officer's name and rank."))
    if kind in VICTIM_INFORMED:
        if not entry.informed_by.strip():
            add("informed_by", _("Say who informed the victim."))
        if not entry.informed_how:
            add("informed_how", _("Say how the victim was informed."))
    if kind in PATERNITY_STEPS:
        if not claim_ids:
            add("kind", _("No victim of this allegation has a paternity claim: record the claim on the victim first."))
        elif entry.paternity_claim_id not in claim_ids:
            add("paternity_claim", _("Choose the paternity claim this step is about."))
    if errors.get("kind"):
        return errors
    same_claim = [s for s in steps if kind not in PATERNITY_STEPS or s.paternity_claim_id == entry.paternity_claim_id]
    errors_of_order = _order_errors(kind, entry, same_claim, steps, response_due=response_due)
    for name, message in errors_of_order:
        add(name, message)
    return errors


def _order_errors(kind: StepKind, entry: StepEntry, same_claim, steps, *, response_due) -> list[tuple[str, str]]:
    """The steps that must (or must not) come before this one."""
    found = []
    if kind in ONCE and any(s.kind == kind for s in same_claim):
        found.append(("kind", _("“%(step)s” is already in the ledger. If it was recorded wrongly, correct that "
                                "entry instead.") % {"step": kind.label}))
    if kind in ANSWERS:
        answer = next((s for s in steps if s.kind in ANSWERS), None)
        if answer is not None and answer.kind != kind:
            found.append(("kind", _("The authority's answer is already recorded (“%(answer)s”). If it changed its "
                                    "mind, correct that entry.") % {"answer": StepKind(answer.kind).label}))
    if kind == StepKind.NO_ANSWER:
        if any(s.kind in ANSWERS for s in steps):
            found.append(("kind", _("The authority has answered: there is no “no answer” to record.")))
        elif entry.occurred_on and entry.occurred_on <= response_due:
            found.append(("occurred_on", _("The answer is due by %(due)s: “no answer” can be recorded only after "
                                           "that date.") % {"due": date_format(response_due)}))
    required = REQUIRES.get(kind)
    if required:
        before_kind, before_result = required
        earlier = [s for s in steps if s.kind == before_kind and (not before_result or s.result == before_result)
                   and (kind not in (StepKind.DNA_RESULT, StepKind.SUPPORT_PAYMENT)
                        or s.paternity_claim_id == entry.paternity_claim_id)]
        needed = StepKind(before_kind).label if not before_result else f"{StepKind(before_kind).label}: " \
            f"{StepResult(before_result).label}"
        if not earlier:
            found.append(("kind", _("Record “%(needed)s” first: “%(step)s” comes after it.") % {
                "needed": needed, "step": kind.label}))
        elif entry.occurred_on and entry.occurred_on < min(s.occurred_on for s in earlier):
            first = min(s.occurred_on for s in earlier)
            found.append(("occurred_on", _("“%(step)s” cannot be dated before “%(needed)s” (%(date)s).") % {
                "step": kind.label, "needed": needed, "date": date_format(first)}))
    return found


def relevant_only(entry: StepEntry) -> StepEntry:
    """The entry without what its kind does not use (typed for another kind, then the kind changed):
    an answer must not carry an officer's name the form still held."""
    kind = entry.kind
    return replace(entry, result=entry.result if kind in RESULTS_OF else "",
                   officer_name=entry.officer_name if kind == StepKind.OFFICER_APPOINTED else "",
                   informed_by=entry.informed_by if kind in VICTIM_INFORMED else "",
                   informed_how=entry.informed_how if kind in VICTIM_INFORMED else "",
                   paternity_claim_id=entry.paternity_claim_id if kind in PATERNITY_STEPS else None)


def dependants_errors(steps) -> list[str]:
    """After a correction: the steps whose required earlier step is gone (a "will investigate"
    corrected into "declines" while findings are recorded)."""
    problems = []
    for step in steps:
        required = REQUIRES.get(step.kind)
        if required and not any(s.kind == required[0] and (not required[1] or s.result == required[1])
                                and s.occurred_on <= step.occurred_on for s in steps):
            problems.append(_("“%(step)s” of %(date)s needs “%(needed)s” before it: correct that step first.") % {
                "step": StepKind(step.kind).label, "date": date_format(step.occurred_on),
                "needed": StepKind(required[0]).label})
    return problems


def as_entry(step) -> StepEntry:
    """A recorded step as an entry: what a correction starts from."""
    return StepEntry(kind=step.kind, occurred_on=step.occurred_on, source=step.source,
                     source_reference=step.source_reference, result=step.result, officer_name=step.officer_name,
                     informed_by=step.informed_by, informed_how=step.informed_how,
                     paternity_claim_id=step.paternity_claim_id, note=step.note)
