"""The referral workflow: draft, preview, second-person approval, sending, and the authority's answers."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from allegations.models import Allegation, Credibility
from allegations.services import allegation_in_change_scope_with
from core.audit import AuditContext, audit_record, get_in_scope_or_404
from core.choices import NOT_NOTIFIED_ROLES
from core.errors import NotFound, NotPermitted, checked
from core.identity_parts import identity_fill, identity_part_seal
from core.locking import StaleEditError, lock_current_version
from core.mail import message_id_for, send_and_record
from core.models import AuditEvent, FocalPoint, MemberState, RegionalOrganisation
from core.queue import enqueue_on_commit
from referrals.answer_links import ANSWER_LINK_MARK, answer_link_issue, answer_url
from referrals.deadlines import investigation_due, response_due
from referrals.ledger import SUMMARY_FIELDS, StepEntry, dependants_errors, relevant_only, step_errors, summarise
from referrals.choices import StepKind, StepSource
from referrals.models import (
    AnswerLink,
    NoteCounter,
    Referral,
    ReferralStatus,
    ReferralStep,
    Reminder,
    ReminderKind,
)
from victims.choices import NAMED_VICTIMS_DETAIL, VIA_REFERRAL_NOTICE, DisclosureKind, IdentityField
from victims.disclosures import disclosure_record
from victims.models import ConsentScope, PaternityClaim, Victim
from victims.querysets import can_view_identity, consent_allows, latest_consent


def access_referral(user, referral_id: Any, *, audit: AuditContext | None = None, for_change: bool = False) -> Referral:
    scope = Referral.objects.editable_by(user) if for_change else Referral.objects.visible_to(user)
    return get_in_scope_or_404(scope.select_related("allegation__mission", "member_state", "regional_organisation"),
                               referral_id, user=user, audit=audit, for_change=for_change)


def suggested_recipients(allegation: Allegation) -> tuple[list[MemberState], list[RegionalOrganisation]]:
    """The forces' lead bodies, and the nationality states of identified perpetrators."""
    states: dict[int, MemberState] = {}
    organisations: dict[int, RegionalOrganisation] = {}
    for perpetrator in allegation.perpetrators.select_related(
        "force__lead_member_state", "force__lead_regional_organisation", "nationality"
    ):
        if perpetrator.force.lead_member_state:
            states[perpetrator.force.lead_member_state.pk] = perpetrator.force.lead_member_state
        if perpetrator.force.lead_regional_organisation:
            org = perpetrator.force.lead_regional_organisation
            organisations[org.pk] = org
        if perpetrator.identified and perpetrator.nationality:
            states[perpetrator.nationality.pk] = perpetrator.nationality
    return sorted(states.values(), key=str), sorted(organisations.values(), key=str)


def current_focal_points(referral: Referral) -> list[FocalPoint]:
    """Whom it goes to at sending time: the focal points chosen at drafting that are still active, or,
    if an administrator has replaced them since, the recipient's current ones."""
    chosen = list(referral.focal_points.filter(active=True))
    return sorted(chosen or recipient_focal_points(referral.recipient), key=lambda fp: (fp.email, fp.pk))


def current_recipients(referral: Referral) -> list[str]:
    """Their addresses (reminders go to these)."""
    return sorted({fp.email for fp in current_focal_points(referral)})


def sendable_focal_points():
    """Focal points a notification goes to: the active ones, except those kept for paternity claims
    and for escalations (the Permanent Mission)."""
    return FocalPoint.objects.filter(active=True).exclude(role__in=NOT_NOTIFIED_ROLES)


def recipient_focal_points(recipient: MemberState | RegionalOrganisation):
    """Whom the notification to this recipient goes to."""
    return recipient.focal_points.filter(pk__in=sendable_focal_points().values("pk"))


def reachable(bodies):
    """The Member States or regional organisations (a queryset of either) a notification can go to."""
    return bodies.filter(focal_points__in=sendable_focal_points()).distinct()


