"""What the audit trail tells about a victim: the events about the victim and what it keeps (for the
audit page's victim filter), and who read or shared the identity (for the victim's page)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit_actions import action_label, events_about, events_on
from core.models import AuditEvent
from victims.choices import (
    IDENTITY_DISCLOSED_ACTION,
    IDENTITY_MATCH_ACTION,
    IDENTITY_READ_ACTIONS,
    IDENTITY_SENT_ACTION,
    IDENTITY_UNREADABLE_ACTION,
    NAMED_VICTIMS_DETAIL,
    VIA_REFERRAL_NOTICE,
    DisclosureKind,
)
from victims.models import AssistanceNeed, PaternityClaim, Victim, VictimContact
from victims.querysets import can_view_identity

IDENTITY_HISTORY_LENGTH = 20


def victim_by_code(code: str) -> Victim | None:
    # The audit page's readers see the whole trail, whatever the operation: no scope to apply here.
    return Victim.objects.filter(code__iexact=code.strip()).first()


def _identity_events(victim: Victim) -> Q:
    return ((events_on(victim) & Q(action__in=IDENTITY_READ_ACTIONS))
            | (events_on(victim) & Q(action=IDENTITY_DISCLOSED_ACTION)
               & ~Q(detail__kind=DisclosureKind.REFERRAL_NOTICE))
            | Q(action=IDENTITY_MATCH_ACTION, detail__matches__icontains=_element(victim.code))
            | Q(action=IDENTITY_SENT_ACTION, **{f"detail__{NAMED_VICTIMS_DETAIL}__icontains": _element(str(victim.pk))}))


def _element(value: str) -> str:
    """A string as it stands, quoted, in a JSON list's text: matched as text, because SQLite (the
    embedded default) has no JSON containment; the quotes keep V-2016-004 from matching V-2016-0042."""
    return json.dumps(value)


def victim_audit_events(victim: Victim) -> Q:
    """The victim (consents and contacts are audited on the victim), its assistance needs, paternity
    claims and contact notes, and where its identity was matched or sent."""
    return (events_on(victim)
            | events_about(AssistanceNeed.objects.filter(victim=victim))
            | events_about(PaternityClaim.objects.filter(victim=victim))
            | events_about(VictimContact.objects.filter(victim=victim))
            | _identity_events(victim))


def may_see_identity_access(user) -> bool:
    """Who may see a victim's identity may see who else saw it (the victims' rights advocate, a field
    officer granted identity access); the audit trail's readers (administrators) see it all anyway.
    Headquarters analysts and field officers without identity access do not."""
    return can_view_identity(user) or user.has_perm("core.view_auditevent")


@dataclass(frozen=True)
class IdentityAccess:
    at: datetime.datetime  # UTC
    who: str  # user name; empty when the application did it (a notice sent after approval)
    what: str
    code: str  # the action code, for experts
    outcome: str
    outcome_label: str

    @property
    def succeeded(self) -> bool:
        return self.outcome == AuditEvent.Outcome.SUCCESS


def _what(event: AuditEvent) -> str:
    if event.action == IDENTITY_SENT_ACTION:
        return str(_("Identity sent to an authority in a referral notice"))
    if event.action == IDENTITY_DISCLOSED_ACTION:
        return str(dict(DisclosureKind.choices).get(event.detail.get("kind"), action_label(event.action)))
    if event.action == IDENTITY_MATCH_ACTION:
        return str(_("Identity matched: shown as a possible duplicate"))
    if event.action == IDENTITY_UNREADABLE_ACTION:
        return str(_("Identity could not be read (decryption failed)"))
    if event.detail.get("via") == VIA_REFERRAL_NOTICE:
        return str(_("Identity viewed in a referral notice"))
    return action_label(event.action)


def identity_access_history(victim: Victim, *, limit: int = IDENTITY_HISTORY_LENGTH) -> list[IdentityAccess]:
    """Who read, tried to read or shared this victim's identity, newest first: one query. Never the
    identity itself (the trail holds none)."""
    events = AuditEvent.objects.filter(_identity_events(victim)).order_by("-id")[:limit]
    return [IdentityAccess(at=e.created_at, who=e.actor_username, what=_what(e), code=e.action, outcome=e.outcome,
                           outcome_label=e.get_outcome_display()) for e in events]
