"""The one scoping rule for victims and their consents: a victim is visible through a visible allegation."""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allegations.models import Allegation
from core.models import Mission
from core.roles import HQ_ANALYST, user_roles
from core.sorting import SortOrder
from core.time import per_local_date
from core.working_days import SOON_WORKING_DAYS, add_working_days
from victims.choices import OPEN_ASSISTANCE, AgeGroup, AssistanceStatus, ConsentDecision, ConsentGiver, ConsentScope


class VictimQuerySet(models.QuerySet):
    def visible_to(self, user) -> VictimQuerySet:
        if not (user.is_authenticated and user.is_active and user.has_perm("victims.view_victim")):
            return self.none()
        links = apps.get_model("victims", "VictimAllegation").objects.filter(
            allegation__in=Allegation.objects.visible_to(user)
        )
        return self.filter(pk__in=links.values("victim"))

    def editable_by(self, user) -> VictimQuerySet:
        """Writing needs the role's permission *and* change scope (change_mission) on an operation
        the victim is linked to: view scope alone never lets anyone alter a victim's file."""
        if not (user.is_authenticated and user.is_active and user.has_perm("victims.change_victim")):
            return self.none()
        links = apps.get_model("victims", "VictimAllegation").objects.filter(
            allegation__mission__in=Mission.objects.editable_by(user)
        )
        return self.filter(pk__in=links.values("victim"))

    def without_decision_on(self, scopes) -> VictimQuerySet:
        """Victims (identity not erased) with no consent decision recorded for at least one of `scopes`,
        each annotated `decided_<scope>` (True/False) so a page can say which is missing."""
        consents = apps.get_model("victims", "Consent").objects
        decided = {f"decided_{scope}": models.Exists(consents.filter(victim=OuterRef("pk"), scope=scope))
                   for scope in scopes}
        missing = reduce(operator.or_, (Q(**{name: False}) for name in decided))
        return self.filter(identity_erased_at__isnull=True).annotate(**decided).filter(missing)

    def children_without_assessment(self) -> VictimQuerySet:
        return self.filter(age_group=AgeGroup.CHILD, best_interests_assessed_on__isnull=True)

    def without_advocate(self) -> VictimQuerySet:
        return self.filter(advocate__isnull=True)

    def with_list_data(self, user) -> VictimQuerySet:
        return self.prefetch_related(visible_links(user)).order_by("-created_at", "code")


def victim_list(*, user, q: str = "", age_group: str = "", no_advocate: bool = False) -> VictimQuerySet:
    """The victims `user` may see, by code, age group and whether an advocate follows them (shared by
    the page and the API)."""
    victims = apps.get_model("victims", "Victim").objects.visible_to(user).with_list_data(user)
    if age_group:
        victims = victims.filter(age_group=age_group)
    if no_advocate:
        victims = victims.without_advocate()
    # A NUL can never be part of a code, and PostgreSQL refuses it in a query: drop it.
    q = q.replace("\x00", "").strip()
    return victims.filter(code__icontains=q) if q else victims


# The victim list's sortable columns: code and coded categories only, never an encrypted identity field.
VICTIM_SORTS = SortOrder(
    columns={
        "code": ("code",),
        "sex": ("sex", "code"),
        "age_group": ("age_group", "code"),
        "registered": ("created_at", "code"),  # the default, newest first
    },
    default="-registered",
    unique=frozenset({"pk", "code"}),
)

# The caseload's worklists (assistance needs): the notes are encrypted and never a sort key.
NEED_SORTS = SortOrder(
    columns={
        "victim": ("victim__code",),
        "category": ("category",),
        "status": ("status",),
        "provider": (models.F("provider__name"),),
        "identified": ("identified_on",),
        "follow_up": (models.F("follow_up_on"),),
        "advocate": (models.F("assigned_advocate__username"),),
    },
    default="follow_up",
)