def _recipient_errors(*, member_state: MemberState | None, regional_organisation: RegionalOrganisation | None,
                      language: str) -> dict[str, list[str]]:
    """What is wrong with a draft's recipient and language, at drafting and at editing alike."""
    errors: dict[str, list[str]] = {}
    if (member_state is None) == (regional_organisation is None):
        errors["recipient"] = [_("Choose one Member State or one regional organisation.")]
    elif not recipient_focal_points(member_state or regional_organisation).exists():
        errors["recipient"] = [_("%(recipient)s has no active focal point to send to. An administrator must add "
                                 "one first.") % {"recipient": member_state or regional_organisation}]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose English or French.")]
    return errors


@checked(allegation_in_change_scope_with("referrals.add_referral"))
def referral_draft(
    *, actor, allegation: Allegation, member_state: MemberState | None = None,
    regional_organisation: RegionalOrganisation | None = None, language: str = "en",
    audit: AuditContext | None = None,
) -> Referral:
    errors: dict[str, list[str]] = {}
    if allegation.credibility != Credibility.CREDIBLE:
        errors["allegation"] = [_("Only allegations assessed as credible can be referred. Record the credibility "
                                  "assessment on the allegation first.")]
    errors.update(_recipient_errors(member_state=member_state, regional_organisation=regional_organisation,
                                    language=language))
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(allegation=allegation, member_state=member_state,
                                       regional_organisation=regional_organisation, language=language,
                                       drafted_by=actor)
    referral.focal_points.set(recipient_focal_points(referral.recipient))
    audit_record(action="referral_draft", actor=actor, audit=audit, obj=referral,
                 detail={"allegation": allegation.reference, "recipient": str(referral.recipient)})
    return referral


@dataclass(frozen=True)
class VictimInNotice:
    code: str
    age_group: str
    sex: str
    identity_shared: bool
    identity: str = ""  # the quoted identity, or (in a stored notice) its placeholder


@dataclass(frozen=True)
class Notification:
    subject: str
    text: str
    html: str
    shares_identity: bool
    quoted_victims: tuple[str, ...] = ()  # ids of the victims whose identity the notice quotes


def identity_in_words(victim) -> str:
    """What a notice quotes of a victim who consented, in the active language."""
    parts = [_("name: %(name)s") % {"name": victim.full_name}]
    if victim.other_names:
        parts.append(_("also known as: %(names)s") % {"names": victim.other_names})
    if victim.date_of_birth:
        parts.append(_("born %(date)s") % {"date": date_format(victim.date_of_birth)})
    return "; ".join(parts)


def identity_fields_quoted(victim) -> list[str]:
    """Which identity fields `identity_in_words` quotes (the register of disclosures names these)."""
    fields = [IdentityField.FULL_NAME]
    if victim.other_names:
        fields.append(IdentityField.OTHER_NAMES)
    if victim.date_of_birth:
        fields.append(IdentityField.DATE_OF_BIRTH)
    return fields


def quote_inline(victim, words: str) -> str:
    return words


def quote_sealed(victim, words: str) -> str:
    """A notice that will be stored: the identity is sealed apart, the text keeps a placeholder."""
    return identity_part_seal(subject=victim, text=words)


