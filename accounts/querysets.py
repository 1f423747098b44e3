"""Selectors of the user management pages and the administrator's home items: who may manage
accounts, which accounts are locked out or lack a second factor, and each person's roles and
operations, in a constant number of queries whatever the number of users."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.conf import settings as guardian_settings

from accounts.choices import ActiveFilter, ScopeLevel
from core.access import ADMINISTER_USERS
from core.audit import AuditContext, get_in_scope_or_404
from core.models import Mission, MissionUserObjectPermission

User = get_user_model()
VIEW, CHANGE = "view_mission", "change_mission"


def people() -> QuerySet:
    """Every account of a person: django-guardian's own stand-in for anonymous visitors is none."""
    return User.objects.exclude(username=guardian_settings.ANONYMOUS_USER_NAME)


def can_manage_users(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(ADMINISTER_USERS))


def manageable_users(actor) -> QuerySet:
    """Every account for an administrator, none for anyone else (their pages answer 404)."""
    return people() if can_manage_users(actor) else User.objects.none()


def access_user(actor, user_id, *, audit: AuditContext | None = None):
    """The account an administrator opens; anyone else, or an unknown id, gets NotFound (audited)."""
    return get_in_scope_or_404(manageable_users(actor), user_id, user=actor, audit=audit)


def locked_usernames() -> QuerySet:
    """User names django-axes refuses now: as many failures as the limit within the cool-off, summed
    over addresses (AXES_LOCKOUT_PARAMETERS locks a user name whatever the address)."""
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return (attempts.values("username").annotate(failures=Sum("failures_since_start"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT).values("username"))


def _confirmed_two_factor():
    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


def with_account_state(users: QuerySet) -> QuerySet:
    """`is_locked` and `has_two_factor` on each row, as subqueries of the same query."""
    return users.annotate(is_locked=ExpressionWrapper(Q(username__in=locked_usernames()), output_field=BooleanField()),
                          has_two_factor=_confirmed_two_factor())


def locked_users() -> QuerySet:
    return people().filter(username__in=locked_usernames())


def active_users_without_two_factor() -> QuerySet:
    return people().filter(is_active=True).exclude(_confirmed_two_factor())


def filtered_users(*, q: str = "", role: str = "", locked: bool = False, without_two_factor: bool = False,
                   state: str = "") -> QuerySet:
    """The list page's rows, filtered as its form asks (the home items link to `locked` and
    `without_two_factor`)."""
    users = with_account_state(people()).prefetch_related("groups")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
                             | Q(email__icontains=q))
    if role:
        users = users.filter(groups__name=role)
    if locked:
        users = users.filter(is_locked=True)
    if without_two_factor:
        users = users.filter(has_two_factor=False, is_active=True)
    if state == ActiveFilter.ACTIVE:
        users = users.filter(is_active=True)
    elif state == ActiveFilter.DISABLED:
        users = users.filter(is_active=False)
    return users.order_by("username")


@dataclass
class Scope:
    """A person's operations: the level in each operation, and in every operation (headquarters)."""

    every: str = ScopeLevel.NONE
    missions: dict[int, str] = field(default_factory=dict)  # mission pk -> ScopeLevel, only those granted

    def level(self, mission_pk: int) -> str:
        return self.missions.get(mission_pk, ScopeLevel.NONE)

    def fingerprint(self, roles: set[str]) -> str:
        """What the change form was rendered with: another administrator's change in between makes
        the submitted form stale (auth's User has no version field to lock on)."""
        parts = [",".join(sorted(roles)), self.every, *(f"{pk}:{lvl}" for pk, lvl in sorted(self.missions.items()))]
        return "|".join(parts)


def _level(codenames: set[str]) -> str:
    if CHANGE in codenames:
        return ScopeLevel.CHANGE
    return ScopeLevel.VIEW if VIEW in codenames else ScopeLevel.NONE


def scopes_of(users: list) -> dict[int, Scope]:
    """Each user's operations: two queries for any number of users."""
    ids = [u.pk for u in users]
    per_mission: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for user_id, mission_id, codename in (MissionUserObjectPermission.objects
                                          .filter(user_id__in=ids, permission__codename__in=(VIEW, CHANGE))
                                          .values_list("user_id", "content_object_id", "permission__codename")):
        per_mission[user_id][mission_id].add(codename)
    every: dict[int, set[str]] = defaultdict(set)
    through = User.user_permissions.through
    for user_id, codename in (through.objects.filter(user_id__in=ids, permission__content_type__app_label="core",
                                                     permission__codename__in=(VIEW, CHANGE))
                              .values_list("user_id", "permission__codename")):
        every[user_id].add(codename)
    return {pk: Scope(every=_level(every[pk]),
                      missions={m: _level(c) for m, c in per_mission[pk].items() if _level(c) != ScopeLevel.NONE})
            for pk in ids}


def scope_of(user) -> Scope:
    return scopes_of([user])[user.pk]


def missions_by_pk() -> dict[int, Mission]:
    return {m.pk: m for m in Mission.objects.order_by("name")}