def visible_links(user) -> models.Prefetch:
    """A victim's allegations, limited to those the user may see (a victim linked to another
    operation's case must not reveal that case's reference)."""
    links = apps.get_model("victims", "VictimAllegation").objects.filter(
        allegation__in=Allegation.objects.visible_to(user)
    ).select_related("allegation__mission")
    return models.Prefetch("links", queryset=links, to_attr="visible_links")


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConsentQuerySet:
        if not user.has_perm("victims.view_consent"):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.visible_to(user))

    def latest_per_scope(self) -> dict[str, object]:
        latest: dict[str, object] = {}
        for consent in self.order_by("-recorded_at", "-id"):
            latest.setdefault(consent.scope, consent)
        return latest


def can_view_identity(user) -> bool:
    """Identity needs the explicit permission; headquarters analysts never see it, whatever else they hold."""
    return user.has_perm("victims.view_identity") and HQ_ANALYST not in user_roles(user)


def consent_allows(victim, scope: str) -> bool:
    """The one question other parts ask: does the latest decision for this scope say yes? For a
    child, or a victim whose age is unknown, only a guardian's decision counts (a "yes" the victim
    gave herself, e.g. before her age was corrected, is not enough)."""
    return decision_allows(victim, latest_consent(victim, scope))


def latest_consent(victim, scope: str):
    """The decision that applies for `scope` (None: never asked)."""
    return victim.consents.filter(scope=scope).order_by("-recorded_at", "-id").first()


def decision_allows(victim, latest) -> bool:
    """consent_allows on a latest decision already read (None: never asked), for pages that read
    all scopes in one query."""
    if latest is None or latest.decision != ConsentDecision.GIVEN:
        return False
    return victim.age_group == AgeGroup.ADULT or latest.given_by == ConsentGiver.GUARDIAN


# What the panel "What you may do now" asks of each scope, in the order officers meet them.
ALLOWANCE_QUESTIONS = (
    (ConsentScope.CONTACT, gettext_lazy("Contact the victim?")),
    (ConsentScope.SHARE_WITH_MEMBER_STATE, gettext_lazy("Name the victim in a notice to the Member State?")),
    (ConsentScope.SHARE_WITH_UN_PARTNERS, gettext_lazy("Share the identity with UN partners?")),
    (ConsentScope.ASSISTANCE, gettext_lazy("Refer the victim to a service provider?")),
)


@dataclass(frozen=True)
class Allowance:
    scope: str
    question: str
    allowed: bool
    asked: bool
    reason: str

    @property
    def state(self) -> str:
        """For the CSS class only: the words of `reason` carry the answer too."""
        return "yes" if self.allowed else ("no" if self.asked else "unasked")


def what_may_be_done(victim, latest: dict[str, object] | None = None) -> list[Allowance]:
    """The latest decision of each scope read as yes/no with its reason, by the rule of
    consent_allows. `latest` (scope -> Consent, from latest_per_scope) saves the query."""
    if latest is None:
        latest = victim.consents.all().latest_per_scope()
    return [_allowance(victim, scope, question, latest.get(scope)) for scope, question in ALLOWANCE_QUESTIONS]


def _allowance(victim, scope: str, question, consent) -> Allowance:
    if consent is None:
        return Allowance(scope, str(question), False, False,
                         _("Not asked yet: record a decision first. Until then the answer is no."))
    day = date_format(timezone.localtime(consent.recorded_at).date(), "j F Y")
    allowed = decision_allows(victim, consent)
    if allowed:
        reason = (_("Yes: consent given by the guardian on %(date)s.") if consent.given_by == ConsentGiver.GUARDIAN
                  else _("Yes: consent given by the victim on %(date)s."))
    elif consent.decision == ConsentDecision.REFUSED:
        reason = _("No: consent refused on %(date)s.")
    elif consent.decision == ConsentDecision.WITHDRAWN:
        reason = _("No: consent withdrawn on %(date)s.")
    else:
        # Given by the victim herself, but a child's (or an unknown age's) decision is the guardian's.
        reason = _("No: the victim consented on %(date)s, but for a child or a victim of unknown age "
                   "only a parent's or guardian's consent counts. Record the guardian's decision.")
    return Allowance(scope, str(question), allowed, True, reason % {"date": day})