def render_notification(referral: Referral, *, on: datetime.date | None = None,
                        quote: Callable[[Any, str], str] = quote_inline, answer_link: str = "") -> Notification:
    """What the authority receives. A victim's identity appears only where their latest
    share_identity_with_member_state consent is "given"; otherwise code, sex and age group.
    `quote` decides how identity stands in the text: as words (a preview) or sealed apart (sending)."""
    allegation = referral.allegation
    on = on or referral.sent_on or referral.allegation.mission.today()
    with translation.override(referral.language):
        victims, quoted = [], []
        for link in allegation.victim_links.select_related("victim"):
            victim = link.victim
            shared = consent_allows(victim, ConsentScope.SHARE_WITH_MEMBER_STATE)
            if shared:
                quoted.append(str(victim.pk))
            victims.append(VictimInNotice(
                code=victim.code, age_group=link.get_age_group_display(), sex=victim.get_sex_display(),
                identity_shared=shared, identity=quote(victim, identity_in_words(victim)) if shared else "",
            ))
        context = {
            "referral": referral,
            "allegation": allegation,
            "perpetrators": allegation.perpetrators.select_related("force", "nationality"),
            "victims": victims,
            "response_due": response_due(on),
            "investigation_due": investigation_due(on, children_involved=allegation.children_involved),
            "on": on,
            "answer_link": answer_link,  # sending: a marker each focal point's message fills with their own link
        }
        subject = _("Allegation of sexual exploitation and abuse %(reference)s: request to investigate") % {
            "reference": allegation.reference}
        text = render_to_string("referrals/notification.txt", context)
        html = render_to_string("referrals/notification.html", context)
    return Notification(subject=subject, text=text, html=html, shares_identity=any(v.identity_shared for v in victims),
                        quoted_victims=tuple(quoted))


def referral_preview(*, actor, referral: Referral, audit: AuditContext | None = None) -> Notification:
    """The exact notice, before sending (or as sent, its quoted identity filled in from the sealed
    parts). Showing quoted identity is an audited reveal of each victim quoted."""
    if referral.status == ReferralStatus.DRAFT:
        notice = render_notification(referral)
        quoted = {str(link.victim_id) for link in referral.allegation.victim_links.select_related("victim")
                  if consent_allows(link.victim, ConsentScope.SHARE_WITH_MEMBER_STATE)}
    else:
        text, html = identity_fill(referral.sent_text), identity_fill(referral.sent_html, html=True)
        quoted = {subject_id for _type, subject_id in text.subjects | html.subjects}
        notice = Notification(subject=referral.sent_subject, text=text.text, html=html.text,
                              shares_identity=bool(quoted))
    audit_record(action="referral_preview", actor=actor, audit=audit, obj=referral,
                 detail={"shares_identity": notice.shares_identity})
    if quoted and can_view_identity(actor):
        # Reading a notice that quotes names is a reveal of each of those victims' identity. (Callers
        # show such a notice only to those who may see identity.)
        for victim_id in sorted(quoted):
            audit_record(action="identity_reveal", actor=actor, audit=audit, object_type="victims.victim",
                         object_id=victim_id, detail={"via": VIA_REFERRAL_NOTICE, "referral": str(referral.pk)})
    return notice


def _referral_in_change_scope(*, actor, referral: Referral, audit: AuditContext | None = None, **_rest) -> None:
    access_referral(actor, referral.pk, audit=audit, for_change=True)


def _may_approve(*, actor, referral: Referral, audit: AuditContext | None = None, **_rest) -> None:
    _referral_in_change_scope(actor=actor, referral=referral, audit=audit)
    if not actor.has_perm("referrals.approve_referral"):
        # Audited: the check runs outside the service's transaction, so the row stays.
        audit_record(action="access_denied", actor=actor, audit=audit, obj=referral, outcome=AuditEvent.Outcome.DENIED,
                     detail={"for_change": True, "permission": "referrals.approve_referral"})
        raise NotPermitted(_("You do not have the right to approve referrals."))


@checked(_may_approve)
def referral_approve(*, actor, referral: Referral, expected_version: int, audit: AuditContext | None = None) -> Referral:
    """The second person approves; sending then happens in a task (ids only), retried if SMTP is down."""
    current = lock_current_version(Referral, referral.pk, expected_version, label=str(referral))
    if current.drafted_by_id == actor.pk:
        raise ValidationError(_("A referral must be approved by someone other than the person who drafted it."))
    if current.status != ReferralStatus.DRAFT:
        raise ValidationError(_("This referral has already been approved."))
    if render_notification(current).shares_identity and not can_view_identity(actor):
        raise ValidationError(_("This notice names a victim (with their consent): it must be approved by someone "
                                "allowed to see victims' identity, who can read what is sent."))
    current.status, current.approved_by, current.approved_at = ReferralStatus.APPROVED, actor, timezone.now()
    current.version = expected_version + 1
    current.save()
    audit_record(action="referral_approve", actor=actor, audit=audit, obj=current)
    enqueue_on_commit("referrals.send_referral", str(current.pk))  # broker down: the reminder sweep sends it later
    return current


