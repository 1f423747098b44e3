"""The one scoping rule for victims and their consents: a victim is visible through a visible allegation."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from allegations.models import Allegation
from core.models import Mission
from core.roles import HQ_ANALYST, user_roles
from core.time import per_local_date
from victims.choices import OPEN_ASSISTANCE, AgeGroup, ConsentDecision, ConsentGiver


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

    def with_list_data(self, user) -> VictimQuerySet:
        return self.prefetch_related(visible_links(user)).order_by("-created_at", "code")


def victim_list(*, user, q: str = "", age_group: str = "") -> VictimQuerySet:
    """The victims `user` may see, by code and age group (shared by the page and the API)."""
    victims = apps.get_model("victims", "Victim").objects.visible_to(user).with_list_data(user)
    if age_group:
        victims = victims.filter(age_group=age_group)
    # A NUL can never be part of a code, and PostgreSQL refuses it in a query: drop it.
    q = q.replace("\x00", "").strip()
    return victims.filter(code__icontains=q) if q else victims


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
    latest = victim.consents.filter(scope=scope).order_by("-recorded_at", "-id").first()
    if latest is None or latest.decision != ConsentDecision.GIVEN:
        return False
    return victim.age_group == AgeGroup.ADULT or latest.given_by == ConsentGiver.GUARDIAN


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