# Identified, and not yet referred to a provider (a condition, for counts inside one aggregate).
NOT_REFERRED = Q(status=AssistanceStatus.IDENTIFIED)


class AssistanceNeedQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssistanceNeedQuerySet:
        if not user.has_perm("victims.view_assistanceneed"):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.visible_to(user))

    def editable_by(self, user) -> AssistanceNeedQuerySet:
        if not user.has_perm("victims.change_assistanceneed"):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.editable_by(user))

    def with_local_zone(self) -> AssistanceNeedQuerySet:
        """Each need with the time zone of its victim's operation (that of the victim's first link):
        a follow-up falls due on that operation's local date, not on UTC's. No query of its own."""
        first_link = (apps.get_model("victims", "VictimAllegation").objects.filter(victim=OuterRef("victim"))
                      .order_by("pk").values("allegation__mission__time_zone")[:1])
        return self.annotate(local_zone=Coalesce(Subquery(first_link), Value("UTC")))

    def follow_up_overdue(self) -> AssistanceNeedQuerySet:
        """The one rule for caseloads, the home page and the advocates' digest."""
        return self.with_local_zone().filter(overdue_follow_up_condition())

    def follow_up_due_soon_or_overdue(self) -> AssistanceNeedQuerySet:
        """Open, with a follow-up due within SOON_WORKING_DAYS working days of the operation's today,
        or already past: the advocate's home queue."""
        return self.with_local_zone().filter(
            Q(status__in=OPEN_ASSISTANCE) & per_local_date(
                lambda today: Q(follow_up_on__lte=add_working_days(today, SOON_WORKING_DAYS)), zone_field="local_zone"))

    def not_referred(self) -> AssistanceNeedQuerySet:
        return self.filter(NOT_REFERRED)


class ServiceProviderQuerySet(models.QuerySet):
    def visible_to(self, user) -> ServiceProviderQuerySet:
        """Providers of the operations the user may see, for those who follow assistance."""
        if not (user.is_authenticated and user.is_active and user.has_perm("victims.view_assistanceneed")):
            return self.none()
        return self.filter(mission__in=Mission.objects.visible_to(user))


class PaternityClaimQuerySet(models.QuerySet):
    """A paternity claim is in scope through its victim, for roles holding the claim permission."""

    def visible_to(self, user) -> PaternityClaimQuerySet:
        if not user.has_perm("victims.view_paternityclaim"):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.visible_to(user))

    def editable_by(self, user) -> PaternityClaimQuerySet:
        if not user.has_perm("victims.change_paternityclaim"):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.editable_by(user))


def overdue_follow_up_condition() -> Q:
    """Open, and the follow-up date is before the operation's today (on a queryset `with_local_zone`)."""
    return Q(status__in=OPEN_ASSISTANCE) & per_local_date(lambda today: Q(follow_up_on__lt=today),
                                                          zone_field="local_zone")


def follow_up_this_week_condition() -> Q:
    """Open, and the follow-up date is the operation's today or one of the six days after."""
    return Q(status__in=OPEN_ASSISTANCE) & per_local_date(
        lambda today: Q(follow_up_on__gte=today, follow_up_on__lte=today + datetime.timedelta(days=6)),
        zone_field="local_zone")


class DisclosureQuerySet(models.QuerySet):
    """A victim's register is read by those who may see who read or shared the identity: holders of
    identity access on a victim in their scope."""

    def visible_to(self, user) -> DisclosureQuerySet:
        if not can_view_identity(user):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.visible_to(user))


class DisclosureRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> DisclosureRequestQuerySet:
        if not can_view_identity(user):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.visible_to(user))

    def editable_by(self, user) -> DisclosureRequestQuerySet:
        if not can_view_identity(user):
            return self.none()
        return self.filter(victim__in=apps.get_model("victims", "Victim").objects.editable_by(user))