def referral_send(*, referral_id) -> bool:
    """Deliver an approved referral once: lock it, render, send and record, mark it sent, one transaction.
    SMTP down: everything rolls back and the referral stays approved, to be sent again."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update(of=("self",)).select_related("allegation__mission", "member_state",
                                                                       "regional_organisation").get(pk=referral_id)
        if referral.status != ReferralStatus.APPROVED:
            return False
        today = referral.allegation.mission.today()  # "sent on" is the operation's date
        notice = render_notification(referral, on=today, quote=quote_sealed, answer_link=ANSWER_LINK_MARK)
        recipients = current_focal_points(referral)
        if not recipients:
            raise ValueError("no recipient: nothing is sent or recorded")
        _register_named_victims(referral, notice, recipients)
        with translation.override(referral.language):
            not_kept = _("[the focal point's personal answer link: not kept]")
        # One message per focal point, each with their own answer link (the outbox keeps neither).
        for focal_point in recipients:
            token = answer_link_issue(referral=referral, focal_point=focal_point)
            send_and_record(to=[focal_point.email], subject=notice.subject, text=notice.text, html=notice.html,
                            message_id=message_id_for("referral", f"{referral.pk}.{focal_point.pk}"),
                            mission=referral.allegation.mission, related=referral, related_label=str(referral),
                            personal=_answer_link_parts(answer_url(token), not_kept))
        referral.status, referral.sent_on = ReferralStatus.SENT, today
        referral.response_due = response_due(today)
        referral.investigation_due = investigation_due(today, children_involved=referral.allegation.children_involved)
        referral.sent_subject = notice.subject
        kept = {marker: stored for marker, (_sent, stored) in _answer_link_parts("", not_kept).items()}
        referral.sent_text, referral.sent_html = notice.text, notice.html
        for marker, stored in kept.items():
            referral.sent_text = referral.sent_text.replace(marker, stored)
            referral.sent_html = referral.sent_html.replace(marker, stored)
        referral.sent_shares_identity = notice.shares_identity
        referral.version += 1
        referral.save()
        # Which victims it named, so a victim's page can tell whose identity left (ids, never identity).
        audit_record(action="referral_sent", obj=referral,
                     detail={"recipients": len(recipients), "shares_identity": notice.shares_identity,
                             NAMED_VICTIMS_DETAIL: list(notice.quoted_victims)})
    return True


def _register_named_victims(referral: Referral, notice: Notification, recipients: list[FocalPoint]) -> None:
    """One entry in the register of disclosures of each victim the notice names, in the sending's
    transaction (SMTP down: they go with it). The consent relied on is the one the notice was rendered
    under; the drafter asked, the second person approved."""
    to = f"{referral.recipient} ({', '.join(f'{fp.name} <{fp.email}>' for fp in recipients)})"
    for victim in Victim.objects.filter(pk__in=notice.quoted_victims).order_by("code"):
        disclosure_record(
            victim=victim, kind=DisclosureKind.REFERRAL_NOTICE, recipient=to, fields=identity_fields_quoted(victim),
            consent=latest_consent(victim, ConsentScope.SHARE_WITH_MEMBER_STATE), requested_by=referral.drafted_by,
            approved_by=referral.approved_by, approved_at=referral.approved_at,
            source_type="referrals.referral", source_id=str(referral.pk), source_label=str(referral))


def _answer_link_parts(url: str, not_kept: str) -> dict[str, tuple[str, str]]:
    """Where the notice holds the link (the HTML anchor first, then the bare mark of the text), and what
    the recipient's copy and the kept copy put there: the link itself, or words saying it is not kept."""
    anchor = f'<a href="{ANSWER_LINK_MARK}">{ANSWER_LINK_MARK}</a>'
    return {anchor: (f'<a href="{url}">{url}</a>', f"<em>{not_kept}</em>"), ANSWER_LINK_MARK: (url, not_kept)}


def referrals_to_resend() -> list:
    """Approved referrals whose sending has not succeeded for a while (SMTP was down, worker lost)."""
    stale = timezone.now() - datetime.timedelta(minutes=settings.SEA_REMINDER_REQUEUE_MINUTES)
    return list(Referral.objects.filter(status=ReferralStatus.APPROVED, approved_at__lt=stale)
                .values_list("pk", flat=True))


def _stop_reminders_met(referral: Referral) -> int:
    """A deadline no longer awaited (answered, outcome reported, closed): its pending reminders and
    escalations are cancelled now, so no worker sends them."""
    met = []
    if not referral.awaiting_response:
        met.append(ReminderKind.RESPONSE_OVERDUE)
    if not referral.awaiting_outcome:
        met.append(ReminderKind.INVESTIGATION_OVERDUE)
    return referral.reminders.filter(status=Reminder.Status.PENDING, about__in=met).update(
        status=Reminder.Status.CANCELLED)


def _claims_of(referral: Referral) -> set[int]:
    """The paternity claims of the referred allegation's victims: what a paternity step can be about."""
    return set(PaternityClaim.objects.filter(victim__links__allegation_id=referral.allegation_id)
               .values_list("pk", flat=True))


def referral_claims(referral: Referral):
    """The claims a paternity step can name, by the child's code (a pseudonym)."""
    return PaternityClaim.objects.filter(pk__in=_claims_of(referral)).order_by("child_code")


def lock_open_referral(referral: Referral) -> Referral:
    current = (Referral.objects.select_for_update(of=("self",)).select_related("allegation__mission")
               .get(pk=referral.pk))
    if current.status != ReferralStatus.SENT:
        raise ValidationError(_("Steps can be recorded only on a referral that was sent and is still open."))
    return current


def record_step(current: Referral, entry: StepEntry, *, by_user=None, by_focal_point: FocalPoint | None = None,
                replaces: ReferralStep | None = None) -> ReferralStep:
    """Check `entry` against the ledger of the (locked, open) referral, write it, and bring the
    referral's summary and reminders up to date. For the office's services and the answer link."""
    steps = [s for s in current.steps.current() if replaces is None or s.pk != replaces.pk]
    entry = relevant_only(entry)
    errors = step_errors(entry, steps=steps, sent_on=current.sent_on, today=current.allegation.mission.today(),
                         response_due=current.response_due, claim_ids=_claims_of(current),
                         by_focal_point=by_focal_point is not None)
    if errors:
        raise ValidationError(errors)
    step = ReferralStep(referral=current, kind=entry.kind, occurred_on=entry.occurred_on, source=entry.source,
                        source_reference=entry.source_reference.strip(), result=entry.result,
                        officer_name=entry.officer_name.strip(), informed_by=entry.informed_by.strip(),
                        informed_how=entry.informed_how, paternity_claim_id=entry.paternity_claim_id,
                        note=entry.note.strip(), recorded_by=by_user, recorded_by_focal_point=by_focal_point,
                        replaces=replaces)
    step.save()
    steps.append(step)
    problems = dependants_errors(steps)
    if problems:
        raise ValidationError(problems)
    summary = summarise(steps)
    for name in SUMMARY_FIELDS:
        setattr(current, name, getattr(summary, name))
    current.version += 1
    current.save()
    _stop_reminders_met(current)
    return step


@checked(_referral_in_change_scope)
def referral_step_record(*, actor, referral: Referral, entry: StepEntry,
                         audit: AuditContext | None = None) -> ReferralStep:
    """The office records a step the authority took (or reported): appended to the ledger."""
    current = lock_open_referral(referral)
    step = record_step(current, entry, by_user=actor)
    audit_record(action="referral_step", actor=actor, audit=audit, obj=current,
                 detail={"step": str(step.pk), "kind": step.kind, "source": step.source})
    return step


@checked(_referral_in_change_scope)
def referral_step_correct(*, actor, referral: Referral, step_id, entry: StepEntry,
                          audit: AuditContext | None = None) -> ReferralStep:
    """The office corrects a step (its own, or one a focal point entered): the correction replaces it,
    and both stay in the ledger."""
    current = lock_open_referral(referral)
    old = ReferralStep.objects.select_for_update().filter(referral=current, pk=step_id).first()
    if old is None:
        raise NotFound(_("No such step."))
    if ReferralStep.objects.filter(replaces=old).exists():
        raise StaleEditError(_("This step was corrected by someone else since you opened it. Reload the referral, "
                               "then correct the current entry."))
    step = record_step(current, entry, by_user=actor, replaces=old)
    audit_record(action="referral_step_corrected", actor=actor, audit=audit, obj=current,
                 detail={"step": str(step.pk), "replaces": str(old.pk), "kind": step.kind,
                         "entered_by_focal_point": old.recorded_by_focal_point_id is not None})
    return step


# The deprecated `answers` operation of the API: its fields, the step each becomes, and where the
# ledger's reasons go back (field of the step → field of the old operation).
_ANSWERS_AS_STEPS = (
    ("response", {"kind": "response", "occurred_on": "response_on", "source": "response"}),
    ("investigation_officer", {"kind": "investigation_officer", "officer_name": "investigation_officer",
                               "occurred_on": "investigation_officer", "source": "investigation_officer"}),
    ("outcome", {"kind": "outcome", "result": "outcome", "occurred_on": "outcome_on", "source": "outcome"}),
)


@checked(_referral_in_change_scope)
def referral_answers_record(*, actor, referral: Referral, expected_version: int, values: dict[str, Any],
                            close: bool = False, audit: AuditContext | None = None) -> Referral:
    """The API's former single-form answer, kept for its clients: each value that differs from the
    ledger's summary becomes the step it stands for (source "other"), then the follow-up may close."""
    current = lock_current_version(Referral, referral.pk, expected_version, label=str(referral))
    if current.status != ReferralStatus.SENT:
        raise ValidationError(_("Steps can be recorded only on a referral that was sent and is still open."))
    response = values.get("response", current.response)
    answered_on = values.get("response_on") or current.response_on
    entries = {
        "response": StepEntry(kind={"will_investigate": StepKind.WILL_INVESTIGATE, "declines": StepKind.DECLINES,
                                    "no_response": StepKind.NO_ANSWER}.get(response, ""),
                              occurred_on=answered_on, source=StepSource.OTHER),
        "investigation_officer": StepEntry(kind=StepKind.OFFICER_APPOINTED, occurred_on=answered_on,
                                           source=StepSource.OTHER,
                                           officer_name=values.get("investigation_officer", "")),
        "outcome": StepEntry(kind=StepKind.FINDINGS, occurred_on=values.get("outcome_on"), source=StepSource.OTHER,
                             result=values.get("outcome", "")),
    }
    changed = {"response": response != current.response,
               "investigation_officer": values.get("investigation_officer", current.investigation_officer)
               != current.investigation_officer,
               "outcome": values.get("outcome", current.outcome) != current.outcome}
    for name, field_of in _ANSWERS_AS_STEPS:
        if not changed[name]:
            continue
        try:
            record_step(current, entries[name], by_user=actor)
        except ValidationError as error:
            reasons = error.message_dict if hasattr(error, "error_dict") else {name: error.messages}
            raise ValidationError({field_of.get(key, name): messages for key, messages in reasons.items()}) from error
    if close:
        _close(current, values.get("accountability_measures", ""))
    audit_record(action="referral_record", actor=actor, audit=audit, obj=current,
                 detail={"fields": sorted(values), "closed": close})
    return current


@checked(_referral_in_change_scope)
def referral_close(*, actor, referral: Referral, expected_version: int, accountability_measures: str = "",
                   audit: AuditContext | None = None) -> Referral:
    """End the follow-up, with the office's summary of the accountability measures reported; the
    reminders still pending are cancelled."""
    current = lock_current_version(Referral, referral.pk, expected_version, label=str(referral))
    if current.status != ReferralStatus.SENT:
        raise ValidationError(_("Only a referral in follow-up can be closed."))
    _close(current, accountability_measures)
    audit_record(action="referral_closed", actor=actor, audit=audit, obj=current)
    return current


def _close(current: Referral, accountability_measures: str) -> None:
    """End the (locked) referral's follow-up today, in its operation's date; its pending reminders go."""
    current.accountability_measures = (accountability_measures or "").strip()
    current.status, current.closed_on = ReferralStatus.CLOSED, current.allegation.mission.today()
    current.version += 1
    current.save()
    _stop_reminders_met(current)


def referral_deadlines_follow_children(allegation_id, children_involved: bool) -> None:
    """A child victim recorded (or corrected away) after sending: the open referrals' investigation
    deadline becomes 90 days (or 180) from the date sent, and the change is audited."""
    referrals = Referral.objects.select_for_update(of=("self",)).select_related("allegation__mission")
    for referral in referrals.filter(allegation_id=allegation_id, status=ReferralStatus.SENT):
        due = investigation_due(referral.sent_on, children_involved=children_involved)
        if due == referral.investigation_due:
            continue
        previous, referral.investigation_due = referral.investigation_due, due
        referral.investigation_due_was, referral.investigation_due_changed_on = previous, referral.allegation.mission.today()
        referral.save(update_fields=["investigation_due", "investigation_due_was", "investigation_due_changed_on"])
        # Moved later: reminders of the old deadline not sent yet are no longer due.
        referral.reminders.filter(status=Reminder.Status.PENDING, about=ReminderKind.INVESTIGATION_OVERDUE,
                                  due_date__lte=due).update(status=Reminder.Status.CANCELLED)
        audit_record(action="referral_deadline_changed", obj=referral,
                     detail={"investigation_due": [str(previous), str(due)], "children_involved": children_involved})


def _may_edit_draft(*, actor, referral: Referral, audit: AuditContext | None = None, **_rest) -> None:
    """The drafter, or anyone with change scope (the check is the scope; the drafter has it too)."""
    _referral_in_change_scope(actor=actor, referral=referral, audit=audit)


def _only_drafts(current: Referral) -> None:
    if current.status != ReferralStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; this referral was already approved or withdrawn."))


@checked(_may_approve)
def referral_return(*, actor, referral: Referral, expected_version: int, comment: str,
                    audit: AuditContext | None = None) -> Referral:
    """The approver sends the draft back to its drafter, saying why: it leaves the approval queue."""
    current = lock_current_version(Referral, referral.pk, expected_version, label=str(referral))
    _only_drafts(current)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Say what the drafter should change.")]})
    current.returned_by, current.returned_at, current.return_comment = actor, timezone.now(), comment
    current.version = expected_version + 1
    current.save()
    audit_record(action="referral_return", actor=actor, audit=audit, obj=current)
    return current


@checked(_may_edit_draft)
def referral_edit(*, actor, referral: Referral, expected_version: int, member_state: MemberState | None = None,
                  regional_organisation: RegionalOrganisation | None = None, language: str = "en",
                  audit: AuditContext | None = None) -> Referral:
    """Change a draft's recipient or language; it goes back to the approval queue (the return is cleared)."""
    current = lock_current_version(Referral, referral.pk, expected_version, label=str(referral))
    _only_drafts(current)
    errors: dict[str, list[str]] = {}
    errors.update(_recipient_errors(member_state=member_state, regional_organisation=regional_organisation,
                                    language=language))
    if errors:
        raise ValidationError(errors)
    current.member_state, current.regional_organisation, current.language = member_state, regional_organisation, language
    current.returned_by, current.returned_at, current.return_comment = None, None, ""
    current.version = expected_version + 1
    current.save()
    current.focal_points.set(recipient_focal_points(current.recipient))
    audit_record(action="referral_edit", actor=actor, audit=audit, obj=current,
                 detail={"recipient": str(current.recipient), "language": language})
    return current


@checked(_may_edit_draft)
def referral_withdraw(*, actor, referral: Referral, expected_version: int, reason: str = "",
                      audit: AuditContext | None = None) -> Referral:
    """The draft will not be sent: it leaves every queue and the allegation shows it as withdrawn."""
    current = lock_current_version(Referral, referral.pk, expected_version, label=str(referral))
    _only_drafts(current)
    current.status = ReferralStatus.WITHDRAWN
    current.version = expected_version + 1
    current.save()
    audit_record(action="referral_withdraw", actor=actor, audit=audit, obj=current,
                 detail={"reason_given": bool((reason or "").strip())})
    return current


# --- notes verbales ---------------------------------------------------------------------------

@dataclass(frozen=True)
class NoteVerbale:
    """A sent reminder or escalation as the formal note a Permanent Mission files: no victim, no narrative."""

    number: str
    language: str
    title: str
    html: str


def next_note_number(*, year: int) -> str:
    """`SEA/NV/2026/0007`: a gap-free sequence per year. The counter row is locked until the caller's
    transaction ends, so two first productions at once cannot get the same number."""
    counter, _created = NoteCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"SEA/NV/{year}/{counter.last_value:04d}"


def _note_addressee(referral: Referral) -> str:
    """Whom the note is addressed to, in the active language."""
    if referral.member_state_id:
        return _("the Permanent Mission of %(state)s to the United Nations") % {"state": referral.member_state}
    return _("the Delegation of %(organisation)s to the United Nations") % {
        "organisation": referral.regional_organisation}


def reminder_note_verbale(*, actor, reminder: Reminder, audit: AuditContext | None = None) -> NoteVerbale:
    """The note verbale for a sent reminder or escalation, in the referral's language; its number is
    given at the first production and kept. Every production is audited."""
    referral = reminder.referral
    if (reminder.status != Reminder.Status.SENT
            or not Referral.objects.visible_to(actor).filter(pk=reminder.referral_id).exists()):
        raise NotFound(_("No such note."))
    with transaction.atomic():
        # Lock the reminder first: a second production waiting here then finds the number given.
        numbered = Reminder.objects.select_for_update().only("note_number").get(pk=reminder.pk)
        first = numbered.note_number is None
        if first:
            numbered.note_number = next_note_number(year=referral.allegation.mission.today().year)
            numbered.save(update_fields=["note_number"])
        reminder.note_number = numbered.note_number
        audit_record(action="note_verbale_produced", actor=actor, audit=audit, obj=referral,
                     detail={"reminder": reminder.pk, "number": reminder.note_number, "first": first})
    zone = zoneinfo.ZoneInfo(referral.allegation.mission.time_zone)
    with translation.override(referral.language):
        context = {
            "referral": referral, "reminder": reminder, "number": reminder.note_number,
            "addressee": _note_addressee(referral),
            "reference": referral.allegation.reference,
            "dated": timezone.localtime(reminder.sent_at, zone).date(),
        }
        title = (_("Note verbale %(number)s") % {"number": reminder.note_number})
        html = render_to_string("referrals/note_verbale_body.html", context)
    return NoteVerbale(number=reminder.note_number, language=referral.language, title=title, html=html)


# --- answer links ------------------------------------------------------------------------------

@checked(_referral_in_change_scope)
def answer_link_revoke(*, actor, referral: Referral, link_id: int, audit: AuditContext | None = None) -> AnswerLink:
    """The office stops a link (a focal point left, an address was compromised); audited."""
    link = AnswerLink.objects.select_for_update().filter(referral=referral, pk=link_id).first()
    if link is None:
        raise NotFound(_("No such link."))
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(action="answer_link_revoked", actor=actor, audit=audit, obj=referral,
                     detail={"link": link.pk, "focal_point": link.focal_point_id})
    return link
